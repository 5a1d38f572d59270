"""`fengong diff` (terminal, JSON, HTML checked in headless Chromium) and `fengong unit`, run
in-process through click's CliRunner (tests/conftest.cli)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from pipeline import ingest
from pipeline.report import char_diff
from tests.conftest import SAMPLES, SEED, cli, copy_of

NANSHA_2021 = SAMPLES / "constructed" / "nansha-2021.txt"
CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
EVIL = (
    "做好新冠病毒<script>document.title='pwned'</script>疫苗接种\"政策\"和'接种点'<b>信息</b>发布。"
)


@pytest.fixture(scope="module")
def two_years_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed (2020) and the constructed 2021, whose new vaccine task carries markup and
    quotes, so that the report must escape document text."""
    tmp = tmp_path_factory.mktemp("two-years")
    db = tmp / "warehouse.duckdb"
    text = NANSHA_2021.read_text(encoding="utf-8")
    evil = tmp / "nansha-2021-evil.txt"
    evil.write_text(
        text.replace("做好新冠病毒疫苗接种政策和接种点信息发布。", EVIL), encoding="utf-8"
    )
    report = ingest([SEED, evil], db=db)
    assert [r.status for r in report.results] == ["ingested", "ingested"]
    return db


@pytest.fixture
def two_years(two_years_once: Path, db: Path) -> Path:
    """The two years stored: the test's own copy of a warehouse built once for the module."""
    return copy_of(two_years_once, db)


def test_char_diff_marks_only_the_changed_characters() -> None:
    left, right = char_diff("更新完善权责清单并按要求公开。", "动态更新完善权责清单并按要求公开")
    assert [(s.kind, s.text) for s in left] == [
        ("same", "更新完善权责清单并按要求公开"),
        ("del", "。"),
    ]
    assert [(s.kind, s.text) for s in right] == [
        ("ins", "动态"),
        ("same", "更新完善权责清单并按要求公开"),
    ]


def test_diff_prints_tables_and_json(two_years: Path) -> None:
    db = str(two_years)
    run = cli("diff", "--region", "南沙区", "--from", "2020", "--to", "2021", "--db", db)
    assert run.returncode == 0, run.stderr
    assert "38 tasks carried over (12 reworded), 5 owner changes, 5 added, 5 removed" in run.stdout
    assert "Owner changes" in run.stdout and "Added in 2021" in run.stdout
    run = cli("diff", "--region", "南沙区", "--db", db, "--format", "json")  # latest two years
    d = json.loads(run.stdout)
    assert (d["from"]["year"], d["to"]["year"], d["links_stored"]) == (2020, 2021, True)
    assert len(d["links"]) == 38 and len(d["added"]) == 5 and len(d["removed"]) == 5
    change = next(c for c in d["owner_changes"] if c["from_task_key"] == "一.(一).1")
    assert change["to_task_key"] == "三.(一).1"
    assert (change["owners_before"], change["owners_after"]) == (
        ["区政务服务数据管理局"],
        ["区委编办"],
    )
    assert {"org": "区政务服务数据管理局", "role": "co"} in change["roles_after"]
    assert EVIL.rstrip("。") in {t["text"].rstrip("。") for t in d["added"]}
    owned = {u["org"]: (u["2020"], u["2021"]) for u in d["owned_per_unit"]}
    assert owned["区委编办"] == (0, 1)


def test_diff_errors_are_one_line(two_years: Path, tmp_path: Path) -> None:
    run = cli(
        "diff", "--region", "南沙区", "--from", "2019", "--to", "2021", "--db", str(two_years)
    )
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        "Error: no 2019 plan of 南沙区 in the warehouse (years held: 2020, 2021)"
    ]
    run = cli("diff", "--region", "南沙区", "--db", str(tmp_path / "none.duckdb"))
    assert (
        run.returncode == 1 and "no warehouse here" in run.stderr and "Traceback" not in run.stderr
    )


