from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
GOLD = ROOT / "tests" / "gold"
SEED = SAMPLES / "000_5d162360d2d8264b.txt"
FENGONG = [sys.executable, "-m", "pipeline.cli"]


def fengong(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The fengong command as a real process, its output captured as text."""
    return subprocess.run(
        [*FENGONG, *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


@dataclass(frozen=True)
class Ran:
    """What a fengong command gave back: its exit code and its two output streams."""

    returncode: int
    stdout: str
    stderr: str


def cli(
    *args: str,
    env: dict[str, str] | None = None,
    input: str | None = None,
    cwd: Path | None = None,
) -> Ran:
    """The fengong command run in this process through click's CliRunner (no interpreter
    start-up): the same exit code and the same two streams as `fengong` gives, for tests where
    a real process adds nothing. An exception the command does not turn into an error line
    fails the test (the real command would print a traceback)."""
    from pipeline.cli import main

    with contextlib.chdir(cwd or Path.cwd()):
        result = CliRunner().invoke(main, list(args), env=env, input=input, catch_exceptions=False)
    return Ran(result.exit_code, result.stdout, result.stderr)


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    """Rows of one query on a warehouse file, opened read-only and closed again."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A real DuckDB file, fresh for each test."""
    return tmp_path / "warehouse.duckdb"


def copy_of(built: Path, to: Path) -> Path:
    """A copy, at `to`, of a warehouse file a module fixture built once (its notices parsed
    and stored once for the module, not once per test): a real DuckDB file of the test's own,
    which the test may write to without touching the next test's."""
    assert not Path(f"{built}.wal").exists(), "the built warehouse was left open"
    shutil.copyfile(built, to)
    return to


def snapshot(db: Path, skip: tuple[str, ...] = ()) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of a warehouse file (sorted), tables in `skip` left out:
    equal before and after means nothing stored changed."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute(
            "select table_name from duckdb_tables() where not temporary order by 1"
        ).fetchall()
        return {
            t: sorted(con.execute(f'select * from "{t}"').fetchall(), key=repr)
            for (t,) in tables
            if t not in skip
        }
    finally:
        con.close()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Counts the clause corpus's score from each test's report (in the process that reports:
    the only one under pytest-xdist, whose workers send their reports to it)."""
    if report.when != "call":
        return
    from tests import test_clause_corpus

    for name, value in report.user_properties:
        if name == test_clause_corpus.SCORE_PROPERTY:
            kind, ok = value
            test_clause_corpus.SCORES[kind, bool(ok)] += 1


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The clause corpus's score per phrasing kind, when it ran."""
    from tests import test_clause_corpus

    lines = test_clause_corpus.score_lines()
    if lines:
        terminalreporter.section("clause corpus, per phrasing kind")
        for line in lines:
            terminalreporter.write_line(line)
