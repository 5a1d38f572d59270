"""The warehouse for notebooks: tasks, assignments and notices as DuckDB relations.

    from pipeline import tasks, assignments, notices
    t = tasks(region="南沙区", year=2020, db="fengong.duckdb")
    t.df()                    # a pandas DataFrame
    t.to_arrow_table()        # a pyarrow Table (t.arrow() is a RecordBatchReader)
    t.filter("deadline is not null").order("deadline").df()
    tasks(unit="区政数局").join(assignments(unit="区政数局").project("task_id, role"), "task_id")

Each call reads the warehouse under a short read-only open and returns a relation over that
snapshot, held in one in-memory DuckDB shared by all calls (so relations of different calls
join). The notebook therefore never holds the warehouse's lock: `fengong ingest`, in another
process or in the same notebook, goes on working; call again to see what it stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # duckdb and the warehouse load on first use: `import pipeline` stays light
    import duckdb

    from warehouse import feeds
    from warehouse.store import Warehouse

_memory: duckdb.DuckDBPyConnection | None = None


def tasks(
    region: str | None = None,
    year: int | None = None,
    unit: str | None = None,
    *,
    since: dt.datetime | None = None,
    db: str | Path | Warehouse | None = None,
) -> duckdb.DuckDBPyRelation:
    """One row per task, in plan order: the notice's metadata, the task (key, text, section
    titles, deadline, clause), its units by role as lists (lead, co, responsible, coordinator,
    implementer, support), all its assignments as a list of structs, provenance, and when it
    was first seen and last changed — the columns of `fengong export --format csv`.

    region, year: the notice's. unit: a unit's name or any alias stored for it (区政数局);
    only the tasks that name it, in any role. A unit is a name within a region: the tasks of
    every region holding such a unit come (each row with its region; group by it), and an
    alias one region's notices printed finds that region's unit only (with region, only that
    region's). since (UTC): only the tasks changed after it, and those removed after it
    (status = 'removed')."""
    from warehouse import feeds

    return _snapshot(feeds.task_rows, db, region, year, unit, since)


def assignments(
    region: str | None = None,
    year: int | None = None,
    unit: str | None = None,
    *,
    db: str | Path | Warehouse | None = None,
) -> duckdb.DuckDBPyRelation:
    """One row per unit named in a task (v_assignments: org, org_raw, role, inherited,
    clause text, requirements) with the notice's region, year and plan title. With unit:
    that unit's assignments only, in every region holding such a unit (as for tasks)."""
    from warehouse import feeds

    return _snapshot(feeds.assignment_rows, db, region, year, unit, None)


def notices(
    region: str | None = None,
    year: int | None = None,
    unit: str | None = None,
    *,
    db: str | Path | Warehouse | None = None,
) -> duckdb.DuckDBPyRelation:
    """One row per notice (v_notices). With unit: the notices that name that unit."""
    from warehouse import feeds

    return _snapshot(feeds.notice_rows, db, region, year, unit, None)


def connection() -> duckdb.DuckDBPyConnection:
    """The in-memory DuckDB the relations live in: con.sql("select … from rel") works after
    con.register("rel", relation)."""
    import duckdb

    global _memory
    if _memory is None:
        _memory = duckdb.connect()
    return _memory


def _snapshot(
    query: Callable[[duckdb.DuckDBPyConnection, feeds.Filters], duckdb.DuckDBPyRelation],
    db: str | Path | Warehouse | None,
    region: str | None,
    year: int | None,
    unit: str | None,
    since: dt.datetime | None,
) -> duckdb.DuckDBPyRelation:
    from pipeline.api import default_db
    from pipeline.reading import filters, reading

    with reading(db if db is not None else default_db()) as wh:
        table = query(wh.con, filters(wh, region, year, unit, since)).to_arrow_table()
    return connection().from_arrow(table)
