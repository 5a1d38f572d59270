"""Units belong to a region (issue 12, item 4): 花都区's 区政务服务数据管理局 and 南沙区's are two
units, never one. Real warehouse files hold notices of different regions that share unit
names — the seed (南沙区 2020), samples/constructed/c01 (花都区 2021), a notice that prints
no region (tests/small_notices.py) — and every listing (`units`, `unit`), export, ledger
sheet and notebook call is checked to keep them apart. The expected tasks and roles are the
hand-made golds' (tests/gold/) and the small notice's answer by construction."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

import fengong
from pipeline.cli import main
from pipeline.regions import NO_REGION
from pipeline.unit_history import UnitNotFound
from schemas import ROLE_NAMES, ROLES
from tests.conftest import GOLD, SAMPLES, SEED, query
from tests.conftest import fengong as fengong_process
from tests.scoring import norm_org
from tests.small_notices import NO_REGION_ANSWER, write_no_region

CONSTRUCTED = SAMPLES / "constructed"
HUADU = CONSTRUCTED / "c01-flat-3col.txt"  # 花都区 2021: defines 区政数局 in its preamble
NANSHA_2021 = CONSTRUCTED / "nansha-2021.txt"
BUREAU = "区政务服务数据管理局"
RENAMED = "区政务和数据局"
REGIONS = ["南沙区", "花都区", NO_REGION]  # as listed: the stored regions in order, then none


def gold(name: str) -> dict[str, list[tuple[str, str]]]:
    """A gold's answer: task key → [(org, role)]."""
    data = json.loads((GOLD / name).read_text(encoding="utf-8"))
    return {t["key"]: [(a["org"], a["role"]) for a in t["assignments"]] for t in data["tasks"]}


ANSWERS = {
    "南沙区": gold("nansha-2020.gold.json"),
    "花都区": gold("c01-flat-3col.gold.json"),
    NO_REGION: NO_REGION_ANSWER,
}


def named(answer: dict[str, list[tuple[str, str]]], org: str) -> set[tuple[str, str]]:
    """(task key, role) of every assignment of `org` in an answer."""
    return {(key, role) for key, units in answer.items() for o, role in units if o == org}


def role_counts(answer: dict[str, list[tuple[str, str]]], org: str) -> Counter[str]:
    return Counter(role for units in answer.values() for o, role in units if o == org)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def three_regions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """南沙区 2020, 花都区 2021 and a notice without a region, in one warehouse file."""
    tmp = tmp_path_factory.mktemp("regions")
    db = tmp / "w.duckdb"
    report = fengong.ingest([SEED, HUADU, write_no_region(tmp)], db=db)
    assert report.count("ingested") == 3, [r.error for r in report.failed]
    return db


def test_v_units_has_a_row_per_region_and_keeps_its_columns(three_regions: Path) -> None:
    columns = [
        c
        for (c,) in query(
            three_regions,
            "select column_name from duckdb_columns() where table_name = 'v_units'"
            " order by column_index",
        )
    ]
    assert columns == ["org", "aliases", "collective", "notices", "region"]  # one added
    for org in (BUREAU, "区卫生健康局", "区政府办公室"):
        rows = query(
            three_regions,
            f"select region, notices from v_units where org = '{org}' order by region nulls last",
        )
        assert rows == [("南沙区", 1), ("花都区", 1), (None, 1)], org
    aliases = dict(
        query(three_regions, f"select region, aliases from v_units where org = '{BUREAU}'")
    )
    assert "区政数局" in aliases["南沙区"] and "区政数局" in aliases["花都区"]
    assert aliases[None] == []  # the no-region notice printed the full name only


