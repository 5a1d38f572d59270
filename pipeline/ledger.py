"""The 台账 (ledger) as transparency offices keep and print it: one XLSX sheet per plan.

Columns: 序号 | 地区 | 年度 | 工作任务 | 牵头单位 | 配合单位 | 责任单位 | 完成时限 | 进展情况 | 备注
(进展情况 and 备注 are left empty for staff to fill in; with ``--since`` a 变更 column says
新增 / 修改 / 删除). 任务ID, which lets a tracker match rows across exports, is kept in a
hidden column outside the print area.

Printing (a sheet of 43 tasks is 5 pages; tests/test_ledger_print.py prints it through
LibreOffice): A4 landscape, fitted to one page wide, the header row repeated on every page,
the plan title above it, page numbers in the footer; cells in 宋体 10.5 pt (五号, the size of
official documents; a CJK font, so Chinese never falls back to a Latin font's missing
glyphs), wrapped, each row as tall as its wrapped text up to Excel's limit of 409 points.

A cell is at most 32,767 characters (Excel's limit): a longer text is cut, the cut is said
at the end of the cell, and the writer returns a line for each cut cell.

Unit sheets (the tasks each unit is named in, with 本单位角色) only when asked for: one per
region and unit, since a unit is a name within a region (five districts' 区卫生健康局 are five
sheets, never one); when the rows span several regions a sheet's name starts with its region
(南沙区·区卫生健康局).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from pipeline.regions import NO_REGION
from schemas.roles import ROLE_NAMES

LEDGER_COLUMNS = [
    "序号",
    "地区",
    "年度",
    "工作任务",
    "牵头单位",
    "配合单位",
    "责任单位",
    "完成时限",
    "进展情况",
    "备注",
]
CHANGE_NAMES = {"new": "新增", "changed": "修改", "removed": "删除"}
FONT = "宋体"  # SimSun: what offices print in; LibreOffice maps it to a CJK font it has
FONT_SIZE = 10.5  # 五号
# Column widths in Excel's units (the width of "0" in the default font); a CJK character of
# 10.5 pt takes about 2. The sum (≈ 168) is fitted to A4 landscape at about 80 %.
WIDTHS = {
    "序号": 5,
    "地区": 9,
    "年度": 6,
    "工作任务": 56,
    "牵头单位": 16,
    "配合单位": 20,
    "责任单位": 16,
    "完成时限": 12,
    "进展情况": 18,
    "备注": 10,
    "变更": 6,
    "本单位角色": 9,
    "任务ID": 18,
}
LINE_POINTS = 14.0  # one wrapped line of 10.5 pt text
MAX_ROW_POINTS = 409.0  # Excel's largest row height
MAX_CELL = 32_767  # Excel's longest cell
CUT_NOTE = (
    "……〔本格在此截断：原文 {total} 字，超过 Excel 单元格 32767 字的上限；"
    "全文见 jsonl 或 csv 导出〕"
)


@dataclass
class LedgerResult:
    sheets: list[str] = field(default_factory=list)
    cuts: list[str] = field(default_factory=list)  # one line per cut cell


def ledger_row(row: dict[str, Any]) -> dict[str, str]:
    """The ledger's columns for one export row. 责任单位: the units that are to do the task
    without being lead or co — 负责 units as they are, and 统筹协调 / 组织实施 / 支持
    units with their role in brackets, so that 牵头, 配合 and 责任 together name every
    unit of the task."""
    others = list(row["responsible"]) + [
        f"{org}（{ROLE_NAMES[role]}）"
        for role in ("coordinator", "implementer", "support")
        for org in row[role]
    ]
    return {
        "地区": row["region"] or NO_REGION,
        "年度": str(row["year"]) if row["year"] is not None else "",
        "工作任务": row["text"] or "",
        "牵头单位": "、".join(row["lead"]),
        "配合单位": "、".join(row["co"]),
        "责任单位": "、".join(others),
        "完成时限": row["deadline_text"] or (str(row["deadline"]) if row["deadline"] else ""),
        "进展情况": "",
        "备注": "",
        "变更": CHANGE_NAMES[change_of(row)],
        "任务ID": row["task_id"],
        "_key": row["task_key"] or "",
    }


def change_of(row: dict[str, Any]) -> str:
    if row["status"] == "removed":
        return "removed"
    return "new" if row["first_seen"] == row["changed_at"] else "changed"


def plan_title(row: dict[str, Any]) -> str:
    return str(row["plan_title"] or row["title"] or row["notice_id"])


def write_ledger(
    rows: Iterable[dict[str, Any]],
    out: Path,
    *,
    changes: bool = False,
    unit_sheets: bool = False,
    name: str | None = None,
) -> LedgerResult:
    """Write the ledger of `rows` (export rows in plan order) to the file `out`. `changes`
    adds the 变更 column (an export --since); `unit_sheets` adds one sheet per region and
    unit after the plans' sheets (`unit_sheet_rows`; removed tasks are on the plan sheets
    only). `name` is how the cut lines name the file (default: `out`)."""
    columns = [*LEDGER_COLUMNS, *(["变更"] if changes else [])]
    plans: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        plans.setdefault(row["notice_id"], []).append(row)
    result = LedgerResult()
    # in_memory: no temporary file per sheet (369 of them cost ~1 s on a ledger of 20 districts)
    options = {"strings_to_numbers": False, "strings_to_urls": False, "in_memory": True}
    book = xlsxwriter.Workbook(str(out), options)
    styles = _Styles(book)
    names = SheetNames()
    shown = name or str(out)
    if not plans:
        sheet = names.take("任务")
        _sheet(
            book.add_worksheet(sheet), styles, "（没有符合条件的任务）", columns, [], shown, result
        )
        result.sheets.append(sheet)
    for plan_rows in plans.values():
        first = plan_rows[0]
        sheet = names.take(plan_title(first))
        lines = [ledger_row(r) for r in plan_rows]
        _sheet(book.add_worksheet(sheet), styles, plan_title(first), columns, lines, shown, result)
        result.sheets.append(sheet)
    if unit_sheets:
        one_region = _one_region(plans.values())
        for (region, org), lines in unit_sheet_rows(plans.values()):
            sheet = names.take(org if one_region else f"{region}·{org}")
            title = f"{org}（{region}）：本单位承担的任务"
            ws = book.add_worksheet(sheet)
            _sheet(
                ws, styles, title, [*columns[:4], "本单位角色", *columns[4:]], lines, shown, result
            )
            result.sheets.append(sheet)
    book.close()
    return result


def unit_sheet_rows(
    plans: Iterable[list[dict[str, Any]]],
) -> list[tuple[tuple[str, str], list[dict[str, str]]]]:
    """The unit sheets' lines: ((region, unit), ledger lines with 本单位角色) for every unit
    named in a task, one per region and unit (the region as the 地区 column shows it), by
    region, then most tasks first. Removed tasks name no unit, so they are on no unit sheet."""
    by_unit: dict[tuple[str, str], dict[str, dict[str, str]]] = {}
    for plan_rows in plans:
        for row in plan_rows:
            for a in row["assignments"]:
                line = by_unit.setdefault((row["region"] or NO_REGION, a["org"]), {}).setdefault(
                    row["task_id"], {**ledger_row(row), "本单位角色": ""}
                )
                line["本单位角色"] = "、".join(
                    filter(None, [line["本单位角色"], ROLE_NAMES[a["role"]]])
                )
    ranked = sorted(by_unit.items(), key=lambda kv: (kv[0][0], -len(kv[1]), kv[0][1]))
    return [(key, list(by_task.values())) for key, by_task in ranked]


def _one_region(plans: Iterable[list[dict[str, Any]]]) -> bool:
    return len({row["region"] for plan_rows in plans for row in plan_rows}) <= 1


class _Styles:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        base = {"font_name": FONT, "font_size": FONT_SIZE, "font_charset": 134}
        self.title = book.add_format({**base, "bold": True, "font_size": 14, "valign": "vcenter"})
        self.header = book.add_format(
            {
                **base,
                "bold": True,
                "bg_color": "#DDEBF7",
                "border": 1,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
            }
        )
        self.cell = book.add_format({**base, "text_wrap": True, "valign": "top", "border": 1})
        # not wrapped: LibreOffice draws a hidden column's wrapped text at its neighbour's edge
        self.plain = book.add_format({**base, "valign": "top"})
        self.centred = book.add_format(
            {**base, "text_wrap": True, "valign": "top", "align": "center", "border": 1}
        )


_CENTRED = {"序号", "年度", "变更"}


def _sheet(
    ws: Worksheet,
    styles: _Styles,
    title: str,
    columns: list[str],
    lines: list[dict[str, str]],
    out: str,
    result: LedgerResult,
) -> None:
    all_columns = [*columns, "任务ID"]
    ws.merge_range(0, 0, 0, len(columns) - 1, title, styles.title)
    ws.set_row(0, 24)
    for c, name in enumerate(all_columns):
        ws.set_column(c, c, WIDTHS[name], None, {"hidden": name == "任务ID"})
        ws.write_string(1, c, name, styles.header)
    for i, line in enumerate(lines):
        r = i + 2
        height = 1
        for c, name in enumerate(all_columns):
            if name == "序号":
                ws.write_number(r, c, i + 1, styles.centred)
                continue
            value = line.get(name, "")
            if len(value) > MAX_CELL:
                value = _cut(value)
                result.cuts.append(
                    f"{out}: sheet {ws.get_name()} row {r + 1} ({name}, task {line['_key']}): "
                    f"{len(line[name]):,} characters cut to Excel's {MAX_CELL:,}; the whole "
                    "text is in the jsonl or csv feed"
                )
            style = (
                styles.plain
                if name == "任务ID"
                else styles.centred
                if name in _CENTRED
                else styles.cell
            )
            if value:
                ws.write_string(r, c, value, style)
            else:  # an empty cell keeps its borders for staff to write in
                ws.write_blank(r, c, None, style)
            if name != "任务ID":
                height = max(height, wrapped_lines(value, WIDTHS[name]))
        ws.set_row(r, min(MAX_ROW_POINTS, LINE_POINTS * height + 4))
    # print: A4 landscape, one page wide, header repeated, title on the first rows
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(1)
    ws.print_area(0, 0, max(len(lines) + 1, 1), len(columns) - 1)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.center_horizontally()
    ws.set_footer("&C第 &P 页，共 &N 页")
    ws.freeze_panes(2, 0)
    ws.autofilter(1, 0, max(len(lines) + 1, 2), len(columns) - 1)


def _cut(value: str) -> str:
    note = CUT_NOTE.format(total=f"{len(value):,}")
    return value[: MAX_CELL - len(note)] + note


def display_width(text: str) -> int:
    """Width in Latin characters: a wide (CJK) character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrapped_lines(text: str, width: float) -> int:
    """Lines `text` wraps to in a column `width` wide (Excel's units)."""
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
