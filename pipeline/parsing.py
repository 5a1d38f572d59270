"""Parsing one file: read its bytes safely, hand them to the readers and the structure stage,
and turn every way it can go wrong into one line. Used by the library API (pipeline/api.py),
by the batch's worker processes (pipeline/workers.py) and by `fengong parse`; it imports
neither of the first two, so they do not import each other.

    notice = parse("samples/000_5d162360d2d8264b.txt")            # a Notice, or InputError
    parsed = parse_file(Path("x.docx"), Options())                 # never raises: Parsed
"""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import stat
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import parsers
from parsers.errors import InputError
from parsers.limits import Limits
from pipeline import memory

if TYPE_CHECKING:  # the models load with the parsers (parse_bytes), not with this module
    from schemas import Notice, NoticeWarning
    from warehouse.rows import NoticeRows


@dataclass
class Options:
    max_bytes: int = 64 * 1024 * 1024  # a bigger file is refused before it is read
    extra_registries: tuple[str, ...] = ()  # user unit files (aliases, renames)
    limits: Limits = field(default_factory=Limits)  # text size, DOCX inflation
    timeout: float | None = 60.0  # seconds one file may take to parse; None: no limit
    # worker processes that parse a batch (the caller alone writes); None: one per CPU;
    # 0 (the library's default): parse in this process, which is safe in any script, in
    # `python -` and in Jupyter. The command line asks for workers. Small batches are
    # parsed in this process anyway. Never more than the CPUs this process may use.
    jobs: int | None = 0
    # a file whose notice carries warnings fails instead of being stored
    strict: bool = False
    # address space one file's parse may take beyond what its process maps (pipeline/memory.py)
    max_memory: int | None = memory.DEFAULT_MB * memory.MiB
    # take each file's reading even when it reads worse than the notice's stored one
    replace: bool = False
    # group commit (warehouse/groups.py): files per transaction, and how long the first file
    # of a group may wait for its commit; a crash loses at most the open group
    group_size: int = 50
    group_seconds: float = 1.0


def path_text(path: str | Path) -> str:
    """A path as text to print and store. A file name that is not UTF-8 reaches Python with
    its bad bytes as lone surrogates, which neither DuckDB nor a UTF-8 terminal accepts: they
    become U+FFFD here (the file itself is still opened by its real name)."""
    return os.fsencode(path).decode("utf-8", errors="replace")


def read_file(path: Path, options: Options) -> bytes:
    """A file's bytes, read only from a regular file and never more than the size limit: a
    FIFO would block the reader for ever and /dev/zero fill its memory. The type is checked
    before opening (opening a device can have effects of its own) and again on the open
    descriptor (the name may have been swapped meanwhile). Raises InputError."""
    try:
        _regular(os.stat(path).st_mode)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(f.fileno())
            _regular(info.st_mode)
            if info.st_size > options.max_bytes:
                raise _too_big(f"file is {info.st_size / 2**20:.0f} MiB", options)
            data = f.read(options.max_bytes + 1)
    except OSError as exc:
        hint = _READ_HINTS.get(exc.errno or 0)
        raise InputError(f"cannot read: {exc.strerror or exc}", hint) from None
    if len(data) > options.max_bytes:
        raise _too_big("file grew while being read", options)
    return data


# What to do about the read errors a batch meets most: a path given that is not there (a
# pattern the shell left unexpanded, a file moved), a link that leads back to itself, a file
# this user may not read.
_READ_HINTS = {
    errno.ENOENT: "check the path; the batch goes on with the other files",
    errno.ELOOP: "a loop of symbolic links; point the link at the file",
    errno.EACCES: "this user may not read it; give read access or copy the file",
}


def _too_big(what: str, options: Options) -> InputError:
    return InputError(
        f"{what}, over the {options.max_bytes / 2**20:.0f} MiB limit",
        "raise --max-mb if it really is a notice",
    )


