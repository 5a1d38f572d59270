"""Batches: worker processes parse, one writer stores; a file over the time limit is stopped
and reported while the batch goes on."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from bench.variants import write
from pipeline import Options, ingest
from pipeline.api import WORKERS_FROM, worker_count
from tests.conftest import SEED


def slow_notice(path: Path, tasks: int = 30_000) -> Path:
    """A real-looking notice with tens of thousands of tasks under one subsection: a few MB
    that the structure stage needs minutes for (far more than any limit below)."""
    head = (
        "关于印发某区2021年政务公开工作要点分工方案的通知\n各单位：\n现印发给你们。\n"
        "某区2021年政务公开工作要点分工方案\n一、总体要求\n（一）做好公开\n"
    )
    body = "".join(f"1.做好第{i}项工作。\n区政数局负责。\n" for i in range(tasks))
    path.write_text(head + body, encoding="utf-8")
    return path


def rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            "notices": con.execute(
                "select notice_id, title, region, year, sha256 from v_notices order by 1"
            ).fetchall(),
            "tasks": con.execute(
                "select notice_id, task_id, task_key, section_key, text, deadline, clause_id "
                "from v_tasks order by 1, 3"
            ).fetchall(),
            "assignments": con.execute(
                "select notice_id, task_key, org, role, inherited from v_assignments order by all"
            ).fetchall(),
            "log": con.execute(
                "select file, sha256, notice_id, status, error from v_ingest_log order by file"
            ).fetchall(),
        }
    finally:
        con.close()


def test_workers_store_exactly_what_one_process_stores(tmp_path: Path) -> None:
    files = write(tmp_path / "batch", 14)
    bad = tmp_path / "batch" / "00010-bad.txt"
    bad.write_bytes(b"\x00\xff" * 100)
    dup = tmp_path / "batch" / "00020-dup.txt"
    shutil.copy(SEED, dup)
    assert worker_count(16, Options(jobs=2)) == 2 and worker_count(3, Options(jobs=2)) == 0

    one = ingest([tmp_path / "batch"], db=tmp_path / "one.duckdb", options=Options(jobs=0))
    two = ingest([tmp_path / "batch"], db=tmp_path / "two.duckdb", options=Options(jobs=2))

    summary = [(r.path, r.status, r.notice_id, r.tasks, r.assignments) for r in two.results]
    assert summary == [(r.path, r.status, r.notice_id, r.tasks, r.assignments) for r in one.results]
    assert [r.path for r in two.results] == sorted(str(f) for f in [*files, bad, dup])
    assert [r.path for r in two.failed] == [str(bad)]
    assert two.count("ingested") == 15
    assert rows(tmp_path / "one.duckdb") == rows(tmp_path / "two.duckdb")


@pytest.mark.parametrize("jobs", [2, 0], ids=["workers", "in-process"])
def test_a_file_over_the_time_limit_is_stopped_and_the_batch_goes_on(
    tmp_path: Path, jobs: int
) -> None:
    folder = tmp_path / "batch"
    count = WORKERS_FROM if jobs else 2  # enough files for workers, or few enough for none
    write(folder, count)
    slow = slow_notice(folder / "00000-slow.txt")
    report = ingest([folder], db=tmp_path / "w.duckdb", options=Options(timeout=3, jobs=jobs))
    assert worker_count(count + 1, Options(jobs=jobs)) == jobs
    assert [r.path for r in report.failed] == [str(slow)]
    assert report.failed[0].error == (
        f"{slow}: parsing took longer than 3 s and was stopped "
        "(raise --timeout if the file is really that slow)"
    )
    assert report.count("ingested") == count  # every other file, after the slow one
    log = rows(tmp_path / "w.duckdb")["log"]
    file, sha, _, status, _ = log[0]
    assert (Path(file).name, status) == ("00000-slow.txt", "failed")
    assert sha is not None  # the refused file's hash is logged
