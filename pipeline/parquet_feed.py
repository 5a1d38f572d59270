"""The Parquet feed: a folder of Hive partitions that every engine reads the same way.

    out/
      .fengong-export.json             the marker: what fengong wrote here
      region=南沙区/year=2020/part-0.parquet
      region=未注明地区/year=0/part-0.parquet   a notice with no region or year

Choices, each checked by tests/test_parquet_engines.py with real engines:

- **Folder names in raw UTF-8** (``region=南沙区``), not percent-encoded. Spark 4 decodes
  ``%E5%8D%97…`` byte by byte as Latin-1 (``å\x8d\x97…``), so ``where region = '南沙区'``
  found nothing; DuckDB, pyarrow, polars, pandas and Spark all read raw UTF-8 names as they
  are. Only the characters that cannot stand in a folder name or break Hive's ``key=value``
  (``/ \\ = % : * ? " < > |``, control characters) are percent-escaped, and those are ASCII,
  which every engine decodes alike.
- **region and year inside every file** as well as in the folder names, with the same values,
  so a reader that ignores partitions (or reads one file) still has them: in the files they
  are ``notice_region`` and ``notice_year`` (see `file_schema` for why not the same names).
- **No NULL partition**: Hive's ``__HIVE_DEFAULT_PARTITION__`` reads back as NULL in Spark
  and breaks ``pandas.read_parquet(folder)``; a notice without a region is filed under
  ``未注明地区`` and one without a year under ``0``, in the folder name and in the file.
- **Only fengong's own folders are replaced**: the marker lists every file an export wrote;
  an existing folder is replaced only when it holds the marker and nothing else than what
  the marker lists (hostile.md case 9). Anything else there — a user's notes, a folder that
  never was an export — makes the export refuse, and nothing is deleted.

The writer streams: it takes Arrow record batches sorted by (region, year) and keeps one
Parquet file open at a time, so memory stays at one batch whatever the feed's size.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from pipeline.reading import FeedError
from pipeline.regions import NO_REGION

NO_YEAR = 0
MARKER = ".fengong-export.json"
_ESCAPE = set('/\\=%:*?"<>|') | {chr(c) for c in range(32)} | {"\x7f"}


def partition_value(value: object) -> str:
    """A value as its folder name: raw UTF-8, with only unsafe ASCII percent-escaped."""
    text = str(value)
    escaped = "".join(f"%{ord(ch):02X}" if ch in _ESCAPE else ch for ch in text)
    if escaped in ("", ".", ".."):
        escaped = escaped.replace(".", "%2E") or "%20"
    return escaped


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


def partitions(
    batches: Iterable[pa.RecordBatch], schema: pa.Schema
) -> Iterator[tuple[str, int, pa.RecordBatch]]:
    """(region, year, rows) runs of the feed's batches, sorted by region and year; the rows
    in the file schema (`file_schema`), NULLs as the placeholders."""
    for batch in batches:
        if batch.num_rows == 0:
            continue
        regions = [NO_REGION if r is None else r for r in batch.column("region").to_pylist()]
        years = [NO_YEAR if y is None else y for y in batch.column("year").to_pylist()]
        columns = [
            pa.array(regions, pa.string())
            if name == "region"
            else pa.array(years, pa.int32())
            if name == "year"
            else batch.column(name)
            for name in batch.schema.names
        ]
        rows = pa.RecordBatch.from_arrays(columns, schema=schema)
        start = 0
        for i in range(1, batch.num_rows + 1):
            if i == batch.num_rows or (regions[i], years[i]) != (regions[start], years[start]):
                yield regions[start], years[start], rows.slice(start, i - start)
                start = i


def file_schema(feed: pa.Schema) -> pa.Schema:
    """The feed's schema as stored in the files: region and year as notice_region (string)
    and notice_year (int32), beside the partition columns region and year that the folder
    names give. (The same name in both places makes pandas.read_parquet and
    pyarrow.parquet.read_table fail: they read the folder's values as dictionaries and refuse
    to merge them with a plain column.)"""
    fields = [
        pa.field("notice_region", pa.string())
        if f.name == "region"
        else pa.field("notice_year", pa.int32())
        if f.name == "year"
        else f
        for f in feed
    ]
    return pa.schema(fields)


def write_parquet(batches: Iterable[pa.RecordBatch], feed: pa.Schema, out: Path) -> int:
    """Write the batches (sorted by region, year; of schema `feed`) as the partitioned folder
    `out`, replacing a previous export there; returns the rows written. The folder is built
    beside `out` and swapped in, so a failed export leaves the previous one whole. Raises
    FeedError when `out` is not fengong's to replace."""
    old_files = check_folder(out)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    written: list[str] = []
    rows = 0
    schema = file_schema(feed)
    try:
        writer: pq.ParquetWriter | None = None
        current: tuple[str, int] | None = None
        seen: dict[tuple[str, int], int] = {}
        for region, year, part in partitions(batches, schema):
            if (region, year) != current:
                if writer is not None:
                    writer.close()
                current = (region, year)
                n = seen[current] = seen.get(current, -1) + 1  # a key met again: a new file
                rel = f"region={partition_value(region)}/year={year}/part-{n}.parquet"
                (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                writer = pq.ParquetWriter(tmp / rel, schema, compression="zstd")
                written.append(rel)
            assert writer is not None
            writer.write_batch(part)
            rows += part.num_rows
        if writer is not None:
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