def _regular(mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    kinds = {
        stat.S_ISFIFO: "a named pipe (FIFO)",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
        stat.S_ISSOCK: "a socket",
        stat.S_ISDIR: "a folder",
    }
    kind = next((name for test, name in kinds.items() if test(mode)), "not a file")
    raise InputError(f"not a regular file: {kind}", "give fengong the notice's file itself")


def parse(path: str | Path, options: Options | None = None) -> Notice:
    """Parse one file into a Notice; raises InputError for a file that is not a notice."""
    options = options or Options()
    path = Path(path)
    return parse_bytes(read_file(path, options), path, options)


def parse_bytes(data: bytes, path: Path, options: Options) -> Notice:
    """Parse a file's bytes (read by read_file) into a Notice. Refuses, with InputError, a
    file that is not a work-plan notice (no title, no plan title, no unit named in a
    responsibility clause: a README, a news page) and a notice with no plan."""
    from parsers.structure import StructureOptions, build_notice  # spaCy: only when parsing
    from schemas import Source

    doc = parsers.read(data, options.limits)
    source = Source(
        path=path_text(path),
        sha256=hashlib.sha256(data).hexdigest(),
        format=doc.format,
        size=len(data),
    )
    notice = build_notice(doc, source, StructureOptions(options.extra_registries))
    meta = notice.meta
    if not meta.title and not meta.plan_title and not any(c.assignments for c in notice.clauses):
        raise InputError(
            "not a work-plan notice: no title, no plan title and no unit given a task",
            "fengong reads 分工方案 notices; leave this file out",
        )
    if not notice.tasks or _unreadable_header(notice, doc.warnings):
        raise no_plan(notice, doc.warnings)
    return notice


def _unreadable_header(notice: Notice, read_warnings: list[NoticeWarning]) -> bool:
    """Text the reader could not read, and a table whose columns had to be guessed: the
    header was likely in what could not be read, and the owners guessed would be wrong."""
    from parsers.tables import COLUMNS_GUESSED

    return any(w.kind == "unreadable_text" for w in read_warnings) and any(
        w.message.startswith(COLUMNS_GUESSED) for w in notice.warnings
    )


def no_plan(notice: Notice, read_warnings: list[NoticeWarning] | None = None) -> InputError:
    """The refusal of a file with no task: what was found instead, and the metadata read.
    When the reader could not read part of the text, the plan may be there: it says so."""
    unread = sum(1 for w in read_warnings or [] if w.kind == "unreadable_text")
    if unread:
        return InputError(
            "no plan found: no numbered task list or plan table in the text that could be "
            f"read; the text is partly unreadable ({unread} line(s) or page(s) in fonts "
            "with no Unicode map, (cid:N))",
            "get the Word original, or a PDF exported with Unicode fonts",
        )
    found = next(
        (w.message for w in reversed(notice.warnings) if w.message.startswith("no ")),
        "no plan table or numbered task list found",
    )
    m = notice.meta
    read = [
        f"{label} {value}"
        for label, value in (
            ("title", m.title),
            ("plan", m.plan_title if m.plan_title != m.title else None),
            ("doc number", m.doc_number),
            ("signed", m.sign_date),
        )
        if value
    ]
    said = f"; read {', '.join(read)}" if read else ""
    attached = any("附件" in line for line in notice.preamble)
    hint = (
        "the plan may be in the attachment the notice names: ingest that file"
        if attached
        else "if the plan is on this page its layout was not recognised; `fengong parse` shows"
        " what was read"
    )
    return InputError(f"no plan found: {found}{said}", hint)


@dataclass
class Parsed:
    """One file's parse: a notice, or the error line that refuses it. A parser worker sends
    the notice as its rows instead (`rows`, warehouse/rows.py, with `notice` None)."""

    path: str
    notice: Notice | None
    sha256: str | None = None
    error: str | None = None
    seconds: float = 0.0
    rows: NoticeRows | None = None


class _Overtime(BaseException):
    """Raised by the timer into a parse that overran (BaseException: no handler eats it)."""


def parse_file(
    path: Path, options: Options, on_read: Callable[[str], None] | None = None
) -> Parsed:
    """Parse one file for a batch: never raises. A file over the time limit is given up,
    one over the memory limit refused. `on_read` hears the file's sha256 as soon as it is
    read (a worker tells the writer, which then never reads a file it gives up on)."""
    started = time.perf_counter()
    name = path_text(path)
    sha256: str | None = None
    try:
        with _time_limit(options.timeout):
            data = read_file(path, options)
            sha256 = hashlib.sha256(data).hexdigest()
            if on_read:
                on_read(sha256)
            with memory.memory_limit(options.max_memory):
                notice = parse_bytes(data, path, options)
            del data
        if options.strict and notice.warnings:
            parsed = Parsed(name, None, sha256, strict_line(name, notice))
        else:
            parsed = Parsed(name, notice, sha256)
    except InputError as exc:
        parsed = Parsed(name, None, sha256, exc.line(name))
    except _Overtime:
        parsed = Parsed(name, None, sha256, overtime_line(path, options))
    except MemoryError:
        parsed = Parsed(name, None, sha256, memory_line(path, options))
    except ImportError as exc:
        # a library loaded on first use, mapped under the memory limit: ENOMEM from dlopen
        line = memory_line(path, options) if _out_of_memory(exc) else _internal(name, exc)
        parsed = Parsed(name, None, sha256, line)
    except Exception as exc:  # a bug must not stop the batch; it is reported like bad input
        parsed = Parsed(name, None, sha256, _internal(name, exc))
    parsed.seconds = time.perf_counter() - started
    return parsed


def strict_line(path: str, notice: Notice) -> str:
    """The refusal of a notice with warnings under --strict: how many, and the first."""
    first = notice.warnings[0]
    where = f" (task {first.task_key})" if first.task_key else ""
    return (
        f"{path}: {len(notice.warnings)} warning(s) under --strict, first: {first.kind}{where}: "
        f"{first.message} (see `fengong parse` for all; drop --strict to store it anyway)"
    )


def _internal(name: str, exc: BaseException) -> str:
    return f"{name}: internal error: {type(exc).__name__}: {exc}"


def _out_of_memory(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "failed to map segment" in text or "cannot allocate memory" in text


def warm_up(options: Options) -> None:
    """Build what parsing builds on first use (the spaCy pipeline and its ops), so that a
    worker's memory limit counts what each file takes, not what the first one happened to
    set up. (The readers' modules are loaded by the fork server: workers.PRELOAD.)"""
    from parsers.responsibility import read_clauses

    read_clauses(["区政府办公室负责。"], options.extra_registries)


def forget_readings() -> None:
    """Forget what parsing keeps from one notice to the next (clause readings and cell kinds:
    parsers.responsibility.read_clause, parsers.cells.classifier_for), so the next parse
    reads every clause and cell afresh, as a notice unlike any before it: what a benchmark of
    a first reading needs."""
    from parsers.cells import classifier_for
    from parsers.responsibility import read_clause

    read_clause.cache_clear()
    classifier_for.cache_clear()


def memory_line(path: Path | str, options: Options) -> str:
    limit = (options.max_memory or 0) / memory.MiB
    return InputError(
        f"parsing needed more than the {limit:.0f} MiB of memory a file may take, and was stopped",
        "raise --max-memory-mb if it really is one notice",
    ).line(path_text(path))


def overtime_line(path: Path | str, options: Options) -> str:
    return InputError(
        f"parsing took longer than {options.timeout:g} s and was stopped",
        "raise --timeout if the file is really that slow",
    ).line(path_text(path))


@contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """A timer signal that interrupts a parse in this process (best effort: it lands between
    Python bytecodes). Worker processes are the sure way: an overrunning one is killed."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        # The handler runs inside whatever Python code runs then; a garbage collector's
        # callback (hypothesis registers one) swallows what it raises. Fire again shortly
        # until the raise reaches the parse (the finally below stops the timer).
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        raise _Overtime

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
