"""The library API: parse a notice, ingest notices into a warehouse.

from pipeline import parse, ingest
notice = parse("samples/000_5d162360d2d8264b.txt")
report = ingest(["samples/"], db="fengong.duckdb")
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import parsers
from parsers.errors import InputError
from parsers.structure import StructureOptions, build_notice
from schemas import Notice, Source
from warehouse.store import StoreStatus, Warehouse

DEFAULT_DB = "fengong.duckdb"
SUFFIXES = {".txt", ".text", ".htm", ".html", ".shtml", ".xhtml", ".docx", ".doc", ".wps", ".pdf"}


@dataclass
class Options:
    max_bytes: int = 64 * 1024 * 1024  # a bigger file is refused before it is read
    extra_registries: tuple[str, ...] = ()  # user unit files (aliases, renames)


@dataclass
class FileResult:
    path: str
    status: str  # ingested | replaced | unchanged | failed
    notice_id: str | None = None
    tasks: int = 0
    assignments: int = 0
    error: str | None = None
    seconds: float = 0.0


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]


def default_db() -> str:
    return os.environ.get("FENGONG_DB") or DEFAULT_DB


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
    options = options or Options()
    path = Path(path)
    data = _read_bytes(path, options)
    doc = parsers.read(data)
    source = Source(
        path=str(path), sha256=hashlib.sha256(data).hexdigest(), format=doc.format, size=len(data)
    )
    notice = build_notice(doc, source, StructureOptions(options.extra_registries))
    if not notice.tasks:
        raise InputError(
            "no plan found: no numbered task list or plan table",
            "is this the notice's attachment rather than the notice page?",
        )
    return notice


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files as given, and the notice files inside folders (recursively, in name order)."""
    for p in map(Path, paths):
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if (
                    child.is_file()
                    and child.suffix.lower() in SUFFIXES
                    and not any(part.startswith(".") for part in child.relative_to(p).parts)
                ):
                    yield child
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
    batch goes on."""
    options = options or Options()
    report = IngestReport()
    files = list(iter_files(paths))
    with Warehouse.open(db or default_db(), lock_timeout=lock_timeout) as wh:
        for path in files:
            result = _ingest_one(wh, path, options)
            report.results.append(result)
            if on_result:
                on_result(result)
    return report


def _ingest_one(wh: Warehouse, path: Path, options: Options) -> FileResult:
    started = time.perf_counter()
    sha = None
    try:
        notice = parse(path, options)
        sha = notice.source.sha256
        status: StoreStatus = wh.store(notice)
        result = FileResult(
            str(path),
            status,
            notice.notice_id,
            len(notice.tasks),
            sum(len(t.assignments) for t in notice.tasks),
        )
    except InputError as exc:
        result = FileResult(str(path), "failed", error=exc.line(str(path)))
    except Exception as exc:  # a bug must not stop the batch; it is reported like bad input
        result = FileResult(
            str(path), "failed", error=f"{path}: internal error: {type(exc).__name__}: {exc}"
        )
    result.seconds = time.perf_counter() - started
    wh.log(result.path, sha, result.notice_id, result.status, result.error, result.seconds)
    return result
