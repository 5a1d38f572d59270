"""The commands that only read the warehouse (issue 16, start-up and flat reads): `fengong diff`,
`fengong unit` and `fengong query`, run as real processes, load neither the parsers, the
pydantic models, numpy, pyarrow nor the writer (and `fengong parse` no DuckDB); what they read
of a region comes from that region's notices through the notice_id indexes, with the answers
the views give."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipeline import ingest
from tests.conftest import SAMPLES, SEED
from warehouse import regions
from warehouse.plans import plan_tasks, stored_links, unit_rows

NANSHA_2021 = SAMPLES / "constructed" / "nansha-2021.txt"

# What a read command must not load: each costs 0.05-0.3 s of a start on this machine.
HEAVY = {
    "pydantic",
    "numpy",
    "pyarrow",
    "pandas",
    "spacy",
    "jinja2",
    "schemas.notice",
    "parsers.blocks",
    "parsers.readers",
    "pipeline.api",
    "pipeline.parsing",
    "warehouse.store",
    "warehouse.links",
    "warehouse.align",
    "warehouse.feeds",
}

RUN = """
import json, sys
from pipeline.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def loaded_by(*args: str) -> tuple[str, set[str]]:
    """The standard output of a fengong command run in a fresh interpreter, and the modules
    it had loaded when it ended."""
    run = subprocess.run(
        [sys.executable, "-c", RUN, *args], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    return run.stdout, set(json.loads(run.stderr.strip().splitlines()[-1]))


@pytest.fixture
def two_years(db: Path) -> Path:
    report = ingest([SEED, NANSHA_2021], db=db)
    assert [r.status for r in report.results] == ["ingested", "ingested"]
    return db


@pytest.mark.parametrize(
    ("args", "printed"),
    [
        (("diff", "--region", "南沙区"), "38 tasks carried over (12 reworded)"),
        (("diff", "--region", "南沙区", "--format", "csv"), "owner_changed,2020,2021"),
        (("unit", "区政数局", "--region", "南沙区"), "区政务服务数据管理局"),
        (("unit", "区政数局", "--format", "json"), '"org": "区政务服务数据管理局"'),
        (("query", "select count(*) from v_notices", "--format", "csv"), "2"),
    ],
)
def test_read_commands_load_no_parser_model_or_writer(
    two_years: Path, args: tuple[str, ...], printed: str
) -> None:
    out, modules = loaded_by(*args, "--db", str(two_years))
    assert printed in out
    assert not HEAVY & modules, sorted(HEAVY & modules)


def test_parse_loads_no_warehouse() -> None:
    """`fengong parse` stores nothing: neither DuckDB nor the commands that read the
    warehouse are loaded (README, Speed and memory)."""
    out, modules = loaded_by("parse", str(SEED))
    assert json.loads(out)["tasks"]
    loaded = {"duckdb", "pyarrow", "pipeline.reading", "warehouse.reader", "warehouse.store"}
    assert not loaded & modules, sorted(loaded & modules)


def loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running `code`."""
    code += "; import json, sys; print(json.dumps(sorted(sys.modules)))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return set(json.loads(run.stdout))


def test_parser_workers_preload_no_writer_libraries() -> None:
    """What the fork server imports before it forks each parser worker (workers.PRELOAD: the
    parsers and the row builder) holds neither DuckDB, numpy, pyarrow nor pandas: those are
    the writer's, and each would add to every batch's start before its first file is read."""
    modules = loaded_after(
        "import importlib; from pipeline.workers import PRELOAD; "
        "[importlib.import_module(m) for m in PRELOAD]"
    )
    assert "warehouse.rows" in modules and "parsers.structure" in modules
    writer = {"duckdb", "numpy", "pyarrow", "pandas", "scipy", "warehouse.store"}
    assert not writer & modules, sorted(writer & modules)


def test_a_batch_starts_its_fork_server_before_it_loads_the_models() -> None:
    """What api.ingest imports before it starts the parser workers' fork server (the batch
    API, the workers' module and their preload list) holds no pydantic model: the models
    (~0.1 s) load in the server and in the writer while the other starts."""
    modules = loaded_after("import pipeline.api, pipeline.workers")
    models = {"pydantic", "schemas.notice", "parsers.blocks", "duckdb"}
    assert not models & modules, sorted(models & modules)


def test_a_pair_not_compared_on_ingest_is_aligned_on_the_fly(db: Path, tmp_path: Path) -> None:
    """2020 against 2022 was never compared on ingest (2021 is between): aligned on the fly,
    which alone loads the aligner."""
    text = NANSHA_2021.read_text(encoding="utf-8")
    later = tmp_path / "nansha-2022.txt"
    later.write_text(text.replace("2021", "2022"), encoding="utf-8")
    report = ingest([SEED, NANSHA_2021, later], db=db)
    assert [r.status for r in report.results] == ["ingested"] * 3
    out, modules = loaded_by(
        "diff", "--region", "南沙区", "--from", "2020", "--to", "2022", "--db", str(db)
    )
    assert "南沙区 2020 → 2022: 38 tasks carried over (12 reworded)" in out
    assert "warehouse.align" in modules


@pytest.mark.parametrize(
    ("held", "asked", "named"),
    [
        ("南沙区", "南沙区", True),
        ("广州市南沙区", "南沙区", True),
        ("广东省广州市", "广州市", True),
        ("广州市南沙区", "区", False),
        ("广州市南沙区", "沙区", False),
        ("南沙区", "南沙", False),
        ("湖南沙区", "南沙区", False),
        (None, "南沙区", False),
    ],
)
def test_a_region_is_named_at_a_level(held: str | None, asked: str, named: bool) -> None:
    assert regions.region_matches(held, asked) is named


def test_plan_tasks_give_the_task_owners_view_and_sections(two_years: Path) -> None:
    con = duckdb.connect(str(two_years), read_only=True)
    try:
        for (notice_id,) in con.execute("SELECT notice_id FROM notices").fetchall():
            view = {
                key: (list(owners), [dict(r) for r in roles])
                for key, owners, roles in con.execute(
                    "SELECT task_key, owners, roles FROM task_owners WHERE notice_id = ?",
                    [notice_id],
                ).fetchall()
            }
            sections = con.execute(
                """
                SELECT t.task_key, t.text, coalesce(concat_ws(' / ', top.title, sub.title), '')
                FROM tasks t
                LEFT JOIN sections top ON top.notice_id = t.notice_id
                     AND top.section_key = split_part(t.section_key, '.', 1)
                LEFT JOIN sections sub ON sub.notice_id = t.notice_id
                     AND sub.section_key = t.section_key AND sub.level = 2
                WHERE t.notice_id = ? ORDER BY t.ord
                """,
                [notice_id],
            ).fetchall()
            got = plan_tasks(con, notice_id)
            assert [(k, text, sec) for k, text, sec, _, _ in got] == sections
            assert {k: (o, r) for k, _, _, o, r in got} == view
            assert any(o for _, _, _, o, _ in got) and any(len(o) > 1 for *_, o, _ in got)
    finally:
        con.close()


def _scans(profile: Path) -> list[tuple[str, str]]:
    """(table, scan type) of every table scan in DuckDB's JSON profile of a query."""
    found: list[tuple[str, str]] = []

    def walk(node: dict[str, Any]) -> None:
        info = node.get("extra_info", {})
        if node.get("type") == "TABLE_SCAN" and "Table" in info:
            found.append((info["Table"].split(".")[-1], info.get("Type", "")))
        for child in [*node.get("children", []), *node.get("operator", [])]:
            walk(child)

    walk(json.loads(profile.read_text(encoding="utf-8")))
    return found


def test_a_units_rows_and_a_pairs_links_are_read_by_the_index(
    two_years: Path, tmp_path: Path
) -> None:
    """No read of the whole tasks, assignments or task_links tables: each is read by its
    notice_id index for the notices asked for, so the cost follows the region's size."""
    con = duckdb.connect(str(two_years), read_only=True)
    profile = tmp_path / "profile.json"
    try:
        ids = [n.notice_id for n in regions.region_notices(con, ["南沙区"])]
        pair = con.execute("SELECT from_notice_id, to_notice_id FROM task_link_pairs").fetchone()
        assert len(ids) == 2 and pair is not None
        con.execute("PRAGMA enable_profiling = 'json'")
        con.execute(f"PRAGMA profiling_output = '{profile}'")
        rows = unit_rows(con, ids, ["区政务服务数据管理局"])
        assert rows and _scans(profile) and all(t == "Index Scan" for _, t in _scans(profile))
        links = stored_links(con, *pair)
        assert links and _scans(profile) == [("task_links", "Index Scan")]
    finally:
        con.close()
