"""The HTML report of `fengong diff --html`: its chart never leaves out a unit of the owner
changes and says when it caps; its character diff ignores punctuation width; printed by
headless Chromium to PDF, each section starts a page, table headers repeat and every page
carries the footer with the date and the source files."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pdfplumber
import pytest

from pipeline import ingest
from pipeline.compare import Diff, Pair, Plan, Task
from pipeline.report import char_diff, chart, render
from tests.conftest import SAMPLES, SEED

NANSHA_2021 = SAMPLES / "constructed" / "nansha-2021.txt"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _task(key: str, owners: list[str]) -> Task:
    return Task(key, "", f"任务{key}", owners, [])


def test_the_chart_keeps_every_unit_of_an_owner_change_and_says_it_caps() -> None:
    # twenty busy units own two tasks each; the owner change moves a task between two units
    # that own one task each, so that by counts alone they would be left out
    busy = [f"区第{i:02}局" for i in range(20)]
    pairs = [
        Pair(_task(f"k{i}", [u]), _task(f"k{i}", [u]), 1.0, "unchanged")
        for i, u in enumerate(busy * 2)
    ]
    pairs.append(Pair(_task("x", ["区甲办"]), _task("x", ["区乙办"]), 0.9, "reworded"))
    d = Diff("某区", Plan("a", 2020, "甲"), Plan("b", 2021, "乙"), True, pairs)
    c = chart(d, limit=15)
    labels = [b.label for b in c.bars]
    assert labels[:15] == sorted(busy)[:15]
    assert set(labels[15:]) == {"区甲办", "区乙办"}
    assert (c.shown, c.units) == (17, 22)
    html = render(d, generated=dt.date(2026, 1, 2))
    assert "top 17 of 22" in html
    everything = chart(d, limit=100)
    assert (everything.shown, everything.units) == (22, 22)
    assert "top " not in render(_small(d), generated=dt.date(2026, 1, 2))


def _small(d: Diff) -> Diff:
    return Diff(d.region, d.before, d.after, True, d.pairs[:3])


def test_the_character_diff_ignores_punctuation_width() -> None:
    left, right = char_diff("公开（试行），按要求公开。", "公开(试行),按要求公开.")
    assert [s.kind for s in left] == ["same"] and [s.kind for s in right] == ["same"]
    assert right[0].text == "公开(试行),按要求公开."  # shown as printed
    left, right = char_diff("按要求公开，", "按规定公开,")
    assert [(s.kind, s.text) for s in right] == [
        ("same", "按"),
        ("ins", "规定"),
        ("same", "公开,"),
    ]


@pytest.fixture
def report(tmp_path: Path) -> Path:
    db = tmp_path / "w.duckdb"
    result = ingest([SEED, NANSHA_2021], db=db)
    assert result.count("ingested") == 2
    from click.testing import CliRunner

    from pipeline.cli import main

    page = tmp_path / "report.html"
    run = CliRunner().invoke(
        main, ["diff", "--region", "南沙区", "--db", str(db), "--html", str(page)]
    )
    assert run.exit_code == 0, run.output
    return page


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_the_report_prints_with_sections_on_new_pages_headers_and_footers(
    report: Path, tmp_path: Path
) -> None:
    pdf = tmp_path / "report.pdf"
    subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            report.as_uri(),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )
    with pdfplumber.open(pdf) as doc:
        # NFKC: the CJK font's ToUnicode map gives some characters as Kangxi radicals (⼯ for 工)
        pages = [
            unicodedata.normalize("NFKC", re.sub(r"\s+", "", p.extract_text() or ""))
            for p in doc.pages
        ]
        portrait = all(p.height > p.width for p in doc.pages)
    assert portrait and len(pages) >= 6
    today = dt.date.today().isoformat()
    for text in pages:  # the footer on every page: date and both source files
        assert f"生成于{today}" in text
        assert SEED.name in text and NANSHA_2021.name in text
    # each section heading opens its page (the first one may follow the summary)
    for heading in (
        "各单位牵头(或负责)的任务数",
        "措辞调整的任务(reworded)",
        "新增任务(addedin2021)",
        "不再列入的任务(removedafter2020)",
        "原样延续的任务(unchanged)",
    ):
        (page,) = [p for p in pages if heading in p]
        assert page.startswith(heading), heading
    # the unchanged tasks run over more than one page: the header row repeats on each
    start = next(i for i, p in enumerate(pages) if p.startswith("原样延续的任务"))
    following = pages[start + 1 :]
    assert following, "the unchanged table fits one page: the test needs a longer one"
    for text in following:
        assert text.startswith("20202021任务"), text[:40]
