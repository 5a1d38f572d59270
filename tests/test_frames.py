"""The notebook API: tasks(), assignments(), notices() as DuckDB relations over a snapshot."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import assignments, ingest, notices, tasks
from pipeline.reading import FeedError
from tests.conftest import GOLD, SEED, copy_of
from tests.small_notices import CONGHUA_NAMING_DATA_BUREAU, CONGHUA_TASKS, write_conghua

GOLD_2020 = json.loads((GOLD / "nansha-2020.gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def two_regions_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("two-regions")
    db = tmp / "warehouse.duckdb"
    report = ingest([SEED, write_conghua(tmp)], db=db)
    assert report.count("ingested") == 2, [r.error for r in report.failed]
    return db


@pytest.fixture
def two_regions(two_regions_once: Path, db: Path) -> Path:
    """The seed and a notice of another region stored (the test's own copy)."""
    return copy_of(two_regions_once, db)


def test_tasks_as_relation_arrow_and_pandas(two_regions: Path) -> None:
    rel = tasks(region="南沙区", year=2020, db=two_regions)
    frame = rel.df()
    assert list(frame["task_key"]) == [t["key"] for t in GOLD_2020["tasks"]]
    assert rel.to_arrow_table().num_rows == len(GOLD_2020["tasks"])
    assert rel.arrow().read_all().num_rows == len(GOLD_2020["tasks"])
    due = rel.filter("deadline is not null").order("task_key").df()
    assert list(due["task_key"]) == sorted(t["key"] for t in GOLD_2020["tasks"] if t["deadline"])
    second = frame[frame["task_key"] == "一.(一).2"].iloc[0]
    assert list(second["lead"]) == ["区政务服务数据管理局"]
    assert list(second["co"]) == ["区各单位", "各镇街"]
    assert set(tasks(db=two_regions).df()["region"]) == {"南沙区", "从化区"}


def test_assignments_and_notices_filter_by_unit_alias_and_join(two_regions: Path) -> None:
    mine = assignments(unit="区政数局", db=two_regions)
    gold = [
        (t["key"], a["role"])
        for t in GOLD_2020["tasks"]
        for a in t["assignments"]
        if a["org"] == "区政务服务数据管理局"
    ]
    got = mine.filter("region = '南沙区'").project("task_key, role").fetchall()
    assert sorted(got) == sorted(gold)
    assert set(mine.df()["org"]) == {"区政务服务数据管理局"}
    assert len(mine.filter("region = '从化区'")) == CONGHUA_NAMING_DATA_BUREAU
    assert mine.filter("region = '从化区'").order("task_key").project("org_raw").fetchall() == [
        ("区政数局",),
        ("区政务服务数据管理局",),
    ]
    # relations of different calls join: one shared in-memory DuckDB
    joined = tasks(unit="区政数局", db=two_regions).join(mine, "task_id")
    assert joined.aggregate("count(*)").fetchall() == [(len(gold) + CONGHUA_NAMING_DATA_BUREAU,)]
    assert list(notices(unit="区司法局", db=two_regions).df()["region"]) == ["从化区", "南沙区"]
    assert list(notices(region="从化区", db=two_regions).df()["year"]) == [2022]
    assert len(notices(db=two_regions).df()) == 2
    assert len(tasks(db=two_regions)) == len(GOLD_2020["tasks"]) + CONGHUA_TASKS
    with pytest.raises(FeedError, match="no unit named"):
        tasks(unit="区无此局", db=two_regions)


def test_a_relation_does_not_hold_the_warehouse(db: Path, tmp_path: Path) -> None:
    ingest([SEED], db=db)
    other = write_conghua(tmp_path)
    rel = tasks(db=db)
    # another process can write while the notebook holds the relation …
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "ingest", str(other), "--db", str(db),
         "--lock-timeout", "5"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    # … and so can this one; the old relation is the old snapshot, a new call sees the new
    ingest([SEED], db=db)
    assert rel.aggregate("count(*)").fetchall() == [(len(GOLD_2020["tasks"]),)]
    assert set(tasks(db=db).df()["region"]) == {"南沙区", "从化区"}
