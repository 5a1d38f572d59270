"""Versions of a notice (issue 14): every file kept as a version, the current reading chosen
rather than the last, metadata merged across versions, `fengong notices` and `remove`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
from click.testing import CliRunner

from pipeline import Options, ingest
from pipeline.cli import main
from pipeline.export import export
from tests.conftest import SAMPLES, SEED, snapshot
from tests.test_links import NANSHA_2021, year_variant

DOCX = SAMPLES / "nansha-2020.docx"
# what a version leaves behind besides the notice's own rows
BOOKKEEPING = ("ingest_log", "notice_versions")


def cut_copy(tmp_path: Path) -> Path:
    """The seed cut off after 9,000 bytes (a broken download): 40 tasks, 104 assignments."""
    cut = tmp_path / "cut.txt"
    cut.write_bytes(SEED.read_bytes()[:9000])
    return cut


def cli(*args: str) -> tuple[int, list[str]]:
    """Exit code and the output lines of one fengong command run through click."""
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output.splitlines()


def one(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_a_worse_reading_is_kept_as_a_version_and_never_replaces_the_better_one(
    db: Path, tmp_path: Path
) -> None:
    cut = cut_copy(tmp_path)
    assert cli("ingest", str(SEED), "--db", str(db), "-q")[0] == 0
    before = snapshot(db, skip=BOOKKEEPING)

    code, lines = cli("ingest", str(cut), "--db", str(db))
    assert code == 1
    assert lines[0] == (
        f"kept      {cut}: the stored reading from {SEED} has 43 tasks and 109 assignments, "
        "this file 40 and 104; --replace to take it"
    )
    assert snapshot(db, skip=BOOKKEEPING) == before  # the notice's rows are as they were

    # the file that is the stored reading: unchanged, and it says so truthfully
    code, lines = cli("ingest", str(SEED), "--db", str(db))
    assert code == 0 and lines[0].startswith(f"unchanged {SEED}: 43 tasks, 109 assignments")
    assert snapshot(db, skip=BOOKKEEPING) == before
    versions = one(db, "select path, tasks, assignments, warnings, current from v_versions")
    assert sorted(versions) == sorted(
        [(str(SEED), 43, 109, 0, True), (str(cut), 40, 104, 0, False)]
    )


def test_replace_takes_a_worse_reading_and_the_better_file_again_makes_it_current(
    db: Path, tmp_path: Path
) -> None:
    cut = cut_copy(tmp_path)
    ingest([SEED], db=db)
    stamped = (*BOOKKEEPING, "task_changes", "notices")  # tables with times of the store
    notice = "select * exclude (ingested_at) from notices"
    whole = snapshot(db, skip=stamped), one(db, notice)
    report = ingest([cut], db=db, options=Options(replace=True))
    assert [r.status for r in report.results] == ["replaced"]
    assert one(db, "select count(*), max(source_path) from v_tasks, v_notices") == [(40, str(cut))]

    report = ingest([SEED], db=db)  # seen before, and it reads better: current again
    assert [(r.status, r.tasks) for r in report.results] == [("replaced", 43)]
    assert (snapshot(db, skip=stamped), one(db, notice)) == whole
    # the feeds: the three tasks the cut-off copy lost are back, none removed
    removed = one(db, "select count(*) from task_changes where removed_at is not null")
    assert removed == [(1,)]  # the one cut mid-text is another task (its text was cut)
    active = "select task_id from task_changes where removed_at is null"
    assert one(db, f"select count(*) from v_tasks where task_id in ({active})") == [(43,)]


def test_a_file_seen_before_that_reads_no_better_changes_nothing(db: Path) -> None:
    """Ingesting a folder again that holds two forms of one notice leaves the stored reading
    and every stamp as they were."""
    html = SAMPLES / "nansha-2020-gbk.html"
    ingest([SEED, html], db=db)
    assert one(db, "select source_path from v_notices") == [(str(html),)]
    before = snapshot(db, skip=BOOKKEEPING)
    report = ingest([SEED, html], db=db)
    assert [r.status for r in report.results] == ["kept", "unchanged"]
    assert not report.worse
    assert report.results[0].why == (
        f"a version seen before; the stored reading from {html} reads as well (43 tasks, "
        "109 assignments, 0 warnings); --replace to take this file's"
    )
    assert snapshot(db, skip=BOOKKEEPING) == before


def test_metadata_is_merged_across_versions(db: Path) -> None:
    """The web page's publish date survives the Word attachment that replaces its reading;
    a Word reading stored first gets it when the web page comes."""
    ingest([SEED, DOCX], db=db)
    dates = "select source_path, publish_date::varchar, sign_date::varchar from v_notices"
    assert one(db, dates) == [(str(DOCX), "2020-09-24", "2020-09-22")]
    own = one(db, "select meta->>'publish_date' from notice_versions where path like '%.docx'")
    assert own == [(None,)]  # the version itself keeps what its file said

    other = db.with_name("other.duckdb")
    ingest([DOCX], db=other)
    assert one(other, "select publish_date from v_notices") == [(None,)]
    ingest([SEED], db=other)
    assert one(other, "select publish_date::varchar from v_notices") == [("2020-09-24",)]


def test_a_form_with_other_punctuation_widths_changes_no_task(db: Path, tmp_path: Path) -> None:
    full = tmp_path / "full-width.txt"
    text = SEED.read_text(encoding="utf-8")
    full.write_text(text.translate(str.maketrans(",:;()", "，：；（）")), encoding="utf-8")
    ingest([SEED], db=db)
    stamps = one(db, "select task_id, first_seen, changed_at, removed_at from task_changes")
    report = ingest([full], db=db)
    assert [r.status for r in report.results] == ["replaced"]
    # 30 task texts differ in width only: no tracker is told they changed
    assert one(db, "select count(*) from v_tasks where text like '%，%'")[0][0] >= 30
    after = one(db, "select task_id, first_seen, changed_at, removed_at from task_changes")
    assert sorted(after) == sorted(stamps)


def test_notices_lists_each_notice_with_its_versions(db: Path, tmp_path: Path) -> None:
    ingest([SEED, DOCX, NANSHA_2021, cut_copy(tmp_path)], db=db)
    code, lines = cli("notices", "--db", str(db), "--format", "json")
    assert code == 0
    listing = json.loads("\n".join(lines))
    counts = [
        (n["region"], n["year"], n["versions"], n["tasks"], n["assignments"]) for n in listing
    ]
    assert counts == [("南沙区", 2020, 3, 43, 109), ("南沙区", 2021, 1, 43, 103)]
    assert listing[0]["current"] == str(DOCX) and listing[0]["warnings"] == 0
    assert listing[0]["plan_title"] == "南沙区2020年政务公开工作要点分工方案"
    code, lines = cli("notices", "--db", str(db), "--format", "csv")
    assert (
        lines[0] == "notice_id,region,year,plan_title,current,versions,tasks,assignments,warnings"
    )


def test_remove_takes_a_notice_out_and_the_feeds_and_links_see_it(db: Path, tmp_path: Path) -> None:
    y2022 = year_variant(tmp_path, NANSHA_2021, 2022)
    ingest([SEED, NANSHA_2021, y2022], db=db)
    pairs = "select from_year, to_year from v_task_links group by all order by all"
    assert one(db, pairs) == [(2020, 2021), (2021, 2022)]
    ((since,),) = one(db, "select max(changed_at) from task_changes")

    code, lines = cli("remove", str(NANSHA_2021), "--db", str(db))
    assert code == 0
    ((notice_id,),) = one(db, "select notice_id from removed_notices")
    assert lines == [
        f"removed {notice_id} (南沙区 2021 南沙区2021年政务公开工作要点分工方案): 43 tasks, "
        "1 version(s); year links and change records updated"
    ]
    assert one(db, pairs) == [(2020, 2022)]  # the plans around it are compared anew
    assert one(db, f"select count(*) from v_versions where notice_id = '{notice_id}'") == [(0,)]
    for table in ("notices", "tasks", "assignments", "sections", "clauses", "task_links"):
        column = "from_notice_id" if table == "task_links" else "notice_id"
        assert one(db, f"select count(*) from {table} where {column} = '{notice_id}'") == [(0,)]

    # a tracker asking for what changed since before the removal is told of 43 removed tasks
    out = tmp_path / "since.jsonl"
    export(db, out, "jsonl", since=since)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 43 and {r["status"] for r in records} == {"removed"}
    assert {r["notice"]["year"] for r in records} == {2021}

    # by notice id too, and a name that matches nothing is one line
    code, lines = cli("remove", notice_id, "--db", str(db))
    assert code == 1 and lines == [
        f"Error: {db}: no notice stored for {notice_id} (list them: fengong notices --db {db})"
    ]

    # ingested again, its tasks come back (changed, not removed)
    assert ingest([NANSHA_2021], db=db).results[0].status == "ingested"
    assert one(db, pairs) == [(2020, 2021), (2021, 2022)]
    assert one(db, "select count(*) from task_changes where removed_at is not null") == [(0,)]
    assert one(db, "select count(*) from removed_notices") == [(0,)]
