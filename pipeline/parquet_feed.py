"""The Parquet feed: a folder of a few large Parquet files that every engine reads the same way.

    out/
      .fengong-export.json      the marker: what fengong wrote here
      part-0.parquet            the tasks in the feed's order (region, year, notice, plan
      part-1.parquet            order), FILE_ROWS rows a file, a row group a chunk of notices

Choices, each checked by tests/test_parquet_engines.py with real engines:

- **Few large files, no partition folders.** A folder of Hive partitions by region and year
  held one small file per notice (1,801 files for 1,800 notices): the small-files pattern
  that makes Spark, and every engine, spend its time opening files. A file holds up to
  FILE_ROWS tasks, in row groups of a chunk of notices each (about ROW_GROUP_TASKS tasks,
  warehouse/feeds.task_tables); as the rows are sorted by region and year, each row group's
  statistics name the regions and years it holds, so ``where region = '南沙区'`` in Spark,
  DuckDB or pyarrow skips the other regions' row groups without a partition folder.
- **The columns of the partitioned folders it replaces**: region and year at the end, as the
  partition columns were, and again in their places as ``notice_region`` and
  ``notice_year`` with the same values, so a query written against an earlier export reads
  this one alike.
- **No NULL region or year**: a notice without a region has ``未注明地区`` and one without a
  year ``0``, as the partition folders had them (Spark and pandas read Hive's NULL partition
  badly; the values are kept for readers of earlier exports).
- **Only fengong's own folders are replaced**: the marker lists every file an export wrote;
  an existing folder is replaced only when it holds the marker and nothing else than what
  the marker lists (hostile.md case 9). Anything else there — a user's notes, a folder that
  never was an export — makes the export refuse, and nothing is deleted.

The writer streams: DuckDB gives one Arrow table per chunk of notices and pyarrow writes it
as a row group, so memory holds one chunk whatever the feed's size.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from pipeline.reading import FeedError
from pipeline.regions import NO_REGION

NO_YEAR = 0
MARKER = ".fengong-export.json"
FILE_ROWS = 1_000_000  # tasks a file holds at most (a few hundred MB for Spark to split)
# a row group: a chunk of notices of about this many tasks (half the other feeds' chunk:
# pyarrow's copy of a chunk sits beside DuckDB's, under the export's 250 MiB)
ROW_GROUP_TASKS = 10_000

__all__ = [
    "FILE_ROWS",
    "MARKER",
    "NO_REGION",
    "NO_YEAR",
    "ROW_GROUP_TASKS",
    "check_folder",
    "write_parquet",
]


def check_folder(out: Path) -> list[Path]:
    """The files a previous export wrote in `out` (to be replaced), or [] for a new or empty
    folder. Raises FeedError when `out` is not a folder fengong wrote, or holds anything
    else."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise FeedError(
            f"{out}: a Parquet export is a folder, and this is a file or a link; "
            "give a new folder's name"
        )
    if not out.exists():
        if not out.parent.is_dir():
            raise FeedError(f"{out}: the folder {out.parent} does not exist")
        return []
    present = sorted(p for p in out.rglob("*") if not p.is_dir() or p.is_symlink())
    if not present and not any(out.iterdir()):
        return []
    marker = out / MARKER
    if not marker.is_file():
        first = present[0].relative_to(out) if present else next(out.iterdir()).name
        raise FeedError(
            f"{out}: the folder holds files fengong did not write ({first}…); export Parquet "
            "to a new or empty folder"
        )
    try:
        listed = {out / name for name in json.loads(marker.read_text("utf-8"))["files"]}
    except (OSError, ValueError, KeyError, TypeError):
        raise FeedError(f"{out}: {MARKER} is damaged; export to a new folder") from None
    strangers = [p for p in present if p != marker and p not in listed]
    if strangers:
        raise FeedError(
            f"{out}: {strangers[0].relative_to(out)} was not written by fengong; move it out "
            "of the folder or export to another one (nothing was changed)"
        )
    return [p for p in present if p != marker]


def write_parquet(tables: Iterable[pa.Table], schema: pa.Schema, out: Path) -> int:
    """Write the tables (the feed's chunks, in its order, of schema `schema`) as the folder
    `out`, a row group a table, FILE_ROWS rows a file at most, replacing a previous export
    there; returns the rows written. An empty feed is one file with the columns and no rows.
    The folder is built beside `out` and swapped in, so a failed export leaves the previous
    one whole. Raises FeedError when `out` is not fengong's to replace."""
    old_files = check_folder(out)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    written: list[str] = []
    rows = 0
    try:
        writer: pq.ParquetWriter | None = None
        in_file = 0
        for table in tables:
            if table.num_rows == 0:
                continue
            if writer is not None and in_file + table.num_rows > FILE_ROWS:
                writer.close()
                writer = None
            if writer is None:
                writer, in_file = _open(tmp, written, schema), 0
            writer.write_table(table, row_group_size=table.num_rows)
            in_file += table.num_rows
            rows += table.num_rows
        if writer is None:  # nothing to write: the columns still, for every reader
            writer = _open(tmp, written, schema)
        writer.close()
        (tmp / MARKER).write_text(
            json.dumps({"written_by": "fengong export", "files": written}, ensure_ascii=False),
            encoding="utf-8",
        )
        _swap_in(tmp, out, old_files)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return rows


def _open(folder: Path, written: list[str], schema: pa.Schema) -> pq.ParquetWriter:
    name = f"part-{len(written)}.parquet"
    written.append(name)
    return pq.ParquetWriter(folder / name, schema, compression="zstd")


def _swap_in(tmp: Path, out: Path, old_files: list[Path]) -> None:
    if not out.exists():
        tmp.rename(out)
        return
    # only the files the previous export listed (checked just before) and their now empty
    # partition folders go; the folder itself stays where it is
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)
    out.rename(old)
    try:
        tmp.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old)
