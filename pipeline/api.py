"""The library API: parse a notice, ingest notices into a warehouse (public as
`fengong.parse` and `fengong.ingest`).

import fengong
notice = fengong.parse("samples/000_5d162360d2d8264b.txt")
report = fengong.ingest(["samples/"], db="fengong.duckdb")
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import parsers
from parsers.errors import InputError
from parsers.limits import Limits
from schemas import Notice, Source

if TYPE_CHECKING:
    from warehouse.store import Warehouse

DEFAULT_DB = "fengong.duckdb"
SUFFIXES = {
    *(".txt", ".text", ".htm", ".html", ".shtml", ".xhtml"),
    *(".docx", ".doc", ".wps", ".rtf", ".pdf"),
}


@dataclass
class Options:
    max_bytes: int = 64 * 1024 * 1024  # a bigger file is refused before it is read
    extra_registries: tuple[str, ...] = ()  # user unit files (aliases, renames)
    limits: Limits = field(default_factory=Limits)  # text size, DOCX inflation
    timeout: float | None = 60.0  # seconds one file may take to parse; None: no limit
    # worker processes that parse a batch (the caller alone writes); None: one per CPU;
    # 0 (the library's default): parse in this process, which is safe in any script, in
    # `python -` and in Jupyter. The command line asks for workers. Small batches are
    # parsed in this process anyway.
    jobs: int | None = 0
    # a file whose notice carries warnings fails instead of being stored
    strict: bool = False


@dataclass
class FileResult:
    path: str
    status: str  # ingested | replaced | unchanged | failed
    notice_id: str | None = None
    tasks: int = 0
    assignments: int = 0
    warnings: int = 0
    error: str | None = None
    seconds: float = 0.0


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files in folders, not notices by name

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]


def default_db() -> str:
    return os.environ.get("FENGONG_DB") or DEFAULT_DB


def path_text(path: str | Path) -> str:
    """A path as text to print and store. A file name that is not UTF-8 reaches Python with
    its bad bytes as lone surrogates, which neither DuckDB nor a UTF-8 terminal accepts: they
    become U+FFFD here (the file itself is still opened by its real name)."""
    return os.fsencode(path).decode("utf-8", errors="replace")


def _read_bytes(path: Path, options: Options) -> bytes:
    try:
        size = path.stat().st_size
        if size > options.max_bytes:
            limit = options.max_bytes / 2**20
            raise InputError(
                f"file is {size / 2**20:.0f} MiB, over the {limit:.0f} MiB limit",
                "raise --max-mb if it really is a notice",
            )
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from None


def parse(path: str | Path, options: Options | None = None) -> Notice:
    """Parse one file into a Notice; raises InputError for a file that is not a notice."""
    from parsers.structure import StructureOptions, build_notice  # spaCy: only when parsing

    options = options or Options()
    path = Path(path)
    data = _read_bytes(path, options)
    doc = parsers.read(data, options.limits)
    source = Source(
        path=path_text(path),
        sha256=hashlib.sha256(data).hexdigest(),
        format=doc.format,
        size=len(data),
    )
    notice = build_notice(doc, source, StructureOptions(options.extra_registries))
    if not notice.tasks:
        unread = sum(1 for w in doc.warnings if w.kind == "unreadable_text")
        if unread:  # the plan may be in what could not be read: say so, not "attachment?"
            raise InputError(
                "no plan found: no numbered task list or plan table in the text that could be "
                f"read; the text is partly unreadable ({unread} line(s) or page(s) in fonts "
                "with no Unicode map, (cid:N))",
                "get the Word original, or a PDF exported with Unicode fonts",
            )
        raise InputError(
            "no plan found: no numbered task list or plan table",
            "is this the notice's attachment rather than the notice page?",
        )
    return notice


def iter_files(paths: Iterable[str | Path], skipped: list[str] | None = None) -> Iterator[Path]:
    """Files as given, and the notice files inside folders (recursively, in name order).
    A file in a folder whose extension is not a notice's (SUFFIXES) is left out and, when
    `skipped` is given, its path appended there (hidden files and folders are left out
    silently)."""
    for p in map(Path, paths):
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if any(part.startswith(".") for part in child.relative_to(p).parts):
                    continue
                if child.is_file() and child.suffix.lower() in SUFFIXES:
                    yield child
                elif child.is_file() and skipped is not None:
                    skipped.append(path_text(child))
        else:
            yield p


def ingest(
    paths: Iterable[str | Path],
    db: str | Path | None = None,
    options: Options | None = None,
    on_result: Callable[[FileResult], None] | None = None,
    lock_timeout: float = 60.0,
) -> IngestReport:
    """Parse and store each file, one transaction per notice; a bad file is reported and the
    batch goes on. Results come in input order.

    Files are parsed in this process unless `options.jobs` asks for worker processes (then
    big batches are parsed by them while this process, the only writer, stores what they
    send). Either way it runs from a plain script with no `__main__` guard, from stdin and
    in Jupyter: workers never re-run the calling script (pipeline/workers.py).
    Raises warehouse.store.WarehouseError when the warehouse cannot be opened."""
    from warehouse.store import Warehouse  # duckdb: only when writing

    options = options or Options()
    report = IngestReport()
    files = list(iter_files(paths, report.skipped))
    with Warehouse.open(db or default_db(), lock_timeout=lock_timeout) as wh:
        # A notice's statements are small: DuckDB's thread pool costs the writer more CPU than
        # it saves (51 → 38 ms a notice), and the cores are the parser workers'.
        wh.sql("SET threads = 1")
        for parsed in _parse_all(files, options):
            result = _write(wh, parsed, options.strict)
            report.results.append(result)
            if on_result:
                on_result(result)
    return report


# Below this many files a batch is parsed in this process: a worker pays ~0.7 s to start
# (spaCy's import), which only pays back over more files (see bench/README numbers).
WORKERS_FROM = 12


def worker_count(files: int, options: Options) -> int:
    """How many worker processes parse a batch of this size; 0 means this process."""
    jobs = options.jobs if options.jobs is not None else _cpus()
    return 0 if files < WORKERS_FROM else max(0, min(jobs, files))


def _cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))  # the CPUs this process may run on
    return os.cpu_count() or 1


def _parse_all(files: list[Path], options: Options) -> Iterator[Parsed]:
    jobs = worker_count(len(files), options)
    if jobs == 0:
        return (parse_file(path, options) for path in files)
    from pipeline import workers

    return workers.parse_all(files, options, jobs)


@dataclass
class Parsed:
    """One file's parse: a notice, or the error line that refuses it."""

    path: str
    notice: Notice | None
    sha256: str | None = None
    error: str | None = None
    seconds: float = 0.0


