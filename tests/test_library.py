"""`import fengong` from a user's own Python: a plain script with no __main__ guard, the same
script piped to `python -`, and `python -c`, each a real interpreter process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEED, query

SCRIPT = """\
import fengong

print("script body ran")
report = fengong.ingest([{folder!r}], db={db!r}{options})
print(report.count("ingested"), report.count("unchanged"), len(report.failed))
notice = fengong.parse({seed!r})
print(len(notice.tasks), len(fengong.tasks(db={db!r}).df()))
"""


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    """Twelve files (enough for a batch that would use worker processes): the seed, and the
    same notice eleven times more."""
    folder = tmp_path / "notices"
    folder.mkdir()
    for i in range(12):
        (folder / f"n{i:02}.txt").write_bytes(SEED.read_bytes())
    return folder


def _script(batch: Path, db: Path, options: str = "") -> str:
    return SCRIPT.format(folder=str(batch), db=str(db), seed=str(SEED), options=options)


def _check(proc: subprocess.CompletedProcess[str], db: Path) -> None:
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    # the body ran once: no worker re-ran the unguarded script
    assert proc.stdout.splitlines() == ["script body ran", "1 11 0", "43 43"]
    assert query(db, "select count(*) from v_tasks") == [(43,)]


def test_a_plain_script_without_a_main_guard(batch: Path, tmp_path: Path) -> None:
    script = tmp_path / "mine.py"
    db = tmp_path / "w.duckdb"
    script.write_text(_script(batch, db), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    _check(proc, db)


def test_the_script_piped_to_python_stdin(batch: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    proc = subprocess.run(
        [sys.executable, "-"],
        input=_script(batch, db),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    _check(proc, db)


@pytest.mark.parametrize("how", ["file", "stdin", "-c"])
def test_asked_for_workers_they_never_rerun_the_caller(
    how: str, batch: Path, tmp_path: Path
) -> None:
    """Options(jobs=2): the batch is parsed by worker processes, which start without the
    caller's __main__, so an unguarded script, stdin and -c all work."""
    db = tmp_path / "w.duckdb"
    code = _script(batch, db, ", options=fengong.Options(jobs=2)")
    script = tmp_path / "mine.py"
    script.write_text(code, encoding="utf-8")
    args = {"file": [str(script)], "stdin": ["-"], "-c": ["-c", code]}[how]
    proc = subprocess.run(
        [sys.executable, *args],
        input=code if how == "stdin" else None,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    _check(proc, db)


def test_the_public_names() -> None:
    import fengong

    for name in ("parse", "ingest", "tasks", "assignments", "notices", "export", "diff"):
        assert callable(getattr(fengong, name)), name
    for name in ("unit", "report", "list_units"):
        assert callable(getattr(fengong, name)), name
    assert fengong.Options().jobs == 0  # the library parses in the calling process
    with pytest.raises(fengong.FengongError, match=r"no warehouse here \(run fengong ingest"):
        fengong.list_notices("/nonexistent/w.duckdb")
