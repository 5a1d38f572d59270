"""Who holds a warehouse file's lock: a reader or a writer, and which process.

DuckDB locks the database file with POSIX record locks (fcntl): a shared (read) lock for a
read-only connection, an exclusive (write) lock for a read-write one. Its error only says a
lock conflicts; fcntl's F_GETLK asks the kernel which lock it is and which process holds it.

    holder("fengong.duckdb")   # Holder(pid=4242, writer=True), or None
"""

from __future__ import annotations

import os
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

# struct flock on Linux (x86-64 and aarch64 alike): short l_type, short l_whence,
# off_t l_start, off_t l_len, pid_t l_pid, padded to 32 bytes.
_FLOCK = struct.Struct("@hhqqi4x")


@dataclass(frozen=True)
class Holder:
    pid: int
    writer: bool  # an exclusive lock: a process writing; else one or more readers
    program: str = "fengong"  # what runs in that process, as far as /proc tells

    def says(self) -> str:
        """another fengong process (PID 4242) is writing to this warehouse"""
        who = f"another {self.program} process" if self.program else "another process"
        doing = "writing to" if self.writer else "reading"
        return f"{who} (PID {self.pid}) is {doing} this warehouse"


def holder(path: str) -> Holder | None:
    """The process whose lock on `path` stops an exclusive lock, or None when none does or
    the platform cannot say (F_GETLK with this layout is Linux's)."""
    if not sys.platform.startswith("linux"):
        return None
    import fcntl

    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        asked = _FLOCK.pack(fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
        kind, _, _, _, pid = _FLOCK.unpack(fcntl.fcntl(fd, fcntl.F_GETLK, asked))
    except OSError:
        return None
    finally:
        os.close(fd)
    if kind == fcntl.F_UNLCK:
        return None
    return Holder(pid=pid, writer=kind == fcntl.F_WRLCK, program=_program(pid))


def _program(pid: int) -> str:
    """fengong when the process runs the fengong command (its script or pipeline.cli), else
    the name of its program; "" when /proc does not say."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return ""
    words = [os.fsdecode(a) for a in argv if a]
    if any(Path(w).name == "fengong" or w == "pipeline.cli" for w in words):
        return "fengong"
    return Path(words[0]).name if words else ""
