from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

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