def test_units_lists_each_region_apart_with_its_own_counts(three_regions: Path) -> None:
    result = run("units", "--db", str(three_regions), "--format", "csv")
    assert result.exit_code == 0, result.output
    listed = list(csv.DictReader(io.StringIO(result.stdout)))
    rows = {(r["region"], r["org"]): r for r in listed}
    assert len(rows) == len(listed)  # no (region, unit) twice
    for org in (BUREAU, "区卫生健康局", "区政府办公室"):
        assert [r["region"] for r in listed if r["org"] == org] == REGIONS, org
        for region in REGIONS:
            counts = role_counts(ANSWERS[region], org)
            got = {role: int(rows[region, org][role]) for role in ROLES}
            assert got == {role: counts[role] for role in ROLES}, (region, org)
    assert rows["南沙区", BUREAU]["notices"] == "南沙区 2020"
    assert rows["花都区", BUREAU]["notices"] == "花都区 2021"
    assert rows[NO_REGION, BUREAU]["notices"] == "2022"  # the notice itself has no region

    huadu = run("units", "--region", "花都区", "--db", str(three_regions), "--format", "json")
    assert huadu.exit_code == 0, huadu.output
    units = json.loads(huadu.stdout)
    assert {u["region"] for u in units} == {"花都区"}
    # the units given a task are the gold's (区各单位 and 各单位 one, as the scorer has it)
    expected = {norm_org(o) for units_ in ANSWERS["花都区"].values() for o, _ in units_}
    assert {norm_org(u["org"]) for u in units if any(u["roles"].values())} == expected

    for fmt in ("table", "json", "jsonl", "markdown"):
        out = run("units", "--db", str(three_regions), "--format", fmt)
        assert out.exit_code == 0, (fmt, out.output)
    jsonl = run("units", "--db", str(three_regions), "--format", "jsonl").stdout.splitlines()
    assert len(jsonl) == len(listed)
    table = run("units", "--db", str(three_regions)).stdout
    assert f"{len(listed)} units in 3 regions" in table
    for region in ("区", "沙区", "从化区"):
        bad = run("units", "--region", region, "--db", str(three_regions))
        assert bad.exit_code == 1
        assert bad.stderr.splitlines() == [
            f"Error: no region '{region}' in {three_regions} (regions held: 南沙区、花都区)"
        ]


def test_unit_held_in_several_regions_lists_each_apart_and_says_how_to_pick(
    three_regions: Path,
) -> None:
    db = str(three_regions)
    result = run("unit", "区政数局", "--db", db, "--format", "json")
    assert result.exit_code == 0, result.output
    histories = json.loads(result.stdout)
    assert [(h["region"], h["org"]) for h in histories] == [(r, BUREAU) for r in REGIONS]
    for h in histories:
        assert {(t["task_key"], t["role"]) for t in h["tasks"]} == named(
            ANSWERS[h["region"]], BUREAU
        ), h["region"]
        assert {t["region"] for t in h["tasks"]} == {h["region"]}
    assert result.stderr == (
        "区政数局: held in 3 regions (南沙区、花都区、未注明地区), each its own unit; "
        "--region 南沙区 picks one\n"
    )

    csv_out = run("unit", "区政数局", "--db", db, "--format", "csv", "--raw-csv")
    assert csv_out.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(csv_out.stdout)))
    blocks = [
        r["region"] for i, r in enumerate(rows) if i == 0 or rows[i - 1]["region"] != r["region"]
    ]
    assert blocks == REGIONS  # each region's rows together, never interleaved
    assert Counter(r["region"] for r in rows) == {
        r: len(named(ANSWERS[r], BUREAU)) for r in REGIONS
    }
    markdown = run("unit", "区政数局", "--db", db, "--format", "markdown").stdout
    assert [line for line in markdown.splitlines() if line.startswith("### ")] == [
        f"### {BUREAU} — {r}" for r in REGIONS
    ]
    table = run("unit", "区政数局", "--db", db).stdout
    heads = [f"{r} · {BUREAU} (asked as 区政数局)" for r in REGIONS]
    assert all(h in table for h in heads)
    assert [table.index(h) for h in heads] == sorted(table.index(h) for h in heads)
    jsonl = run("unit", "区政数局", "--db", db, "--format", "jsonl").stdout.splitlines()
    assert len(jsonl) == len(rows)

    one = run("unit", "区政数局", "--region", "花都区", "--db", db, "--format", "json")
    assert one.exit_code == 0 and one.stderr == ""
    [huadu] = json.loads(one.stdout)
    assert huadu["region"] == "花都区"
    assert {(t["task_key"], t["role"]) for t in huadu["tasks"]} == named(ANSWERS["花都区"], BUREAU)


