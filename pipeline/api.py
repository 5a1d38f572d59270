"""The library API: parse a notice, ingest notices into a warehouse (public as
`fengong.parse` and `fengong.ingest`). Parsing one file is pipeline/parsing.py (re-exported
here); this module runs batches: it parses in this process or hands the batch to
pipeline/workers.py (which imports parsing, never this module), and stores in groups.

import fengong
notice = fengong.parse("samples/000_5d162360d2d8264b.txt")
report = fengong.ingest(["samples/"], db="fengong.duckdb")
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.defaults import DEFAULT_DB
from pipeline.parsing import (
    Options,
    Parsed,
    memory_line,
    overtime_line,
    parse,
    parse_bytes,
    parse_file,
    path_text,
    read_file,
    strict_line,
    warm_up,
)
from warehouse.errors import StorageError, WarehouseError

if TYPE_CHECKING:
    from schemas import Notice
    from warehouse.groups import Group, Stored
    from warehouse.rows import NoticeRows

__all__ = [
    "DEFAULT_DB",
    "SUFFIXES",
    "WORKERS_FROM",
    "BatchStopped",
    "FileResult",
    "IngestReport",
    "Options",
    "Parsed",
    "default_db",
    "ingest",
    "iter_files",
    "memory_line",
    "overtime_line",
    "parse",
    "parse_bytes",
    "parse_file",
    "path_text",
    "read_file",
    "strict_line",
    "warm_up",
    "worker_count",
]

SUFFIXES = {
    *(".txt", ".text", ".htm", ".html", ".shtml", ".xhtml"),
    *(".docx", ".doc", ".wps", ".rtf", ".pdf"),
}


@dataclass
class FileResult:
    path: str
    status: str  # ingested | replaced | unchanged | kept | failed
    notice_id: str | None = None
    tasks: int = 0
    assignments: int = 0
    warnings: int = 0
    error: str | None = None
    seconds: float = 0.0
    why: str | None = None  # kept: which reading is stored instead, and how to take this one
    worse: bool = False  # kept because it reads worse than the stored reading


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files in folders, not notices by name

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def worse(self) -> list[FileResult]:
        """Files kept because they read worse than the stored reading (a decision to make:
        ingest --replace takes them)."""
        return [r for r in self.results if r.worse]


def default_db() -> str:
    return os.environ.get("FENGONG_DB") or DEFAULT_DB


def iter_files(paths: Iterable[str | Path], skipped: list[str] | None = None) -> Iterator[Path]:
    """Files as given, and the notice files inside folders (recursively, in name order):
    every entry by a notice's name (SUFFIXES) but a folder, so that a FIFO, a device or a
    link to nothing by such a name fails with its reason instead of vanishing. A file in a
    folder whose extension is not a notice's is left out and, when `skipped` is given, its
    path appended there (hidden files and folders are left out silently)."""
    for p in map(Path, paths):
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if any(part.startswith(".") for part in child.relative_to(p).parts):
                    continue
                if child.suffix.lower() in SUFFIXES and not child.is_dir():
                    yield child  # a FIFO, a device, a broken link: each fails with its reason
                elif child.is_file() and skipped is not None:
                    skipped.append(path_text(child))
        else:
            yield p


class BatchStopped(WarehouseError):
    """A batch stopped at a storage error (a full disk, a damaged warehouse): the files
    before it are stored whole, the one in flight not at all. `report` has their results."""

    def __init__(self, message: str, report: IngestReport) -> None:
        super().__init__(message)
        self.report = report


def ingest(
    paths: Iterable[str | Path],
    db: str | Path | None = None,
    options: Options | None = None,
    on_result: Callable[[FileResult], None] | None = None,
    lock_timeout: float = 60.0,
) -> IngestReport:
    """Parse and store each file, each notice whole (several notices per transaction, at
    most `options.group_size` files or `options.group_seconds` seconds a group:
    warehouse/groups.py); a bad file is reported and the batch goes on. Results come in
    input order, each once its transaction is committed (what is reported is stored).

    Files are parsed in this process unless `options.jobs` asks for worker processes (then
    big batches are parsed by them while this process, the only writer, stores what they
    send). Either way it runs from a plain script with no `__main__` guard, from stdin and
    in Jupyter: workers never re-run the calling script (pipeline/workers.py).
    A storage error (no space left, a damaged file) stops the batch at once: raises
    BatchStopped, one line saying how many files were stored. Raises
    warehouse.store.WarehouseError when the warehouse cannot be opened."""
    options = options or Options()
    report = IngestReport()
    files = list(iter_files(paths, report.skipped))
    batch = worker_count(len(files), options) > 0
    if batch:
        from pipeline import workers

        workers.start_server()  # it loads the parsers while this process opens the warehouse
    from parsers.kinds import plan_kind  # the kind of notices stored before it was read
    from warehouse import bulk
    from warehouse.store import Warehouse  # duckdb: only when writing

    with Warehouse.open(db or default_db(), lock_timeout=lock_timeout, plan_kind=plan_kind) as wh:
        # A notice's statements are small: DuckDB's thread pool costs the writer more CPU than
        # it saves (51 → 38 ms a notice), and the cores are the parser workers'.
        wh.sql("SET threads = 1")

        def done(token: _Staged, stored: Stored | None, error: str | None) -> None:
            result = token.result(stored, error)
            report.results.append(result)
            if on_result:
                on_result(result)

        group = wh.grouped(options.group_size, options.group_seconds, done)
        if batch:
            bulk.warm_up()  # while the fork server still loads the parsers

        def commit_if_due() -> None:
            if group.due():
                group.commit()

        at: str | None = None
        try:
            # closing stops the workers
            with closing(_parse_all(files, options, commit_if_due)) as parsed_files:
                for parsed in parsed_files:
                    at = parsed.path
                    _stage(group, parsed, options)
                    commit_if_due()
            group.commit()
        except StorageError as exc:
            first = group.paths[0] if group.paths else at or "?"
            raise BatchStopped(_stop_line(exc, first, report, files), report) from None
    return report


def _stop_line(exc: StorageError, at: str, report: IngestReport, files: list[Path]) -> str:
    """w.duckdb: no space left on device: 35 stored, free space and rerun (stopped at …)"""
    stored = sum(r.status in ("ingested", "replaced", "kept") for r in report.results)
    left = len(files) - len(report.results)
    detail = f"; DuckDB: {exc.detail}" if exc.detail else ""
    return (
        f"{exc.path}: {exc.reason}: {stored} stored, {exc.hint} "
        f"(stopped at {at}, {left} file(s) not stored{detail})"
    )


# Below this many files a batch is parsed in this process: a worker pays ~0.7 s to start
# (spaCy's import), which only pays back over more files (see bench/README numbers).
WORKERS_FROM = 12


def worker_count(files: int, options: Options) -> int:
    """How many worker processes parse a batch of this size; 0 means this process. Never
    more than the CPUs this process may run on (more workers only share them, each holding
    its own memory)."""
    jobs = min(options.jobs, _cpus()) if options.jobs is not None else _cpus()
    return 0 if files < WORKERS_FROM else max(0, min(jobs, files))


def _cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))  # the CPUs this process may run on
    return os.cpu_count() or 1


def _parse_all(
    files: list[Path], options: Options, idle: Callable[[], None] | None = None
) -> Generator[Parsed, None, None]:
    """Each file's parse, in input order; `idle` is called while waiting for workers."""
    jobs = worker_count(len(files), options)
    if jobs == 0:
        return (parse_file(path, options) for path in files)
    from pipeline import workers

    return workers.parse_all(files, options, jobs, idle)


