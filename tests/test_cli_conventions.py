"""The command line's conventions: usage errors exit 2, SQL from standard input or a file, one
rule for CSV values, regions matched at name boundaries and an unknown region named with the
regions held; and the Makefile's early stop below Python 3.11 (every --help's example:
tests/test_docs.py)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline.cli import main
from tests.conftest import ROOT, SEED, copy_of
from tests.small_notices import write_conghua


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.fixture(scope="module")
def two_regions_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("two-regions")
    db = tmp / "w.duckdb"
    result = run("ingest", str(SEED), str(write_conghua(tmp)), "--db", str(db), "-q")
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def two_regions(two_regions_once: Path, tmp_path: Path) -> Path:
    """The seed and a notice of another region stored (the test's own copy)."""
    return copy_of(two_regions_once, tmp_path / "w.duckdb")


def test_usage_errors_exit_2(two_regions: Path) -> None:
    for args in (
        ["query"],  # no SQL
        ["query", "select 1", "--file", "-"],  # two sources
        ["query", "select 1", "--format", "xml"],
        ["export", "--format", "parquet", "--out", "-"],
        ["export", "--format", "csv", "--out", "x.csv", "--unit-sheets"],
        ["diff"],
        ["nonsense"],
    ):
        result = run(*args, "--db", str(two_regions))
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output


def test_query_reads_sql_from_stdin_and_from_a_file(two_regions: Path, tmp_path: Path) -> None:
    sql = "select region, year from v_notices order by year"
    expected = [{"region": "南沙区", "year": 2020}, {"region": "从化区", "year": 2022}]
    result = run("query", "-", "--format", "json", "--db", str(two_regions), input=sql)
    assert json.loads(result.stdout) == expected
    script = tmp_path / "q.sql"
    script.write_text(sql, encoding="utf-8")
    result = run("query", "--file", str(script), "--format", "jsonl", "--db", str(two_regions))
    assert [json.loads(line) for line in result.stdout.splitlines()] == expected
    result = run("query", sql, "--format", "markdown", "--db", str(two_regions))
    assert result.stdout.splitlines() == [
        "| region | year |",
        "|---|---|",
        "| 南沙区 | 2020 |",
        "| 从化区 | 2022 |",
    ]


def test_csv_values_are_iso_and_json_never_python(two_regions: Path) -> None:
    result = run(
        "query",
        "select date '2020-12-31' as d, timestamp '2020-12-31 08:00:00' as t, true as b, "
        "null as n, ['甲', '乙'] as l, {'k': 1} as s, 1.5 as f",
        "--format",
        "csv",
        "--db",
        str(two_regions),
    )
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows == [
        ["d", "t", "b", "n", "l", "s", "f"],
        ["2020-12-31", "2020-12-31T08:00:00", "true", "", '["甲", "乙"]', '{"k": 1}', "1.5"],
    ]


def test_regions_match_at_name_boundaries_and_unknown_ones_are_named(
    two_regions: Path, tmp_path: Path
) -> None:
    out = tmp_path / "t.csv"
    for region in ("北京市", "区", "沙区"):
        for args in (
            ["export", "--format", "csv", "--out", str(out), "--region", region],
            ["diff", "--region", region],
            ["unit", "区政数局", "--region", region],
        ):
            result = run(*args, "--db", str(two_regions))
            assert result.exit_code == 1, args
            assert result.stderr.splitlines() == [
                f"Error: no region '{region}' in {two_regions} (regions held: 从化区、南沙区)"
            ], args
    assert not out.exists()
    result = run(
        "export", "--format", "csv", "--out", "-", "--region", "南沙区", "--db", str(two_regions)
    )
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 44


def test_the_makefile_stops_early_below_python_311(tmp_path: Path) -> None:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    old = tmp_path / "python3.10"
    old.write_text(
        '#!/bin/sh\ncase "$1" in -V) echo "Python 3.10.12";; -c) exit 1;; *) exit 3;; esac\n',
        encoding="utf-8",
    )
    old.chmod(0o755)
    venv = tmp_path / "venv"
    proc = subprocess.run(
        [make, "-C", str(ROOT), "install", f"PYTHON={old}", f"VENV={venv}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert "fengong needs Python 3.11 or newer" in proc.stderr
    assert "Python 3.10.12" in proc.stderr
    assert not venv.exists()  # stopped before making a broken .venv