def test_a_name_held_in_one_region_needs_no_region_and_other_regions_say_where(
    three_regions: Path,
) -> None:
    db = str(three_regions)
    only_huadu = "区人力资源和社会保障局"  # in c01's answer, not in the seed's
    assert named(ANSWERS["花都区"], only_huadu) and not named(ANSWERS["南沙区"], only_huadu)
    result = run("unit", only_huadu, "--db", db, "--format", "json")
    assert result.exit_code == 0 and result.stderr == ""
    [h] = json.loads(result.stdout)
    assert h["region"] == "花都区"
    assert {(t["task_key"], t["role"]) for t in h["tasks"]} == named(ANSWERS["花都区"], only_huadu)

    elsewhere = run("unit", only_huadu, "--region", "南沙区", "--db", db)
    assert elsewhere.exit_code == 1
    assert elsewhere.stderr.splitlines() == [
        f"Error: {only_huadu}: no such unit in 南沙区 in {db} (held in 花都区)"
    ]
    for region in ("区", "沙区", "从化区"):
        bad = run("unit", "区政数局", "--region", region, "--db", db)
        assert bad.exit_code == 1
        assert bad.stderr.splitlines() == [
            f"Error: no region '{region}' in {db} (regions held: 南沙区、花都区)"
        ]
    missing = run("unit", "区不存在局", "--db", db)
    assert missing.exit_code == 1 and "no such unit in the warehouse" in missing.stderr
    # the real command, as a user runs it: same answer, one line, no traceback
    proc = fengong_process("unit", only_huadu, "--region", "南沙区", "--db", db)
    assert proc.returncode == 1 and proc.stderr == elsewhere.stderr


def test_export_unit_keeps_rows_per_region(three_regions: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.jsonl"
    result = run("export", "--format", "jsonl", "--out", str(out), "--unit", "区政数局",
                 "--db", str(three_regions))  # fmt: skip
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_region: dict[str | None, list[str]] = {}
    for r in records:
        by_region.setdefault(r["notice"]["region"], []).append(r["task_key"])
    assert {k: sorted(v) for k, v in by_region.items()} == {
        region if region != NO_REGION else None: sorted(
            {k for k, _ in named(ANSWERS[region], BUREAU)}
        )
        for region in REGIONS
    }
    huadu = tmp_path / "huadu.csv"
    result = run("export", "--format", "csv", "--out", str(huadu), "--unit", "区政数局",
                 "--region", "花都区", "--db", str(three_regions))  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(huadu.read_text(encoding="utf-8-sig"))))
    assert {r["region"] for r in rows} == {"花都区"}
    assert sorted(r["task_key"] for r in rows) == sorted(
        {k for k, _ in named(ANSWERS["花都区"], BUREAU)}
    )
    refused = run("export", "--format", "csv", "--out", str(tmp_path / "x.csv"),
                  "--unit", "区人力资源和社会保障局", "--region", "南沙区",
                  "--db", str(three_regions))  # fmt: skip
    assert refused.exit_code == 1 and not (tmp_path / "x.csv").exists()
    assert refused.stderr.splitlines() == [
        f"Error: no unit named 区人力资源和社会保障局 in 南沙区 in {three_regions} "
        "(held in 花都区; list them: fengong units)"
    ]


