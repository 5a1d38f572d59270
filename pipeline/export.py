"""Feeds for task trackers and analysts: the warehouse's tasks as JSON Lines, CSV, Parquet or
an Excel ledger (台账). The rows come from warehouse/feeds.py; this module only writes them.

    result = export("fengong.duckdb", "tasks.jsonl", "jsonl", region="南沙区", year=2020)
    export("fengong.duckdb", "-", "csv")          # standard output (jsonl and csv)

Files are written beside their target and renamed into place (pipeline/safe_files.py), so a
failed export leaves the previous one as it was, and only a regular file is ever replaced;
the Parquet folder is replaced only when fengong wrote it (pipeline/parquet_feed.py). JSON
Lines, CSV and Parquet are written a chunk of notices at a time (warehouse/feeds.py: memory
holds one chunk whatever the feed's size): DuckDB makes each JSON line and CSV row whole, as
UTF-8 bytes, and Python only writes them; the Parquet feed is Arrow tables that pyarrow
writes as row groups. Each format imports only what it needs: pyarrow for Parquet,
xlsxwriter for the ledger, which groups tasks by plan and unit and reads its rows at once.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from pipeline.reading import FeedError, filters, reading
from pipeline.safe_files import STDOUT, UnsafeTarget, replacing
from warehouse import feeds

if TYPE_CHECKING:
    import duckdb

    from schemas.export import TaskRecord
    from warehouse.store import Warehouse

Format = Literal["jsonl", "csv", "parquet", "xlsx"]
FORMATS: tuple[Format, ...] = ("jsonl", "csv", "parquet", "xlsx")
STREAMABLE: tuple[Format, ...] = ("jsonl", "csv")  # the formats --out - can take
DUCKDB_MEMORY = "128MB"  # what DuckDB may hold while a feed is written
BOM = "\ufeff".encode()  # before a CSV file: Excel then reads the Chinese right

__all__ = ["FORMATS", "STREAMABLE", "ExportResult", "export", "record"]


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
            if isinstance(db, str | Path) and fmt != "xlsx":  # its own connection: DuckDB's
                # cache of the file's blocks is bounded too (one chunk of the feed needs far
                # less); the ledger is read whole, so it is not held to a chunk's memory
                wh.con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
            picked = filters(wh, region, year, unit, since)
            result = ExportResult(path, fmt, 0, 0, latest_change=feeds.latest_change(wh.con))
            con = wh.con
            if path is None:
                sink = stdout or sys.stdout
                _write_lines(con, picked, fmt, lambda b: sink.write(b.decode()), result, raw_csv)
            elif fmt == "parquet":
                _write_parquet(con, picked, path, result)
            elif fmt == "xlsx":
                _write_ledger(con, picked, path, result, since is not None, unit_sheets)
            else:
                with replacing(path, f"{fmt} feed") as tmp, tmp.open("wb") as f:
                    if fmt == "csv":  # UTF-8 with a BOM in a file (not on stdout)
                        f.write(BOM)
                    _write_lines(con, picked, fmt, f.write, result, raw_csv)
                if fmt == "jsonl":
                    result.schema_path = _write_schema(path)
    except UnsafeTarget as exc:
        raise FeedError(str(exc)) from None
    except BrokenPipeError:
        if path is not None:
            raise FeedError(f"{out}: cannot write: the reader of the pipe is gone") from None
        raise  # standard output's reader has what it wanted (| head): click ends quietly
    except OSError as exc:
        raise FeedError(f"{out}: cannot write: {exc.strerror or exc}") from None
    return result


def _write_lines(
    con: duckdb.DuckDBPyConnection,
    picked: feeds.Filters,
    fmt: Format,
    write: Any,
    result: ExportResult,
    raw_csv: bool,
) -> None:
    """JSON Lines or CSV, a chunk of the feed at a time: DuckDB makes each line whole, as
    UTF-8 bytes (warehouse/feeds.py: json_record, csv_cells, csv_row, lines), and `write`
    takes them as they are."""
    if fmt == "jsonl":
        from schemas.export import EXPORT_SCHEMA_NAME, EXPORT_SCHEMA_VERSION

        params = {"schema_name": EXPORT_SCHEMA_NAME, "schema_version": EXPORT_SCHEMA_VERSION}
        batches = feeds.task_fetches(con, picked, feeds.lines(feeds.json_record(), "\n"), params)
    else:
        names, types = feeds.task_columns(con)
        kept = [(n, t) for n, t in zip(names, types, strict=True) if n != "assignments"]
        columns = [n for n, _ in kept]
        kinds = [t for _, t in kept]
        # the header as Python's csv module writes it (the names need no quotes)
        write((",".join(columns) + "\r\n").encode())
        row = feeds.lines(feeds.csv_row(columns, kinds), "\r\n")
        cells = feeds.csv_cells(columns, kinds)
        batches = feeds.task_fetches(con, picked, cells, {"raw": raw_csv}, outer=row)
    for rows in batches:
        write(b"".join([r[0] for r in rows]))
        result.tasks += len(rows)
        result.removed += sum(r[1] for r in rows)


def _write_parquet(
    con: duckdb.DuckDBPyConnection, picked: feeds.Filters, path: Path, result: ExportResult
) -> None:
    from pipeline import parquet_feed

    names, _ = feeds.task_columns(con)
    columns = feeds.parquet_columns(names)
    params = {"no_region": parquet_feed.NO_REGION, "no_year": parquet_feed.NO_YEAR}
    schema = feeds.task_schema(con, columns, params)
    chunks = feeds.task_tables(con, picked, columns, params, parquet_feed.ROW_GROUP_TASKS)
    result.tasks = parquet_feed.write_parquet(chunks, schema, path)
    result.removed = feeds.removed_count(con, picked)


def _write_ledger(
    con: duckdb.DuckDBPyConnection,
    picked: feeds.Filters,
    path: Path,
    result: ExportResult,
    changes: bool,
    unit_sheets: bool,
) -> None:
    """The ledger groups tasks by plan and unit: its rows are read whole."""
    from pipeline.ledger import write_ledger

    rel = feeds.task_rows(con, picked)
    columns = rel.columns
    rows = [dict(zip(columns, r, strict=True)) for r in rel.fetchall()]
    result.tasks = len(rows)
    result.removed = sum(r["status"] == "removed" for r in rows)
    with replacing(path, "ledger") as tmp:
        ledger = write_ledger(rows, tmp, changes=changes, unit_sheets=unit_sheets, name=str(path))
    result.notes = ledger.cuts


def _write_schema(out: Path) -> Path:
    from schemas.export import record_json_schema

    schema_path = out.with_name(out.name + ".schema.json")
    with replacing(schema_path, "schema file") as tmp:
        tmp.write_text(
            json.dumps(record_json_schema(), ensure_ascii=False, indent=1) + "\n",
            encoding="utf-8",
        )
    return schema_path


# JSON Lines ----------------------------------------------------------------------------------
def record(row: dict[str, Any]) -> TaskRecord:
    """The versioned record of one export row (the model the JSON lines DuckDB writes are
    checked against: tests/test_export.py)."""
    from schemas.export import RecordAssignment, RecordNotice, RecordProvenance, TaskRecord
    from schemas.notice import Provenance

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
