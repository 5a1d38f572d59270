"""Group commit (warehouse/groups.py): several notices per transaction, each notice whole; a
notice that fails inside a group fails alone; batches stored in groups end as they do one
notice per transaction. (A crash inside a group: tests/test_faults.py kills real processes.)"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from bench.variants import write
from pipeline import Options, ingest, parse
from tests.conftest import SAMPLES, SEED
from tests.test_faults import CONTENT
from warehouse import links
from warehouse.align import TaskText
from warehouse.groups import Stored
from warehouse.store import Logged, Warehouse

# what a table holds of a batch, without the times it was written
TABLES = {
    **CONTENT,
    "unit_aliases": "notice_id, name, alias, collective",
    "notice_references": "notice_id, doc_number, title",
    "warnings": "notice_id, ord, task_key, kind, message",
    "task_changes": "notice_id, task_id, task_key, text, orgs, removed_at IS NULL",
    "notice_versions": "notice_id, sha256, path, format, size, tasks, assignments, warnings",
    "task_link_pairs": "from_notice_id, to_notice_id, method",
    "task_links": "*",
    "ingest_log": "file, sha256, notice_id, status, error",
}


def contents(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            table: con.execute(f"SELECT {columns} FROM {table} ORDER BY ALL").fetchall()
            for table, columns in TABLES.items()
        }
    finally:
        con.close()


def mixed_batch(tmp_path: Path) -> list[Path]:
    """Generated notices of many regions and years, with the same notice arriving again in
    another form, again whole, and cut short (replaced, unchanged, kept) inside the batch."""
    files = write(tmp_path / "batch", 40)
    cut = tmp_path / "cut.txt"
    cut.write_text(SEED.read_text(encoding="utf-8")[:9000], encoding="utf-8")
    again = tmp_path / "again.txt"
    shutil.copy(SEED, again)
    html = SAMPLES / "nansha-2020-gbk.html"
    return [*files[:20], cut, SEED, *files[20:30], html, again, SEED, *files[30:]]


def test_a_batch_stored_in_groups_ends_as_one_stored_a_notice_at_a_time(tmp_path: Path) -> None:
    files = mixed_batch(tmp_path)
    one, grouped = tmp_path / "one.duckdb", tmp_path / "grouped.duckdb"
    a = ingest(files, db=one, options=Options(group_size=1))
    b = ingest(files, db=grouped, options=Options(group_size=50, group_seconds=60))
    statuses = [r.status for r in a.results]
    assert statuses == [r.status for r in b.results]
    assert {"ingested", "replaced", "unchanged", "kept"} <= set(statuses)
    assert [r.path for r in b.results] == [str(f) for f in files]  # in input order
    assert contents(one) == contents(grouped)


def test_rows_sent_by_workers_store_what_the_models_store(tmp_path: Path) -> None:
    """A batch's parser workers send each notice as its rows and its model as JSON
    (warehouse/rows.py): ingested, replaced, kept and unchanged alike, the warehouse then
    holds what a batch parsed in one process stores from the models."""
    files = mixed_batch(tmp_path)
    here, workers = tmp_path / "here.duckdb", tmp_path / "workers.duckdb"
    a = ingest(files, db=here, options=Options(jobs=0))
    b = ingest(files, db=workers, options=Options(jobs=2))
    assert [
        (r.path, r.status, r.notice_id, r.tasks, r.assignments, r.warnings, r.why)
        for r in b.results
    ] == [
        (r.path, r.status, r.notice_id, r.tasks, r.assignments, r.warnings, r.why)
        for r in a.results
    ]
    assert {"ingested", "replaced", "unchanged", "kept"} <= {r.status for r in b.results}
    assert contents(here) == contents(workers)


def test_a_notice_that_cannot_be_stored_fails_alone_and_the_group_goes_on(
    db: Path, tmp_path: Path
) -> None:
    """DuckDB refuses one notice of the group at commit (two tasks with one key: the tasks
    table's primary key): the group is rolled back and stored again file by file."""
    files = write(tmp_path / "batch", 6)
    notices = [parse(f) for f in files]
    bad = notices[3]
    twin = bad.tasks[1].model_copy(update={"key": bad.tasks[0].key})
    broken = bad.model_copy(update={"tasks": [bad.tasks[0], twin, *bad.tasks[2:]]})
    notices[3] = broken
    done: list[tuple[str, Stored | None, str | None]] = []
    with Warehouse.open(db) as wh:
        group = wh.grouped(size=50, seconds=60, on_done=lambda t, s, e: done.append((t, s, e)))
        for f, n in zip(files, notices, strict=True):
            group.add(n, Logged(str(f), 0.0), str(f))
        assert done == []  # nothing reported before the commit
        group.commit()
    assert [t for t, _, _ in done] == [str(f) for f in files]
    statuses = [s.status if s else None for _, s, _ in done]
    assert statuses == ["ingested", "ingested", "ingested", None, "ingested", "ingested"]
    error = done[3][2] or ""
    assert error.startswith(f"{files[3]}: cannot store: ConstraintException: ")
    reference = tmp_path / "reference.duckdb"
    ingest([f for i, f in enumerate(files) if i != 3], db=reference)
    assert contents(db)["tasks"] == contents(reference)["tasks"]
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM notices").fetchone() == (5,)
        logged = con.execute("SELECT file, status FROM v_ingest_log ORDER BY file").fetchall()
    finally:
        con.close()
    assert logged == sorted(
        (str(f), "failed" if i == 3 else "ingested") for i, f in enumerate(files)
    )


def test_a_notice_whose_links_fail_fails_alone(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure while a notice is staged (here its year links) leaves nothing of it in the
    group; the other notices of the group are stored with their links."""
    files = write(tmp_path / "batch", 30)
    target = parse(files[7]).notice_id
    calls: list[int] = []
    real_stage = links.Linker.stage

    def stage(
        self: links.Linker, notice_id: str, place: links.SeriesRow, texts: list[TaskText]
    ) -> None:
        if notice_id == target:
            calls.append(1)
            raise RuntimeError("alignment broke")
        real_stage(self, notice_id, place, texts)

    monkeypatch.setattr(links.Linker, "stage", stage)
    report = ingest(files, db=db, options=Options(group_size=50, group_seconds=60))
    assert calls == [1]
    assert [r.status for r in report.results].count("ingested") == 29
    (failed,) = report.failed
    assert failed.path == str(files[7])
    assert failed.error == f"{files[7]}: cannot store: RuntimeError: alignment broke"
    monkeypatch.undo()
    # the links of the 29 are those a fresh computation over them gives
    with Warehouse.open(db) as wh:
        kept = wh.sql("SELECT * FROM task_links ORDER BY ALL").fetchall()
        wh.relink()
        assert wh.sql("SELECT * FROM task_links ORDER BY ALL").fetchall() == kept


def test_a_group_is_committed_when_full_or_when_its_first_file_has_waited(
    db: Path, tmp_path: Path
) -> None:
    files = write(tmp_path / "batch", 5)
    notices = [parse(f) for f in files]
    done: list[str] = []
    with Warehouse.open(db) as wh:
        group = wh.grouped(size=3, seconds=60, on_done=lambda t, s, e: done.append(t))
        for f, n in zip(files[:3], notices[:3], strict=True):
            group.add(n, Logged(str(f), 0.0), str(f))
            assert group.due() == (len(done) == 0 and f == files[2])
        group.commit()
        assert done == [str(f) for f in files[:3]]
        waited = wh.grouped(size=50, seconds=0.0, on_done=lambda t, s, e: done.append(t))
        assert not waited.due()  # empty
        waited.add(notices[3], Logged(str(files[3]), 0.0), str(files[3]))
        assert waited.due()
        waited.commit()
        assert waited.paths == []
    assert done == [str(f) for f in files[:4]]


def test_a_ctrl_c_that_duckdb_takes_inside_a_commit_stops_the_batch(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB takes a Ctrl-C that lands inside a statement and fails the statement instead
    (no KeyboardInterrupt): inside a group's commit that read as the group failing, its
    notices stored again one by one (or reported unchanged when the COMMIT had gone
    through) and the batch went on to exit 0. It stops the batch as a KeyboardInterrupt,
    the group's notices not stored; the next run stores them."""
    import threading
    import time

    from warehouse import bulk

    files = write(tmp_path / "batch", 6)
    real_insert = bulk.insert

    def interrupted_insert(con: duckdb.DuckDBPyConnection, table: str, columns: Any) -> None:
        if table == "tasks":  # in a group's commit: a real statement really interrupted
            threading.Thread(target=lambda: (time.sleep(0.2), con.interrupt())).start()
            con.execute("SELECT count(*) FROM range(10000000000) t(x) WHERE x % 7 = 3").fetchall()
        real_insert(con, table, columns)

    monkeypatch.setattr(bulk, "insert", interrupted_insert)
    results: list[str] = []
    with pytest.raises(KeyboardInterrupt):
        ingest(
            files,
            db=db,
            options=Options(group_size=50),
            on_result=lambda r: results.append(r.status),
        )
    assert results == []  # nothing reported stored, nothing reported failed or unchanged
    monkeypatch.undo()
    report = ingest(files, db=db)
    assert [r.status for r in report.results] == ["ingested"] * len(files)


def test_the_real_ctrl_c_of_a_duckdb_statement_reads_as_an_interrupt() -> None:
    """What DuckDB raises when the process gets SIGINT inside a statement (in a process of
    its own: the signal is real) is what warehouse.errors.is_interrupt recognises."""
    import subprocess
    import sys

    code = (
        "import duckdb, os, signal, threading, time\n"
        "from warehouse.errors import is_interrupt\n"
        # Python's own handler, even where this test runs with SIGINT ignored (a background job)
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "con = duckdb.connect()\n"
        "ctrl_c = lambda: (time.sleep(0.3), os.kill(os.getpid(), signal.SIGINT))\n"
        "threading.Thread(target=ctrl_c).start()\n"
        "try:\n"
        "    con.execute('SELECT count(*) FROM range(10000000000) t(x) WHERE x % 7 = 3').fetchall()"
        "\nexcept Exception as exc:\n"
        "    print(type(exc).__name__, is_interrupt(exc))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split()[-1] == "True", run.stdout


def test_a_file_whose_first_migration_was_cut_off_is_made_a_warehouse(tmp_path: Path) -> None:
    """A first migration cut off by an older fengong left only an empty schema_migrations
    table (created before the migration's transaction): the file is taken as empty and made
    a warehouse, not refused as someone else's database."""
    db = tmp_path / "cut.duckdb"
    con = duckdb.connect(str(db))
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL)"
    )
    con.close()
    report = ingest([SEED], db=db)
    assert [r.status for r in report.results] == ["ingested"]
