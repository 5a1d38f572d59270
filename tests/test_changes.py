"""Stable task ids and `export --since`: a tracker updates its tasks instead of duplicating
them, and takes only what changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import openpyxl

from pipeline import ingest, parse, tasks
from pipeline.export import export
from tests.conftest import SAMPLES, SEED
from warehouse.store import Warehouse

SEED_TEXT = SEED.read_text(encoding="utf-8")


def edited(tmp_path: Path, name: str, *swaps: tuple[str, str]) -> Path:
    text = SEED_TEXT
    for old, new in swaps:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# The preamble's request, reworded and lengthened by a line: every task moves down a line.
PREAMBLE = (
    "现印发给你们,请认真贯彻执行。",
    "现印发给你们,请结合实际认真贯彻落实。\n\n  联系人：区政务服务数据管理局。",
)
TASK_TEXT = (  # 一.(一).2 reworded: a new task
    "2.组织编写本级政府行政机关机构职能目录并向社会公开。",
    "2.组织编写并向社会公开本级政府行政机关机构职能目录。",
)
CLAUSE = (  # 一.(一).1 given to another unit: the same task, changed
    "1.更新完善权责清单并按要求公开。\n\n区政务服务数据管理局负责。",
    "1.更新完善权责清单并按要求公开。\n\n区司法局负责。",
)


def task_ids(db: Path) -> dict[str, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return dict(con.execute("select task_key, task_id from v_tasks").fetchall())
    finally:
        con.close()


def latest(db: Path) -> Any:
    with Warehouse.open(db, read_only=True) as wh:
        return wh.sql("select max(changed_at) from task_changes").fetchall()[0][0]


def since_records(db: Path, since: Any, out: Path) -> dict[str, dict[str, Any]]:
    export(db, out, "jsonl", since=since)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return {r["task_id"]: r for r in records}


def test_ids_survive_a_reingest_and_a_republished_notice_with_another_preamble(
    tmp_path: Path,
) -> None:
    first, second, third = (tmp_path / f"{n}.duckdb" for n in ("a", "b", "c"))
    ingest([SEED], db=first)
    ingest([SEED], db=second)
    assert task_ids(first) == task_ids(second)  # ingested anew elsewhere: the same ids
    assert len(set(task_ids(first).values())) == len(task_ids(first))

    republished = edited(tmp_path, "republished.txt", PREAMBLE)
    ingest([republished], db=third)
    assert task_ids(third) == task_ids(first)

    # into the warehouse that had the first version: replaced, same ids, and no task changed
    before = latest(first)
    report = ingest([republished], db=first)
    assert [r.status for r in report.results] == ["replaced"]
    assert task_ids(first) == task_ids(second)
    assert latest(first) == before
    assert since_records(first, before, tmp_path / "none.jsonl") == {}
    # the provenance did move (one more preamble line)
    lines = tasks(db=first).filter("task_key = '一.(一).1'").to_arrow_table()["provenance"]
    assert json.loads(lines[0].as_py())["line_start"] > 38


def test_ids_are_the_same_in_every_form_of_the_notice() -> None:
    forms = [SEED, *(SAMPLES / f"nansha-2020{x}" for x in ("-gbk.html", ".docx", ".pdf"))]
    ids = [[t.task_id for t in parse(form).tasks] for form in forms]
    assert len(ids[0]) == 43
    assert all(other == ids[0] for other in ids[1:])


def test_since_gives_the_new_changed_and_removed_tasks_after_a_replacement(
    db: Path, tmp_path: Path
) -> None:
    ingest([SEED], db=db)
    old = task_ids(db)
    t0 = latest(db)
    assert len(since_records(db, None, tmp_path / "all.jsonl")) == len(old)
    assert since_records(db, t0, tmp_path / "none.jsonl") == {}

    report = ingest([edited(tmp_path, "edited.txt", TASK_TEXT, CLAUSE)], db=db)
    assert [r.status for r in report.results] == ["replaced"]
    new = task_ids(db)
    assert new["一.(一).1"] == old["一.(一).1"]
    assert new["一.(一).2"] != old["一.(一).2"]
    assert {k: v for k, v in new.items() if k != "一.(一).2"} == {
        k: v for k, v in old.items() if k != "一.(一).2"
    }

    got = since_records(db, t0, tmp_path / "since.jsonl")
    in_notebook = tasks(since=t0, db=db).project("task_id, status").fetchall()
    assert dict(in_notebook) == {k: v["status"] for k, v in got.items()}
    assert set(got) == {old["一.(一).1"], old["一.(一).2"], new["一.(一).2"]}
    changed, removed, added = got[old["一.(一).1"]], got[old["一.(一).2"]], got[new["一.(一).2"]]
    assert changed["status"] == "active"
    assert changed["first_seen"] < changed["changed_at"]
    assert [(a["org"], a["role"]) for a in changed["assignments"]] == [("区司法局", "responsible")]
    assert added["status"] == "active" and added["first_seen"] == added["changed_at"]
    assert added["text"] == TASK_TEXT[1][2:]
    assert removed["status"] == "removed" and removed["removed_at"] == removed["changed_at"]
    assert removed["text"] == TASK_TEXT[0][2:] and removed["task_key"] == "一.(一).2"
    assert removed["assignments"] == [] and removed["notice"]["region"] == "南沙区"

    # the unit filter reads a task's current units, a removed task's last ones
    def for_unit(unit: str) -> set[str]:
        export(db, tmp_path / "unit.jsonl", "jsonl", since=t0, unit=unit)
        lines = (tmp_path / "unit.jsonl").read_text(encoding="utf-8").splitlines()
        return {json.loads(line)["task_id"] for line in lines}

    assert for_unit("区司法局") == {old["一.(一).1"]}
    assert for_unit("区政数局") == {old["一.(一).2"], new["一.(一).2"]}

    # the ledger of changes says which is which
    export(db, tmp_path / "changes.xlsx", "xlsx", since=t0)
    ws = openpyxl.load_workbook(tmp_path / "changes.xlsx").worksheets[0]  # the plan's sheet
    header = [c.value for c in ws[2]]
    kinds = {
        r[header.index("任务ID")]: r[header.index("变更")]
        for r in ws.iter_rows(min_row=3, values_only=True)
    }
    assert kinds == {
        old["一.(一).1"]: "修改",
        old["一.(一).2"]: "删除",
        new["一.(一).2"]: "新增",
    }

    # a later version with the first text again: that task_id comes back (changed), the
    # reworded one is removed
    t1 = latest(db)
    report = ingest([edited(tmp_path, "again.txt", PREAMBLE)], db=db)
    assert [r.status for r in report.results] == ["replaced"]
    assert task_ids(db) == old
    got = since_records(db, t1, tmp_path / "back.jsonl")
    assert {k: v["status"] for k, v in got.items()} == {
        old["一.(一).1"]: "active",
        old["一.(一).2"]: "active",
        new["一.(一).2"]: "removed",
    }
    assert got[old["一.(一).2"]]["removed_at"] is None


def test_migration_003_stamps_tasks_stored_before_it(db: Path, tmp_path: Path) -> None:
    ingest([SEED], db=db)
    con = duckdb.connect(str(db))
    con.execute("drop table task_changes")
    con.execute("delete from schema_migrations where version = 3")
    con.close()
    # an export of a warehouse from before migration 003 migrates it first
    records = since_records(db, None, tmp_path / "all.jsonl")
    assert set(records) == set(task_ids(db).values())
    with Warehouse.open(db, read_only=True) as wh:
        rows = wh.sql(
            "select count(*), count(*) filter (where c.first_seen = n.ingested_at) "
            "from task_changes c join notices n using (notice_id)"
        ).fetchall()
    assert rows == [(len(records), len(records))]
