"""Faults and concurrency, with real `fengong ingest` processes on a real DuckDB file:
SIGKILL at random points leaves every notice complete or absent, and what a run reported or
logged as stored is stored; a second ingest waits for the first; a warehouse from an older
schema is migrated on open."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import time
from importlib import resources
from pathlib import Path

import duckdb

from bench.variants import write
from pipeline import ingest
from tests.conftest import FENGONG, SEED, cli
from warehouse.store import Warehouse, migrations

CHILD_TABLES = ("sections", "tasks", "clauses", "assignments", "unit_aliases", "notice_references")
# What a notice is made of, per table: a stored notice must have exactly these rows.
CONTENT = {
    "notices": "notice_id, title, plan_title, region, year, sha256",
    "sections": "notice_id, section_key, level, label, title",
    "tasks": "notice_id, task_id, task_key, section_key, text, deadline, clause_id, inherited",
    "clauses": "notice_id, clause_id, text, requirements",
    "assignments": "notice_id, task_id, task_key, clause_id, org, org_raw, role, inherited",
}


def start(*args: str) -> subprocess.Popen[str]:
    """`fengong ingest` as a real process, its lines reaching the pipe as they are printed."""
    return subprocess.Popen(
        [*FENGONG, "ingest", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def check_complete_or_absent(db: Path, reference: Path) -> int:
    """Every stored notice matches a clean ingest of its file row for row; no row belongs to
    a notice that is not stored. Returns the number of notices stored."""
    with Warehouse.open(db, lock_timeout=30) as wh:  # as the next fengong would open it
        con = wh.con
        con.execute(f"ATTACH '{reference}' AS ref (READ_ONLY)")
        for table in CHILD_TABLES:
            orphans = con.execute(
                f"SELECT count(*) FROM {table} WHERE notice_id NOT IN "
                "(SELECT notice_id FROM notices)"
            ).fetchone()
            assert orphans == (0,), f"{table} has rows of a notice that is not stored"
        for table, columns in CONTENT.items():
            for a, b in (("main", "ref"), ("ref", "main")):
                missing = con.execute(
                    f"SELECT count(*) FROM (SELECT {columns} FROM {a}.{table} "
                    "WHERE notice_id IN (SELECT notice_id FROM main.notices) "
                    f"EXCEPT ALL SELECT {columns} FROM {b}.{table})"
                ).fetchone()
                assert missing == (0,), f"{table}: a stored notice differs from a clean ingest"
        stored = con.execute("SELECT count(*) FROM notices").fetchone()
        con.execute("DETACH ref")
    assert stored is not None
    return int(stored[0])


def check_logged_is_stored(db: Path, reported: list[str]) -> None:
    """The files v_ingest_log gives as stored are the files of the stored notices' versions,
    and every file the run reported (its lines reach the pipe only once committed) is one."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        logged = {
            f
            for (f,) in con.execute(
                "SELECT file FROM v_ingest_log WHERE status IN ('ingested', 'replaced', 'kept')"
            ).fetchall()
        }
        versions = {p for (p,) in con.execute("SELECT path FROM v_versions").fetchall()}
    finally:
        con.close()
    assert logged == versions
    assert set(reported) <= logged


def test_sigkill_at_random_points_leaves_every_notice_complete_or_absent(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    files = write(folder, 12)  # as many as make a batch use worker processes
    reference = tmp_path / "reference.duckdb"
    assert ingest([folder], db=reference).count("ingested") == len(files)
    # small groups, so that kills land between commits, inside a group and inside a commit
    group = ["--commit-every", "4", "--commit-seconds", "0.2"]

    rng = random.Random(2026)
    db = tmp_path / "killed.duckdb"
    partial = 0
    for round_ in range(6):
        if round_ % 3 == 0:
            db.unlink(missing_ok=True)  # from scratch; other rounds resume a killed warehouse
            Path(f"{db}.wal").unlink(missing_ok=True)
        # the first run parses in workers, the others in the writing process itself (cheaper
        # to start; the writer, the only one that stores, is the same)
        jobs = ["--jobs", "0"] if round_ else []
        proc = start(str(folder), "--db", str(db), *group, *jobs)
        # the kill lands after a random number of the run's per-file lines (none: in start-up
        # or the first group), a random moment later: inside a parse, a store, a group or a
        # commit, wherever the batch is, however fast or busy the machine is
        assert proc.stdout is not None
        seen: list[str] = []
        for _ in range(rng.randrange(len(files))):
            line = proc.stdout.readline()
            if not line:
                break  # the run ended first
            seen.append(line.rstrip("\n"))
        time.sleep(rng.uniform(0, 0.3))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=60)
        reported = [  # whole lines only (a kill can cut the last one)
            line.split(maxsplit=1)[1].rsplit(": ", 1)[0]
            for line in [*seen, *out.splitlines()]
            if line.startswith("ingested") and line.endswith(" ms)")
        ]
        stored = check_complete_or_absent(db, reference)
        check_logged_is_stored(db, reported)
        partial += 0 < stored < len(files)

    # at least one kill must land mid-batch for the test to mean anything
    assert partial >= 1, "the kills should land in the middle of a batch"
    # a run after all those kills finishes the batch
    proc = start(str(folder), "--db", str(db), "-q")
    assert proc.wait(300) == 0, proc.stderr.read() if proc.stderr else ""
    assert check_complete_or_absent(db, reference) == len(files)
    check_logged_is_stored(db, [])


