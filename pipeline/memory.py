"""How much memory parsing one file may take: an address-space limit on the process that
parses (RLIMIT_AS, `resource.setrlimit`), so that a file that would take gigabytes (huge XML,
a pathological table) ends in MemoryError — one line for the user — instead of taking the
machine's memory.

The limit is counted beyond what the process already maps when parsing starts (spaCy and
the libraries, ~300 MiB of address space in a parser worker), so `extra` means the same in
a worker as in the writer. Only the soft limit is lowered, and it is put back afterwards.

    with memory_limit(1024 * MiB):
        notice = parse_bytes(...)       # MemoryError past ~1 GiB more

Linux only (/proc/self/statm); elsewhere the block runs without a limit.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

MiB = 2**20
DEFAULT_MB = 1024  # far above any notice (the 150-page PDF peaks at tens of MiB)


def mapped() -> int | None:
    """Bytes of address space this process maps now (VmSize), or None when unknown."""
    try:
        with open("/proc/self/statm", "rb") as f:
            pages = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


@contextmanager
def memory_limit(extra: int | None) -> Iterator[None]:
    """Allow the block `extra` more bytes of address space than the process maps now;
    None: no limit."""
    if not extra or not sys.platform.startswith("linux"):
        yield
        return
    import resource

    now = mapped()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if now is None:
        yield
        return
    limit = now + extra
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY:
        limit = min(limit, soft)  # never loosen a limit the user set
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
