"""The fengong command: a batch run as a real process like a user would (its exit code as the
shell sees it, the warehouse from FENGONG_DB), the rest in-process through click's CliRunner
(tests/conftest.cli: the same exit codes and streams, no interpreter start-up)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SEED, cli
from tests.conftest import fengong as run


def test_ingest_query_and_a_bad_file_in_one_batch(db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "broken.html"
    bad.write_bytes(b"")
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "seed.txt").write_bytes(SEED.read_bytes())
    (folder / "empty.txt").write_bytes(b"   \n")
    proc = run("ingest", str(folder), str(bad), "--db", str(db))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error")]
    hint = "(the download probably failed; fetch it again)"
    assert errors == [
        f"error {folder / 'empty.txt'}: empty file {hint}",
        f"error {bad}: empty file {hint}",
    ]
    assert "seed.txt: 43 tasks, 109 assignments" in proc.stdout
    assert "3 files: 1 ingested, 0 replaced, 0 unchanged, 0 kept, 2 failed" in proc.stderr

    proc = run(
        "query",
        "select status, count(*) n from v_ingest_log group by status order by 1",
        "--format",
        "csv",
        env={"FENGONG_DB": str(db)},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["status,n", "failed,2", "ingested,1"]


def test_a_path_not_there_fails_alone_and_the_batch_goes_on(db: Path, tmp_path: Path) -> None:
    """Paths on the command line that are not there (a pattern the shell left unexpanded, a
    moved file) or cannot be followed (a loop of links) fail one by one, each with what to
    do, while the others are stored; the batch exits 1. (Click refused the whole command for
    the first such path, storing nothing.)"""
    loop = tmp_path / "loop.txt"
    loop.symlink_to(tmp_path / "back.txt")
    (tmp_path / "back.txt").symlink_to(loop)
    missing = tmp_path / "2021*.txt"
    result = cli("ingest", str(missing), str(SEED), str(loop), "--db", str(db))
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert errors == [
        f"error {missing}: cannot read: No such file or directory (check the path; the batch "
        "goes on with the other files)",
        f"error {loop}: cannot read: Too many levels of symbolic links (a loop of symbolic "
        "links; point the link at the file)",
    ]
    assert "3 files: 1 ingested, 0 replaced, 0 unchanged, 0 kept, 2 failed" in result.stderr


def test_odd_entries_by_a_notices_name_in_a_folder_fail_alone(db: Path, tmp_path: Path) -> None:
    """In a folder, a FIFO and a link to nothing named like notices are reported, each with
    its reason, instead of left out without a word; a folder named like one is walked."""
    import os

    folder = tmp_path / "batch"
    (folder / "x.txt").mkdir(parents=True)
    (folder / "x.txt" / "seed.txt").write_bytes(SEED.read_bytes())
    os.mkfifo(folder / "a.txt")
    (folder / "b.txt").symlink_to(tmp_path / "gone.txt")
    result = cli("ingest", str(folder), "--db", str(db))
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert errors == [
        f"error {folder / 'a.txt'}: not a regular file: a named pipe (FIFO) (give fengong the "
        "notice's file itself)",
        f"error {folder / 'b.txt'}: cannot read: No such file or directory (check the path; "
        "the batch goes on with the other files)",
    ]
    assert "3 files: 1 ingested, 0 replaced, 0 unchanged, 0 kept, 2 failed" in result.stderr


def test_query_formats_and_errors(db: Path) -> None:
    assert cli("ingest", str(SEED), "--db", str(db), "-q").returncode == 0
    proc = cli(
        "query",
        "select task_key, deadline from v_tasks where deadline is not null order by task_key",
        "--db",
        str(db),
        "--format",
        "json",
    )
    assert json.loads(proc.stdout) == [
        {"task_key": "一.(二).2", "deadline": "2020-12-31"},
        {"task_key": "五.(三).4", "deadline": "2020-12-31"},
    ]
    proc = cli("query", "select nonsense from nowhere", "--db", str(db))
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: query failed: Catalog Error")
    assert len(proc.stderr.strip().splitlines()) == 1


def test_parse_prints_the_model_and_stores_nothing(tmp_path: Path) -> None:
    proc = cli("parse", str(SEED), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    notice = json.loads(proc.stdout)
    assert notice["schema_name"] == "fengong.Notice"
    assert len(notice["tasks"]) == 43
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("payload", [b"\x00\x01\x02garbage" * 50, b"PK\x03\x04truncated"])
def test_parse_refuses_bad_input_in_one_line(tmp_path: Path, payload: bytes) -> None:
    bad = tmp_path / "notice.txt"
    bad.write_bytes(payload)
    proc = cli("parse", str(bad))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert str(bad) in proc.stderr


def test_schema_is_a_json_schema_of_the_notice() -> None:
    proc = cli("schema")
    schema = json.loads(proc.stdout)
    assert schema["title"] == "Notice"
    assert schema["additionalProperties"] is False
    assert {"Task", "Assignment", "Clause", "Provenance"} <= set(schema["$defs"])


def test_an_error_with_a_hint_is_one_line_naming_the_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"  \n")
    proc = cli("parse", str(empty))
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        f"Error: {empty}: empty file (the download probably failed; fetch it again)"
    ]
    proc = cli("query", "select 1; select 2", "--db", str(tmp_path / "none.duckdb"))
    assert proc.returncode == 1 and len(proc.stderr.splitlines()) == 1
    assert "no warehouse here" in proc.stderr