def test_two_concurrent_ingests_both_complete(tmp_path: Path) -> None:
    files = write(tmp_path / "all", 12)
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    for i, f in enumerate(files):
        f.rename((a if i % 2 else b) / f.name)
    db = tmp_path / "w.duckdb"
    first, second = start(str(a), "--db", str(db)), start(str(b), "--db", str(db))
    assert first.wait(300) == 0, first.stderr.read() if first.stderr else ""
    assert second.wait(300) == 0, second.stderr.read() if second.stderr else ""
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("select count(*) from v_notices").fetchone() == (12,)
        assert con.execute("select count(*) from v_ingest_log").fetchone() == (12,)
    finally:
        con.close()


def _held(db: Path) -> bool:
    """Is another process holding the warehouse's write lock?"""
    if not db.exists():
        return False
    try:
        duckdb.connect(str(db), read_only=True).close()
    except duckdb.IOException as exc:
        return "lock" in str(exc).lower()
    return False


def test_a_second_ingest_gives_up_with_one_clear_line_after_its_lock_timeout(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "batch"
    write(folder, 24)
    db = tmp_path / "w.duckdb"
    first = start(str(folder), "--db", str(db), "-q", "--jobs", "0")
    deadline = time.monotonic() + 60
    while not _held(db):
        assert first.poll() is None and time.monotonic() < deadline, "the first never wrote"
        time.sleep(0.02)
    # the second in this process (no start-up to outlast): the first must still be writing
    second = cli("ingest", str(SEED), "--db", str(db), "--lock-timeout", "0.5")
    assert first.poll() is None, "the first ingest should still be writing"
    assert second.returncode == 1
    assert second.stderr.strip().splitlines() == [
        f"Error: {db}: another fengong process (PID {first.pid}) is writing to this warehouse; "
        "waited 0.5 s (raise --lock-timeout or try later)"
    ]
    assert first.wait(300) == 0


def test_a_warehouse_of_the_first_schema_is_migrated_on_open(db: Path) -> None:
    con = duckdb.connect(str(db))
    first = resources.files("warehouse").joinpath("migrations", "001_init.sql")
    con.execute(first.read_text(encoding="utf-8"))
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL)"
    )
    con.execute(
        "INSERT INTO schema_migrations VALUES (1, '001_init.sql', ?)", [dt.datetime(2025, 1, 1)]
    )
    # a notice stored by that version: it must survive the migrations
    con.execute(
        "INSERT INTO notices (notice_id, title, region, year, source_path, sha256, format,"
        " schema_version, ingested_at) VALUES ('old', '旧通知', '某区', 2019, 'old.txt', 'ab',"
        " 'text', '1.0.0', '2025-01-01')"
    )
    con.execute(
        "INSERT INTO tasks (notice_id, task_id, task_key, section_key, text, inherited, ord)"
        " VALUES ('old', 't1', '一.1', '一', '旧任务', false, 0)"
    )
    con.close()

    with Warehouse.open(db) as wh:
        applied = wh.sql("select version from schema_migrations order by 1").fetchall()
        assert [v for (v,) in applied] == [m.version for m in migrations()]
        views = wh.sql("select view_name from duckdb_views() where not internal").fetchall()
        views = {v for (v,) in views}
        views_sql = resources.files("warehouse").joinpath("views.sql").read_text(encoding="utf-8")
        for line in views_sql.splitlines():
            if line.startswith("CREATE OR REPLACE VIEW "):
                assert line.split()[4] in views
        assert wh.sql("select title from v_notices").fetchall() == [("旧通知",)]
        assert wh.sql("select text from v_tasks").fetchall() == [("旧任务",)]
    report = ingest([SEED], db=db)
    assert report.count("ingested") == 1
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from v_tasks").fetchone() == (44,)
    con.close()