def test_html_report_escapes_document_text(two_years: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    run = cli(
        "diff",
        "--region",
        "南沙区",
        "--from",
        "2020",
        "--to",
        "2021",
        "--db",
        str(two_years),
        "--html",
        str(page),
    )
    assert run.returncode == 0, run.stderr
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html and "&lt;script&gt;" in html and "&lt;b&gt;" in html
    assert "&#34;政策&#34;" in html and "&#39;接种点&#39;" in html
    # self-contained: no external resource of any kind
    assert not re.search(r"""(src|href)\s*=|url\(|@import|<link""", html)
    assert html.count('class="owner-change"') == 5 and html.count('class="added"') == 5
    assert html.count('class="removed"') == 5 and html.count('<rect class="bar"') >= 2 * 10
    assert "<ins>动态</ins>更新完善权责清单" in html


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)"
)
def test_html_report_renders_in_headless_chromium(two_years: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    cli(
        "diff",
        "--region",
        "南沙区",
        "--from",
        "2020",
        "--to",
        "2021",
        "--db",
        str(two_years),
        "--html",
        str(page),
    )
    shot = tmp_path / "report.png"
    base = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    subprocess.run(
        [*base, f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    with Image.open(shot) as image:
        assert image.size == (1280, 2000)
        grey = image.convert("L")
        extrema = grey.getextrema()
        assert extrema[0] < 60 and extrema[1] > 240  # dark text on a light page: not blank
        assert ImageStat.Stat(grey).stddev[0] > 10
        # the top band holds the heading: some dark pixels in it
        assert grey.crop((0, 0, 1280, 120)).getextrema()[0] < 60
    dom = subprocess.run(
        [*base, "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert "<title>南沙区 2020→2021 分工方案对比</title>" in dom  # no script renamed the page
    assert "<script" not in dom and "pwned" in dom  # the markup shows as text
    assert dom.count('class="owner-change"') == 5 and "<svg" in dom and "<del>" in dom


def test_unit_history_resolves_abbreviations(two_years: Path) -> None:
    full = cli("unit", "区政务服务数据管理局", "--db", str(two_years), "--format", "json")
    short = cli("unit", "区政数局", "--db", str(two_years), "--format", "json")
    assert full.returncode == 0 and short.returncode == 0, short.stderr
    [a], [b] = json.loads(full.stdout), json.loads(short.stdout)  # one region: one unit
    assert a == b and a["org"] == "区政务服务数据管理局" and "区政数局" in a["aliases"]
    assert a["region"] == "南沙区"
    by_year: dict[int, dict[str, set[str]]] = {}
    for t in a["tasks"]:
        by_year.setdefault(t["year"], {}).setdefault(t["role"], set()).add(t["task_key"])
    assert "一.(一).1" in by_year[2020]["responsible"]  # 权责清单: responsible in 2020 …
    assert "三.(一).1" in by_year[2021]["co"]  # … and co-organiser under 区委编办 in 2021
    assert "五.(三).1" in by_year[2020]["lead"]
    table = cli("unit", "区政数局", "--db", str(two_years))
    assert "区政务服务数据管理局 (asked as 区政数局)" in table.stdout
    assert re.search(r"2020 南沙区 — .*: 牵头 \d+, 负责 \d+", table.stdout)
    assert re.search(r"2021 南沙区 — .*: 牵头 \d+, 配合 \d+", table.stdout)
    # a rename declared in a unit file: the former name finds the unit's history
    renames = two_years.parent / "renames.json"
    renames.write_text(
        json.dumps({"units": [{"name": "区政务服务数据管理局", "former_names": ["区信息中心"]}]}),
        encoding="utf-8",
    )
    old = cli(
        "unit", "区信息中心", "--units", str(renames), "--db", str(two_years), "--format", "json"
    )
    assert old.returncode == 0, old.stderr
    assert json.loads(old.stdout)[0]["tasks"] == a["tasks"]
    missing = cli("unit", "区不存在局", "--db", str(two_years))
    assert missing.returncode == 1 and "no such unit" in missing.stderr


def test_diff_across_a_gap_aligns_on_the_fly(two_years: Path, tmp_path: Path) -> None:
    later = tmp_path / "nansha-2022.txt"
    later.write_text(
        NANSHA_2021.read_text(encoding="utf-8").replace("2021年", "2022年"), encoding="utf-8"
    )
    ingest([later], db=two_years)
    run = cli(
        "diff", "--region", "南沙区", "--from", "2020", "--to", "2022", "--db", str(two_years),
        "--format", "json",
    )  # fmt: skip
    d = json.loads(run.stdout)
    assert d["links_stored"] is False  # 2021 lies between: not a pair kept on ingest
    assert len(d["links"]) == 38 and len(d["owner_changes"]) == 5


def test_diff_needs_two_years(db: Path) -> None:
    ingest([SEED], db=db)
    run = cli("diff", "--region", "南沙区", "--db", str(db))
    assert run.returncode == 1
    assert run.stderr.strip() == (
        "Error: 南沙区: no plan earlier than 2020 in the warehouse (years held: 2020); "
        "ingest two years to compare them"
    )
