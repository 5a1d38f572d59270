"""The DuckDB warehouse: migrations, views, idempotency, replacement, all-or-nothing writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipeline import Options, ingest, parse
from tests.conftest import SAMPLES, SEED
from warehouse import bulk
from warehouse.store import Warehouse, migrations

VIEWS = {
    "v_notices": [
        "notice_id",
        "title",
        "plan_title",
        "issuer",
        "region",
        "year",
        "publish_date",
        "sign_date",
        "doc_number",
        "source_path",
        "sha256",
        "format",
    ],
    "v_sections": ["notice_id", "section_key", "level", "title"],
    "v_tasks": [
        "notice_id",
        "task_id",
        "task_key",
        "section_key",
        "text",
        "deadline",
        "deadline_text",
    ],
    "v_assignments": [
        "notice_id",
        "task_id",
        "task_key",
        "org",
        "org_raw",
        "role",
        "inherited",
        "clause_text",
    ],
    "v_references": ["notice_id", "doc_number", "title"],
    "v_ingest_log": ["file", "sha256", "notice_id", "status", "error", "seconds"],
}


def counts(db: Path) -> tuple[int, ...]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return tuple(
            con.execute(f"select count(*) from {v}").fetchone()[0]  # type: ignore[index]
            for v in ("v_notices", "v_sections", "v_tasks", "v_assignments")
        )
    finally:
        con.close()


def test_migrations_are_recorded_and_views_have_their_documented_columns(db: Path) -> None:
    with Warehouse.open(db) as wh:
        assert wh.schema_version() == migrations()[-1].version
        assert wh.migrate() == []  # a second open applies nothing
        for view, columns in VIEWS.items():
            got = [d[0] for d in wh.sql(f"select * from {view} limit 0").description]
            assert got[: len(columns)] == columns, view
        types = dict(
            wh.sql(
                "select column_name, data_type from information_schema.columns "
                "where table_name = 'v_tasks'"
            ).fetchall()
        )
        assert types["deadline"] == "DATE"


def test_the_same_file_twice_changes_nothing(db: Path) -> None:
    first = ingest([SEED], db=db)
    before = counts(db)
    second = ingest([SEED], db=db)
    assert [r.status for r in first.results + second.results] == ["ingested", "unchanged"]
    assert counts(db) == before == (1, 25, 43, 109)


def test_a_changed_file_replaces_the_notice_whole(db: Path, tmp_path: Path) -> None:
    ingest([SEED], db=db)
    edited = tmp_path / "seed.txt"
    text = SEED.read_text(encoding="utf-8")
    # the corrected notice drops the last task and its clause: it reads worse (42 tasks), so
    # it is kept as a version until the user takes it
    cut = text.index("2.优化第三方评估")
    edited.write_text(text[:cut] + text[text.index("联系我们", cut) :], encoding="utf-8")
    assert ingest([edited], db=db).results[0].status == "kept"
    assert counts(db) == (1, 25, 43, 109)
    report = ingest([edited], db=db, options=Options(replace=True))
    assert report.results[0].status == "replaced"
    assert counts(db) == (1, 25, 42, 107)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select source_path from v_notices").fetchone() == (str(edited),)
    con.close()


def test_a_failed_write_leaves_nothing_behind(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    notice = parse(SEED)

    insert = bulk.insert

    def broken(con: duckdb.DuckDBPyConnection, table: str, columns: object) -> None:
        if table == "assignments":
            raise RuntimeError("disk full")
        insert(con, table, columns)  # type: ignore[arg-type]

    monkeypatch.setattr(bulk, "insert", broken)
    with Warehouse.open(db) as wh, pytest.raises(RuntimeError):
        wh.store(notice)
    assert counts(db) == (0, 0, 0, 0)


def test_ids_are_stable_across_formats_and_reingest(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "again.txt"
    shutil.copy(SEED, copy)
    a, b = parse(SEED), parse(copy)
    html = parse(SAMPLES / "nansha-2020-gbk.html")
    assert a.notice_id == b.notice_id == html.notice_id
    assert [t.task_id for t in a.tasks] == [t.task_id for t in b.tasks]
    assert len({t.task_id for t in a.tasks}) == 43


def test_query_views_answer_analyst_questions(db: Path) -> None:
    ingest([SEED], db=db)
    con = duckdb.connect(str(db), read_only=True)
    led = con.execute(
        "select count(distinct task_key) from v_assignments "
        "where org = '区政务服务数据管理局' and role = 'lead'"
    ).fetchone()
    dated = con.execute(
        "select task_key, deadline from v_tasks where deadline is not null order by task_key"
    ).fetchall()
    inherited = con.execute(
        "select count(distinct task_key) from v_assignments where inherited"
    ).fetchone()
    con.close()
    assert led == (7,)
    assert [(k, str(d)) for k, d in dated] == [
        ("一.(二).2", "2020-12-31"),
        ("五.(三).4", "2020-12-31"),
    ]
    assert inherited == (16,)  # the gold marks 16 tasks whose clause is merged from above