def test_ledger_has_a_unit_sheet_per_region_and_unit(three_regions: Path, tmp_path: Path) -> None:
    out = tmp_path / "台账.xlsx"
    result = run("export", "--format", "xlsx", "--out", str(out), "--unit-sheets",
                 "--db", str(three_regions))  # fmt: skip
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    plans = book.sheetnames[:3]
    units = book.sheetnames[3:]
    pairs = query(
        three_regions,
        "select distinct coalesce(n.region, '未注明地区'), a.org"
        " from v_assignments a join v_notices n using (notice_id)",
    )
    assert len(units) == len(pairs), plans  # one sheet per (region, unit), none merged
    for name in units:
        ws = book[name]
        regions = {row[1] for row in ws.iter_rows(min_row=3, values_only=True)}
        assert len(regions) == 1, name  # a unit sheet never holds two regions' rows
        assert name.startswith(f"{regions.pop()}·"), name
    assert BUREAU not in book.sheetnames
    for region in REGIONS:
        ws = book[f"{region}·{BUREAU}"]
        assert ws["A1"].value == f"{BUREAU}（{region}）：本单位承担的任务"
        header = [c.value for c in ws[2]]
        got: set[tuple[str, str]] = set()
        by_text = {
            t: k
            for k, t in query(
                three_regions,
                "select t.task_key, t.text from v_tasks t join v_notices n using (notice_id)"
                f" where n.region {'is null' if region == NO_REGION else f'= {region!r}'}",
            )
        }
        for row in ws.iter_rows(min_row=3, values_only=True):
            key = by_text[row[header.index("工作任务")]]
            for word in row[header.index("本单位角色")].split("、"):
                role = next(r for r, w in ROLE_NAMES.items() if w == word)
                got.add((key, role))
        assert got == named(ANSWERS[region], BUREAU), region

    one = tmp_path / "花都.xlsx"
    result = run("export", "--format", "xlsx", "--out", str(one), "--unit-sheets",
                 "--region", "花都区", "--db", str(three_regions))  # fmt: skip
    assert result.exit_code == 0, result.output
    sheets = openpyxl.load_workbook(one).sheetnames
    assert BUREAU in sheets and not any("·" in s for s in sheets)  # one region: plain names


def test_unit_files_merge_renamed_names_within_each_region(tmp_path: Path) -> None:
    renames = tmp_path / "units.json"
    renames.write_text(
        json.dumps({"units": [{"name": RENAMED, "former_names": [BUREAU]}]}, ensure_ascii=False),
        encoding="utf-8",
    )
    db = tmp_path / "w.duckdb"
    fengong.ingest([SEED, HUADU], db=db)  # stored under the old name
    # the 2021 plan ingested after the reform, with the file: stored under the new name
    report = fengong.ingest(
        [NANSHA_2021], db=db, options=fengong.Options(extra_registries=(str(renames),))
    )
    assert report.count("ingested") == 1
    answer_2021 = gold("nansha-2021.gold.json")
    assert query(db, f"select count(*) from v_assignments where org = '{RENAMED}'") == [
        (sum(role_counts(answer_2021, BUREAU).values()),)
    ]

    result = run("unit", RENAMED, "--units", str(renames), "--db", str(db), "--format", "json")
    assert result.exit_code == 0, result.output
    nansha, huadu = json.loads(result.stdout)
    assert (nansha["region"], nansha["org"]) == ("南沙区", RENAMED)
    assert (huadu["region"], huadu["org"]) == ("花都区", RENAMED)
    assert {(t["year"], t["task_key"], t["role"]) for t in nansha["tasks"]} == {
        (2020, k, r) for k, r in named(ANSWERS["南沙区"], BUREAU)
    } | {(2021, k, r) for k, r in named(answer_2021, BUREAU)}  # one unit over the rename
    assert {(t["task_key"], t["role"]) for t in huadu["tasks"]} == named(ANSWERS["花都区"], BUREAU)
    assert "held in 2 regions (南沙区、花都区)" in result.stderr
    without = run("unit", RENAMED, "--db", str(db), "--format", "json")
    assert [(h["region"], {t["year"] for t in h["tasks"]}) for h in json.loads(without.stdout)] == [
        ("南沙区", {2021})
    ]

    listing = run("units", "--units", str(renames), "--db", str(db), "--format", "csv")
    rows = {(r["region"], r["org"]): r for r in csv.DictReader(io.StringIO(listing.stdout))}
    assert ("南沙区", BUREAU) not in rows and ("花都区", BUREAU) not in rows
    assert rows["南沙区", RENAMED]["notices"] == "南沙区 2020; 南沙区 2021"
    lead = role_counts(ANSWERS["南沙区"], BUREAU)["lead"] + role_counts(answer_2021, BUREAU)["lead"]
    assert int(rows["南沙区", RENAMED]["lead"]) == lead
    assert int(rows["花都区", RENAMED]["lead"]) == role_counts(ANSWERS["花都区"], BUREAU)["lead"]