@dataclass
class _Staged:
    """A file handed to the group: what its result line needs once it is committed."""

    parsed: Parsed
    notice: Notice | NoticeRows | None  # the model, or its rows as a parser worker sent them
    seconds: float = 0.0  # reading, parsing and staging

    def result(self, stored: Stored | None, error: str | None) -> FileResult:
        from schemas import Notice
        from warehouse.versions import Reading

        n = self.notice
        if stored is None or n is None:
            return FileResult(self.parsed.path, "failed", error=error, seconds=self.seconds)
        reading = Reading.of(n) if isinstance(n, Notice) else n.reading
        return FileResult(
            self.parsed.path,
            stored.status,
            n.notice_id,
            reading.tasks,
            reading.assignments,
            reading.warnings,
            seconds=self.seconds,
            why=stored.why,
            worse=stored.worse,
        )


def _stage(group: Group, parsed: Parsed, options: Options) -> None:
    """Hand one parsed file (or its failure) to the group. Raises StorageError when the
    warehouse itself fails (no space left, a damaged file): the batch stops."""
    from warehouse.store import Logged

    started = time.perf_counter()
    notice = parsed.rows or parsed.notice  # (--strict refused a notice with warnings already)
    token = _Staged(parsed, notice, parsed.seconds)
    log = Logged(parsed.path, parsed.seconds)
    if notice is None:
        group.failed(log, parsed.sha256, parsed.error or f"{parsed.path}: not read", token)
    else:
        group.add(notice, log, token, replace=options.replace)
    token.seconds += time.perf_counter() - started
