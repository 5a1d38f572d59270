"""Feeds for task trackers and analysts: the warehouse's tasks as JSON Lines, CSV, Parquet or
an Excel ledger (台账). The rows come from warehouse/feeds.py; this module only writes them.

    result = export("fengong.duckdb", "tasks.jsonl", "jsonl", region="南沙区", year=2020)

Every file is written beside its target and renamed into place, so a failed export leaves
the previous one as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import re
import shutil
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import duckdb
import pyarrow as pa
import xlsxwriter

from pipeline.reading import FeedError, filters, reading
from schemas.export import (
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


@dataclass
class ExportResult:
    path: Path
    format: Format
    tasks: int  # rows written, removed ones included
    removed: int
    schema_path: Path | None = None
    latest_change: dt.datetime | None = None  # pass as --since next time


def export(
    db: str | Path | Warehouse,
    out: str | Path,
    fmt: Format,
    *,
    region: str | None = None,
    year: int | None = None,
    unit: str | None = None,
    since: dt.datetime | None = None,
) -> ExportResult:
    """Write the tasks that pass the filters to `out` in one format; raises FeedError."""
    if fmt not in FORMATS:
        raise FeedError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    out = Path(out)
    if not out.parent.is_dir():
        raise FeedError(f"{out}: the folder {out.parent} does not exist")
    if fmt != "parquet" and out.is_dir():
        raise FeedError(f"{out}: is a folder; give the {fmt} file's name")
    try:
        return _export(db, out, fmt, region, year, unit, since)
    except OSError as exc:
        raise FeedError(f"{out}: cannot write: {exc.strerror or exc}") from None


def _export(
    db: str | Path | Warehouse,
    out: Path,
    fmt: Format,
    region: str | None,
    year: int | None,
    unit: str | None,
    since: dt.datetime | None,
) -> ExportResult:
    with reading(db) as wh:
        table = feeds.task_rows(wh.con, filters(wh, region, year, unit, since)).to_arrow_table()
        rows = table.to_pylist()
        result = ExportResult(out, fmt, len(rows), sum(r["status"] == "removed" for r in rows))
        result.latest_change = feeds.latest_change(wh.con)
        if fmt == "jsonl":
            result.schema_path = write_jsonl(rows, out)
        elif fmt == "csv":
            write_csv(rows, out, table.column_names)
        elif fmt == "parquet":
            write_parquet(wh.con, table, out)
        else:
            write_xlsx(rows, out, changes=since is not None)
    return result


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


def write_jsonl(rows: list[dict[str, Any]], out: Path) -> Path:
    """One record per line, and the JSON Schema of a record beside it as <out>.schema.json."""
    schema_path = out.with_name(out.name + ".schema.json")
    with _replacing(out) as tmp:
        with tmp.open("w", encoding="utf-8", newline="\n") as f:
            for row in rows:
                f.write(record(row).model_dump_json() + "\n")
        with _replacing(schema_path) as tmp_schema:
            tmp_schema.write_text(
                json.dumps(record_json_schema(), ensure_ascii=False, indent=1) + "\n",
                encoding="utf-8",
            )
    return schema_path


# CSV -----------------------------------------------------------------------------------------
def write_csv(rows: list[dict[str, Any]], out: Path, columns: list[str]) -> None:
    """The flat columns (the nested `assignments` left out: the role columns carry it); unit
    lists joined with 、. UTF-8 with a BOM: Excel then reads the Chinese right instead of
    guessing the machine's code page."""
    columns = [c for c in columns if c != "assignments"]
    with _replacing(out) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_cell(row[c]) for c in columns])


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "、".join(value)
    return str(value)


# Parquet -------------------------------------------------------------------------------------
def write_parquet(con: duckdb.DuckDBPyConnection, table: pa.Table, out: Path) -> None:
    """A folder of Hive partitions, region=…/year=…/*.parquet, written by DuckDB. An existing
    folder is replaced only when it holds nothing but such partitions (a previous export)."""
    if out.exists():
        if not out.is_dir():
            raise FeedError(f"{out}: a Parquet export is a folder, and this is a file")
        strangers = [p.name for p in out.iterdir() if not p.name.startswith("region=")]
        if strangers:
            raise FeedError(
                f"{out}: the folder holds other files ({strangers[0]}…); "
                "export Parquet to a new or empty folder"
            )
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    con.register("_fengong_export", table)
    try:
        con.execute(
            f"COPY _fengong_export TO '{_sql_string(tmp)}' "
            "(FORMAT parquet, PARTITION_BY (region, year), COMPRESSION zstd)"
        )
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        con.unregister("_fengong_export")
    if not tmp.exists():  # no rows: DuckDB writes nothing, the feed is an empty folder
        tmp.mkdir()
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old)
    else:
        tmp.rename(out)


def _sql_string(path: Path) -> str:
    return str(path).replace("'", "''")


# XLSX: the ledger (台账) -------------------------------------------------------------------
ALL_SHEET = "全部任务"
ROLE_NAMES = {
    "lead": "牵头",
    "co": "配合",
    "responsible": "负责",
    "coordinator": "统筹协调",
    "implementer": "组织实施",
    "support": "技术支持",
}
LEDGER_COLUMNS = ["序号", "工作任务", "牵头单位", "配合单位", "责任单位", "完成时限", "来源"]
CHANGE_NAMES = {"new": "新增", "changed": "修改", "removed": "删除"}
# the widest a column may grow, in the width of a Latin character (a CJK character is two)
_MAX_WIDTH = {"工作任务": 60, "来源": 36, "牵头单位": 30, "配合单位": 30, "责任单位": 36}
_LINE_HEIGHT = 15.0  # points per wrapped line at the default 11-point font