def test_an_alias_printed_in_one_region_finds_that_region_only(tmp_path: Path) -> None:
    """思明区's page prints 區政府辦公室 (traditional script); 鄞州区's 区政府办公室 was never
    called so, and is not found by it."""
    db = tmp_path / "w.duckdb"
    fengong.ingest(
        [CONSTRUCTED / "c04-traditional.html", CONSTRUCTED / "c03-preamble-list.html"], db=db
    )
    siming = gold("c04-traditional.gold.json")
    office = "区政府办公室"
    result = run("unit", "區政府辦公室", "--db", str(db), "--format", "json")
    assert result.exit_code == 0 and result.stderr == ""
    [h] = json.loads(result.stdout)
    assert (h["region"], h["org"]) == ("思明区", office)
    assert {(t["task_key"], t["role"]) for t in h["tasks"]} == named(siming, office)
    both = run("unit", office, "--db", str(db), "--format", "json")
    assert [h["region"] for h in json.loads(both.stdout)] == ["思明区", "鄞州区"]

    out = tmp_path / "t.jsonl"
    assert run("export", "--format", "jsonl", "--out", str(out), "--unit", "區政府辦公室",
               "--db", str(db)).exit_code == 0  # fmt: skip
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["notice"]["region"] for r in records} == {"思明区"}
    assert sorted(r["task_key"] for r in records) == sorted({k for k, _ in named(siming, office)})
    frame = fengong.assignments(unit="區政府辦公室", db=db)
    assert {r for (r,) in frame.project("region").fetchall()} == {"思明区"}


def test_notebook_api_keeps_regions_apart(three_regions: Path) -> None:
    with pytest.raises(UnitNotFound, match=r"held in 3 regions .*region='南沙区' picks one"):
        fengong.unit("区政数局", db=str(three_regions))
    huadu = fengong.unit("区政数局", "花都区", db=str(three_regions))
    assert (huadu.region, huadu.org) == ("花都区", BUREAU)
    assert {(r["task_key"], r["role"]) for r in huadu.rows} == named(ANSWERS["花都区"], BUREAU)
    histories = fengong.unit_histories("区政数局", db=str(three_regions))
    assert [h.region for h in histories] == REGIONS
    tasks = fengong.tasks(unit="区政数局", db=three_regions)
    got: dict[Any, set[str]] = {}
    for region, key in tasks.project("region, task_key").fetchall():
        got.setdefault(region, set()).add(key)
    assert got == {
        (r if r != NO_REGION else None): {k for k, _ in named(ANSWERS[r], BUREAU)} for r in REGIONS
    }
    listing = fengong.list_units(three_regions, region="花都区")
    assert {u.region for u in listing} == {"花都区"}
    everything = fengong.list_units(three_regions)
    assert [u.region for u in everything if u.org == BUREAU] == REGIONS
