from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
GOLD = ROOT / "tests" / "gold"
SEED = SAMPLES / "000_5d162360d2d8264b.txt"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A real DuckDB file, fresh for each test."""
    return tmp_path / "warehouse.duckdb"
