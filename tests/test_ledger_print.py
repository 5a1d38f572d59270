"""The 台账 as offices print it: the seed's ledger printed to PDF by LibreOffice (as a clerk's
"print" would) must be A4 landscape, at most 6 pages, every column on every page under a
repeated header, in a CJK font, with no row clipped; and its layout as Excel reads it."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import openpyxl
import pdfplumber
import pytest

from pipeline import ingest
from pipeline.export import export
from pipeline.ledger import LEDGER_COLUMNS, MAX_ROW_POINTS
from tests import forms
from tests.conftest import GOLD, SEED
from tests.small_notices import write_conghua

GOLD_2020 = json.loads((GOLD / "nansha-2020.gold.json").read_text(encoding="utf-8"))


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    db = tmp_path / "w.duckdb"
    assert ingest([SEED], db=db).count("ingested") == 1
    out = tmp_path / "台账.xlsx"
    export(db, out, "xlsx")
    return out


def test_the_ledger_sheet_is_set_up_for_printing(ledger: Path) -> None:
    book = openpyxl.load_workbook(ledger)
    assert book.sheetnames == [GOLD_2020["notice"]["plan_title"]]  # one sheet per plan
    ws = book.worksheets[0]
    assert ws["A1"].value == GOLD_2020["notice"]["plan_title"]
    header = [c.value for c in ws[2]]
    assert header[: len(LEDGER_COLUMNS)] == LEDGER_COLUMNS
    assert header[len(LEDGER_COLUMNS) :] == ["任务ID"]  # for trackers, hidden, not printed
    assert ws.column_dimensions["K"].hidden
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    # one page wide (1 is the default, which xlsxwriter leaves out), as many tall as needed
    assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$2:$2"
    assert ws.print_area == f"'{ws.title}'!$A$1:$J${len(GOLD_2020['tasks']) + 2}"
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert len(rows) == len(GOLD_2020["tasks"])
    for row, task in zip(rows, GOLD_2020["tasks"], strict=True):
        assert row[1:4] == ("南沙区", "2020", task["text"])
        assert row[8] is None and row[9] is None  # 进展情况, 备注: for staff to fill in
    font = ws["D3"].font
    assert font.name == "宋体" and font.sz == 10.5 and ws["D3"].alignment.wrap_text
    assert all(
        (ws.row_dimensions[r].height or 0) <= MAX_ROW_POINTS for r in range(1, ws.max_row + 1)
    )


def test_unit_sheets_only_on_request_and_one_sheet_per_plan(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    assert ingest([SEED, write_conghua(tmp_path)], db=db).count("ingested") == 2
    plain, units = tmp_path / "plain.xlsx", tmp_path / "units.xlsx"
    export(db, plain, "xlsx")
    export(db, units, "xlsx", unit_sheets=True)
    assert openpyxl.load_workbook(plain).sheetnames == [
        "从化区2022年政务公开工作要点分工方案",
        GOLD_2020["notice"]["plan_title"],
    ]
    names = openpyxl.load_workbook(units).sheetnames
    assert names[:2] == openpyxl.load_workbook(plain).sheetnames
    # two regions: a sheet per region and unit, named with its region
    assert {"从化区·区政务服务数据管理局", "南沙区·区政务服务数据管理局"} <= set(names[2:])
    assert "区政务服务数据管理局" not in names and len(names) > 10


@pytest.mark.skipif(forms.soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_prints_the_seed_ledger_on_at_most_six_landscape_pages(
    ledger: Path, tmp_path: Path
) -> None:
    try:
        pdf = forms.convert(ledger, "pdf", tmp_path)
    except (AssertionError, subprocess.CalledProcessError) as exc:
        pytest.skip(
            f"LibreOffice Calc could not convert the ledger ({exc}); install libreoffice-calc-nogui"
        )
    with pdfplumber.open(pdf) as doc:
        assert 1 <= len(doc.pages) <= 6
        texts: list[str] = []
        for page in doc.pages:
            assert page.width > page.height  # landscape
            assert abs(page.width - 842) < 3 and abs(page.height - 595) < 3  # A4
            text = page.extract_text() or ""
            flat = re.sub(r"\s+", "", text)
            for column in LEDGER_COLUMNS:  # every column on every page, under its header
                assert column in flat, (page.page_number, column)
            assert "任务ID" not in flat
            fonts = {c["fontname"] for c in page.chars if "\u4e00" <= c["text"] <= "\u9fff"}
            assert fonts and all("CJK" in f or "Song" in f or "Sun" in f for f in fonts), fonts
            rightmost_rule = max(e["x0"] for e in page.vertical_edges)
            assert max(c["x1"] for c in page.chars) <= rightmost_rule  # nothing outside
            task_column = _column_text(page, "工作任务")
            texts.append(task_column)
        # no row clipped: the task column, read top to bottom, holds every task's whole text
        column = "".join(texts)
    for task in GOLD_2020["tasks"]:
        assert re.sub(r"\s+", "", task["text"]) in column, task["key"]


def _column_text(page: pdfplumber.page.Page, header: str) -> str:
    """The characters printed under a header cell, between its cell's rules, top to bottom
    (white space dropped; the header row's own text left out)."""
    words = page.extract_words()
    head = next(w for w in words if w["text"].startswith(header))
    edges = sorted({round(e["x0"]) for e in page.vertical_edges})
    left = max(x for x in edges if x <= head["x0"] + 1)
    right = min(x for x in edges if x >= head["x1"] - 1)
    chars = [
        c
        for c in page.chars
        if left <= c["x0"] and c["x1"] <= right + 1 and c["top"] > head["bottom"] + 1
    ]
    chars.sort(key=lambda c: (round(c["top"]), c["x0"]))
    return "".join(c["text"] for c in chars if not c["text"].isspace())
