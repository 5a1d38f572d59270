"""Writing the files fengong makes (reports, feeds) without harming anything else.

- A file is written to a temporary file beside its target and renamed onto it, so a failed
  write leaves the previous file whole and a reader never sees half a file.
- Only a regular file is ever replaced: a symbolic link (even one to a regular file), a
  device such as /dev/stdout, a FIFO, a socket or a folder at the target is refused with one
  line, and nothing is written through it (hostile.md case 10). Standard output is ``-``.

    with replacing(Path("report.html")) as tmp:
        tmp.write_text(html, encoding="utf-8")
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from schemas.errors import FengongError

STDOUT = "-"


class UnsafeTarget(FengongError):
    """The target exists and is not a regular file; the message is the one line to print."""


def check_target(out: Path, what: str = "file") -> None:
    """Raise UnsafeTarget unless `out` is absent or a regular file (not a link to one), and
    its folder exists."""
    try:
        mode = os.lstat(out).st_mode
    except FileNotFoundError:
        if not out.parent.is_dir():
            raise UnsafeTarget(f"{out}: the folder {out.parent} does not exist") from None
        return
    if stat.S_ISREG(mode):
        return
    kind = (
        "a symbolic link"
        if stat.S_ISLNK(mode)
        else "a folder"
        if stat.S_ISDIR(mode)
        else "a FIFO"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "not a regular file"
    )
    hint = "; for standard output write --out -" if kind in ("a symbolic link", "a device") else ""
    raise UnsafeTarget(
        f"{out}: is {kind}; fengong replaces only regular files, give the {what} another name{hint}"
    )


@contextmanager
def replacing(out: Path, what: str = "file") -> Iterator[Path]:
    """A temporary path beside `out` (same folder, so the rename is atomic), renamed onto
    `out` when the block succeeds and removed when it fails. Raises UnsafeTarget before
    anything is written when `out` is not a regular file."""
    check_target(out, what)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    try:
        yield tmp
        check_target(out, what)  # nothing slipped in meanwhile
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
