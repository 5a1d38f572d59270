"""Feeds for task trackers and analysts: the warehouse's tasks as JSON Lines, CSV, Parquet or
an Excel ledger (台账). The rows come from warehouse/feeds.py; this module only writes them.

    result = export("fengong.duckdb", "tasks.jsonl", "jsonl", region="南沙区", year=2020)
    export("fengong.duckdb", "-", "csv")          # standard output (jsonl and csv)

Files are written beside their target and renamed into place (pipeline/safe_files.py), so a
failed export leaves the previous one as it was, and only a regular file is ever replaced;
the Parquet folder is replaced only when fengong wrote it (pipeline/parquet_feed.py). JSON
Lines, CSV and Parquet are written batch by batch, a chunk of notices at a time
(warehouse/feeds.task_batches: memory holds one chunk whatever the feed's size), DuckDB making
each JSON line and CSV cell; the ledger, which groups tasks by plan and unit, reads its rows
at once.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]

from pipeline.ledger import (
    CHANGE_NAMES,
    LEDGER_COLUMNS,
    SheetNames,
    display_width,
    ledger_row,
    wrapped_lines,
    write_ledger,
)
from pipeline.parquet_feed import write_parquet
from pipeline.reading import FeedError, filters, reading
from pipeline.safe_files import STDOUT, UnsafeTarget, replacing
from schemas.export import (
    EXPORT_SCHEMA_NAME,
    EXPORT_SCHEMA_VERSION,
    RecordAssignment,
    RecordNotice,
    RecordProvenance,
    TaskRecord,
    record_json_schema,
)
from schemas.notice import Provenance
from warehouse import feeds
from warehouse.store import Warehouse

Format = Literal["jsonl", "csv", "parquet", "xlsx"]
FORMATS: tuple[Format, ...] = ("jsonl", "csv", "parquet", "xlsx")
STREAMABLE: tuple[Format, ...] = ("jsonl", "csv")  # the formats --out - can take
BATCH_ROWS = 2048
DUCKDB_MEMORY = "128MB"  # what DuckDB may hold while a feed is written

__all__ = [
    "CHANGE_NAMES",
    "FORMATS",
    "LEDGER_COLUMNS",
    "ExportResult",
    "SheetNames",
    "display_width",
    "export",
    "ledger_row",
    "wrapped_lines",
]


@dataclass
class ExportResult:
    path: Path | None  # None: standard output
    format: Format
    tasks: int  # rows written, removed ones included
    removed: int
    schema_path: Path | None = None
    latest_change: dt.datetime | None = None  # pass as --since next time
    notes: list[str] = field(default_factory=list)  # one line each: cells cut in the ledger


def export(
    db: str | Path | Warehouse,
    out: str | Path,
    fmt: Format,
    *,
    region: str | None = None,
    year: int | None = None,
    unit: str | None = None,
    since: dt.datetime | None = None,
    raw_csv: bool = False,
    unit_sheets: bool = False,
    stdout: IO[str] | None = None,
    lock_timeout: float = 60.0,
) -> ExportResult:
    """Write the tasks that pass the filters to `out` in one format; `out` ``"-"`` is
    standard output (jsonl and csv; `stdout` replaces sys.stdout). raw_csv: CSV cells as they
    are, without the ``'`` before a leading = + - @ (pipeline/formats.py). unit_sheets: the
    ledger's sheets per unit. Raises FeedError with the one line to print, and WarehouseError
    when the warehouse cannot be read (waiting up to lock_timeout seconds for a writer)."""
    if fmt not in FORMATS:
        raise FeedError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    to_stdout = str(out) == STDOUT
    if to_stdout and fmt not in STREAMABLE:
        raise FeedError(f"--out -: standard output takes jsonl or csv; give {fmt} a file name")
    path = None if to_stdout else Path(out)
    try:
        with reading(db, lock_timeout) as wh:
            if not isinstance(db, Warehouse):  # its own connection: DuckDB's cache of the
                # file's blocks is bounded too (one chunk of the feed needs far less)
                wh.con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
            picked = filters(wh, region, year, unit, since)
            result = ExportResult(path, fmt, 0, 0, latest_change=feeds.latest_change(wh.con))
            con = wh.con
            if path is None:
                _write_stream(con, picked, fmt, stdout or sys.stdout, result, raw_csv)
            elif fmt == "parquet":
                batches = feeds.task_batches(con, picked)
                schema = feeds.task_schema(con)
                result.tasks = write_parquet(_counted(batches, result), schema, path)
            elif fmt == "xlsx":  # the ledger groups tasks by plan and unit: read whole
                rows = pa.Table.from_batches(
                    list(feeds.task_batches(con, picked)), feeds.task_schema(con)
                ).to_pylist()
                _count(rows, result)
                with replacing(path, "ledger") as tmp:
                    ledger = write_ledger(
                        rows,
                        tmp,
                        changes=since is not None,
                        unit_sheets=unit_sheets,
                        name=str(path),
                    )
                result.notes = ledger.cuts
            else:
                with replacing(path, f"{fmt} feed") as tmp:
                    # UTF-8 with a BOM: Excel then reads the Chinese right (not on stdout)
                    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
                    with tmp.open("w", encoding=encoding, newline="") as f:
                        _write_stream(con, picked, fmt, f, result, raw_csv)
                if fmt == "jsonl":
                    result.schema_path = _write_schema(path)
    except UnsafeTarget as exc:
        raise FeedError(str(exc)) from None
    except OSError as exc:
        raise FeedError(f"{out}: cannot write: {exc.strerror or exc}") from None
    return result


def _count(rows: list[dict[str, Any]], result: ExportResult) -> None:
    result.tasks += len(rows)
    result.removed += sum(r["status"] == "removed" for r in rows)


def _tally(status: pa.Array, result: ExportResult) -> None:
    result.tasks += len(status)
    result.removed += status.to_pylist().count("removed")


def _counted(batches: Iterator[pa.RecordBatch], result: ExportResult) -> Iterator[pa.RecordBatch]:
    for batch in batches:
        result.removed += batch.column("status").to_pylist().count("removed")
        yield batch


def _write_stream(
    con: duckdb.DuckDBPyConnection,
    picked: feeds.Filters,
    fmt: Format,
    f: IO[str],
    result: ExportResult,
    raw_csv: bool,
) -> None:
    """JSON Lines or CSV, a chunk of the feed at a time: DuckDB makes each line (or cell)
    and Python only writes them (warehouse/feeds.py: JSON_LINE, csv_cells)."""
    if fmt == "jsonl":
        record = {"schema_name": EXPORT_SCHEMA_NAME, "schema_version": EXPORT_SCHEMA_VERSION}
        for batch in feeds.task_batches(con, picked, f"{feeds.JSON_LINE}, status", record):
            lines = batch.column(0).to_pylist()
            if lines:
                f.write("\n".join(lines) + "\n")
            _tally(batch.column(1), result)
        return
    import csv

    names, types = feeds.task_columns(con)
    kept = [(n, t) for n, t in zip(names, types, strict=True) if n != "assignments"]
    columns = [n for n, _ in kept]
    cells = feeds.csv_cells(columns, [t for _, t in kept])
    writer = csv.writer(f)
    writer.writerow(columns)
    status = columns.index("status")
    for batch in feeds.task_batches(con, picked, cells, {"raw": raw_csv}):
        writer.writerows(zip(*(c.to_pylist() for c in batch.columns), strict=True))
        _tally(batch.column(status), result)


def _write_schema(out: Path) -> Path:
    schema_path = out.with_name(out.name + ".schema.json")
    with replacing(schema_path, "schema file") as tmp:
        tmp.write_text(
            json.dumps(record_json_schema(), ensure_ascii=False, indent=1) + "\n",
            encoding="utf-8",
        )
    return schema_path


# JSON Lines ----------------------------------------------------------------------------------
def record(row: dict[str, Any]) -> TaskRecord:
    """The versioned record of one export row."""
    location = json.loads(row["provenance"]) if row.get("provenance") else None
    return TaskRecord(
        task_id=row["task_id"],
        notice_id=row["notice_id"],
        status=row["status"],
        task_key=row["task_key"],
        text=row["text"],
        section_key=row["section_key"],
        section_title=row["section_title"],
        subsection_title=row["subsection_title"],
        label=row["label"],
        detail=row["detail"],
        deadline=row["deadline"],
        deadline_text=row["deadline_text"],
        clause_text=row["clause_text"],
        requirements=row["requirements"],
        clause_inherited=row["clause_inherited"],
        assignments=[RecordAssignment(**a) for a in row["assignments"]],
        notice=RecordNotice(**{k: row[k] for k in RecordNotice.model_fields}),
        provenance=RecordProvenance(
            source_path=row["source_path"],
            sha256=row["sha256"],
            format=row["format"],
            location=Provenance(**location) if location is not None else None,
        )
        if row["source_path"]
        else None,
        first_seen=row["first_seen"],
        changed_at=row["changed_at"],
        removed_at=row["removed_at"],
    )