class _Overtime(BaseException):
    """Raised by the timer into a parse that overran (BaseException: no handler eats it)."""


def parse_file(path: Path, options: Options) -> Parsed:
    """Parse one file for a batch: never raises; a file over the time limit is given up."""
    started = time.perf_counter()
    name = path_text(path)
    try:
        with _time_limit(options.timeout):
            notice = parse(path, options)
        parsed = Parsed(name, notice, notice.source.sha256)
    except InputError as exc:
        parsed = Parsed(name, None, file_sha256(path, options), exc.line(name))
    except _Overtime:
        parsed = Parsed(name, None, file_sha256(path, options), overtime_line(path, options))
    except Exception as exc:  # a bug must not stop the batch; it is reported like bad input
        parsed = Parsed(
            name,
            None,
            file_sha256(path, options),
            f"{name}: internal error: {type(exc).__name__}: {exc}",
        )
    parsed.seconds = time.perf_counter() - started
    return parsed


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
        raise _Overtime

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def file_sha256(path: Path, options: Options) -> str | None:
    """The failed file's hash for the log, when it can be read within the size limit."""
    try:
        if path.stat().st_size <= options.max_bytes:
            return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        pass
    return None


def strict_line(path: str, notice: Notice) -> str:
    """The refusal of a notice with warnings under --strict: how many, and the first."""
    first = notice.warnings[0]
    where = f" (task {first.task_key})" if first.task_key else ""
    return (
        f"{path}: {len(notice.warnings)} warning(s) under --strict, first: {first.kind}{where}: "
        f"{first.message} (see `fengong parse` for all; drop --strict to store it anyway)"
    )


def _write(wh: Warehouse, parsed: Parsed, strict: bool = False) -> FileResult:
    from warehouse.store import Logged

    started = time.perf_counter()
    notice = parsed.notice
    if notice is not None and strict and notice.warnings:
        parsed = Parsed(parsed.path, None, parsed.sha256, strict_line(parsed.path, notice))
        notice = None
    if notice is not None:
        try:
            # the notice and its ingest_log row are one transaction
            status = wh.store(notice, Logged(parsed.path, parsed.seconds))
            return FileResult(
                parsed.path,
                status,
                notice.notice_id,
                len(notice.tasks),
                sum(len(t.assignments) for t in notice.tasks),
                len(notice.warnings),
                seconds=parsed.seconds + time.perf_counter() - started,
            )
        except Exception as exc:  # e.g. a constraint the model let through: report, go on
            first = str(exc).splitlines()[0] if str(exc) else ""
            error = f"{parsed.path}: cannot store: {type(exc).__name__}: {first}"
    else:
        error = parsed.error
    result = FileResult(parsed.path, "failed", error=error)
    result.seconds = parsed.seconds + time.perf_counter() - started
    wh.log(result.path, parsed.sha256, None, "failed", error, result.seconds)
    return result