def ledger_row(row: dict[str, Any]) -> dict[str, str]:
    """The ledger's columns for one task. 责任单位: the units that are to do the task without
    being lead or co — 负责 units as they are, and 统筹协调 / 组织实施 / 技术支持 units
    with their role in brackets."""
    others = list(row["responsible"]) + [
        f"{org}（{ROLE_NAMES[role]}）"
        for role in ("coordinator", "implementer", "support")
        for org in row[role]
    ]
    plan = row["plan_title"] or row["title"] or row["notice_id"]
    return {
        "工作任务": row["text"],
        "牵头单位": "、".join(row["lead"]),
        "配合单位": "、".join(row["co"]),
        "责任单位": "、".join(others),
        "完成时限": row["deadline_text"] or (str(row["deadline"]) if row["deadline"] else ""),
        "来源": f"《{plan}》{row['task_key']}",
        "任务ID": row["task_id"],
    }


def change_of(row: dict[str, Any]) -> str:
    if row["status"] == "removed":
        return "removed"
    return "new" if row["first_seen"] == row["changed_at"] else "changed"


def write_xlsx(rows: list[dict[str, Any]], out: Path, *, changes: bool = False) -> None:
    """One sheet of all tasks, then one sheet per unit (the tasks it is named in, with its
    role), most tasks first. With `changes` (an export --since) a 变更 column says 新增, 修改
    or 删除; removed tasks are listed on the first sheet only."""
    columns = [*LEDGER_COLUMNS, *(["变更"] if changes else []), "任务ID"]
    by_unit: dict[str, list[tuple[dict[str, Any], str]]] = {}
    for row in rows:
        for a in row["assignments"]:
            by_unit.setdefault(a["org"], []).append((row, ROLE_NAMES[a["role"]]))
    with _replacing(out) as tmp:
        book = xlsxwriter.Workbook(str(tmp))
        styles = _Styles(book)
        names = SheetNames(reserved=[ALL_SHEET])
        _ledger_sheet(
            book.add_worksheet(ALL_SHEET),
            styles,
            columns,
            [{**ledger_row(r), "变更": CHANGE_NAMES[change_of(r)]} for r in rows],
        )
        unit_columns = [*columns[:2], "本单位角色", *columns[2:]]
        for org, items in sorted(by_unit.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            merged: dict[str, dict[str, str]] = {}  # a unit named twice in a task: one row
            for row, role in items:
                line = merged.setdefault(
                    row["task_id"],
                    {**ledger_row(row), "变更": CHANGE_NAMES[change_of(row)], "本单位角色": ""},
                )
                line["本单位角色"] = "、".join(filter(None, [line["本单位角色"], role]))
            _ledger_sheet(
                book.add_worksheet(names.take(org)), styles, unit_columns, list(merged.values())
            )
        book.close()


class _Styles:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.header = book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "valign": "vcenter"}
        )
        self.cell = book.add_format({"text_wrap": True, "valign": "top", "border": 1})


def _ledger_sheet(
    ws: Any, styles: _Styles, columns: list[str], lines: list[dict[str, str]]
) -> None:
    widths = []
    for c, name in enumerate(columns):
        cells = [
            str(i + 1) if name == "序号" else line.get(name, "") for i, line in enumerate(lines)
        ]
        widest = max([display_width(name), *(display_width(s) for s in cells)])
        widths.append(min(widest + 2, _MAX_WIDTH.get(name, 40)))
        ws.set_column(c, c, widths[-1])
        ws.write_string(0, c, name, styles.header)
        for r, value in enumerate(cells, start=1):
            if name == "序号":
                ws.write_number(r, c, r, styles.cell)
            else:
                ws.write_string(r, c, value, styles.cell)
    for r, line in enumerate(lines, start=1):  # wrapped text: Excel does not grow rows itself
        height = max(
            (wrapped_lines(line.get(name, ""), widths[c]) for c, name in enumerate(columns)),
            default=1,
        )
        if height > 1:
            ws.set_row(r, _LINE_HEIGHT * height)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(lines), 1), len(columns) - 1)


def display_width(text: str) -> int:
    """Width in Latin characters: a wide (CJK) character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrapped_lines(text: str, width: float) -> int:
    usable = max(width - 1, 1)
    return sum(max(1, math.ceil(display_width(part) / usable)) for part in text.split("\n"))


class SheetNames:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, not starting or ending with
    an apostrophe, unique regardless of case; a clash gets ~2, ~3…"""

    MAX = 31
    _BAD = re.compile(r"[\[\]:*?/\\]")

    def __init__(self, reserved: list[str] | None = None) -> None:
        self.taken = {n.casefold() for n in [*(reserved or []), "History"]}

    def take(self, name: str) -> str:
        base = self._BAD.sub("_", name).strip("'") or "单位"
        candidate, n = base[: self.MAX], 1
        while candidate.casefold() in self.taken:
            n += 1
            suffix = f"~{n}"
            candidate = base[: self.MAX - len(suffix)] + suffix
        self.taken.add(candidate.casefold())
        return candidate


# files ---------------------------------------------------------------------------------------
@contextmanager
def _replacing(out: Path) -> Iterator[Path]:
    """A temporary path beside `out`, renamed onto it when the block succeeds."""
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    try:
        yield tmp
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
