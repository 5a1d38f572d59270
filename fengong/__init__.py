"""fengong: Chinese government work-plan notices (分工方案) as structured data.

The public package. Behind it are the four parts of the layout — ``parsers`` (one reader per
format and the structure stage), ``schemas`` (the pydantic models), ``warehouse`` (DuckDB)
and ``pipeline`` (the library calls and the command line) — which stay importable, but only
the names below are the supported interface.

    import fengong

    notice = fengong.parse("notice.html")           # a fengong.Notice, nothing stored
    report = fengong.ingest(["notices/"], db="fengong.duckdb")
    fengong.tasks(region="南沙区", year=2020, db="fengong.duckdb").df()
    fengong.export("fengong.duckdb", "台账.xlsx", "xlsx")
    d = fengong.diff("南沙区", 2020, 2021, db="fengong.duckdb")

Every error fengong raises for a user is a ``fengong.FengongError`` (``reason``, ``hint``;
``str()`` is the one line the command line prints).

``ingest`` parses in the calling process unless ``Options(jobs=N)`` asks for worker
processes, so it works unchanged in a plain script without an ``if __name__ == "__main__"``
guard, in ``python -`` and in Jupyter. The command line (``fengong ingest``) uses one worker
per CPU.

Heavy parts (DuckDB, pyarrow, the feed writers, the comparison) load on first use:
``import fengong`` costs what ``import pydantic`` does.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from pipeline.api import FileResult, IngestReport, Options, default_db, ingest, parse
from pipeline.frames import assignments, notices, tasks
from schemas import Assignment, Notice, Role, Section, Task
from schemas.errors import FengongError

if TYPE_CHECKING:
    from pipeline.compare import Diff
    from pipeline.export import ExportResult, export
    from pipeline.notices import NoticeListing, list_notices, remove_notice
    from pipeline.unit_history import UnitHistory
    from pipeline.units import UnitListing, list_units
    from schemas.export import TaskRecord
    from warehouse.store import Warehouse

# name → "module:attribute", imported when first asked for
_LAZY = {
    "export": "pipeline.export:export",
    "ExportResult": "pipeline.export:ExportResult",
    "list_units": "pipeline.units:list_units",
    "list_notices": "pipeline.notices:list_notices",
    "remove_notice": "pipeline.notices:remove_notice",
    "NoticeListing": "pipeline.notices:NoticeListing",
    "UnitListing": "pipeline.units:UnitListing",
    "Diff": "pipeline.compare:Diff",
    "UnitHistory": "pipeline.unit_history:UnitHistory",
    "TaskRecord": "schemas.export:TaskRecord",
    "Warehouse": "warehouse.store:Warehouse",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name].split(":")
        value = getattr(import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'fengong' has no attribute {name!r}")


def diff(
    region: str,
    year_from: int | None = None,
    year_to: int | None = None,
    *,
    db: str | None = None,
) -> Diff:
    """Two years of a region's plans compared (what ``fengong diff`` prints): ``.pairs``
    (linked tasks, reworded or not), ``.added``, ``.removed``, ``.owner_changes``. Without
    years, the latest two held. Raises ``pipeline.compare.CompareError`` when a year or the
    region is not held."""
    from pipeline.compare import compare
    from pipeline.reading import reading

    with reading(db or default_db()) as wh:
        return compare(wh, region, year_from, year_to)


def unit(
    name: str, region: str | None = None, *, db: str | None = None, unit_files: tuple[str, ...] = ()
) -> UnitHistory:
    """One unit's tasks, year by year (what ``fengong unit`` prints); ``name`` may be an
    alias or abbreviation (区政数局). ``.org``, ``.region``, ``.aliases``, ``.rows`` (dicts of
    year, region, plan_title, role, task_key, text, inherited). A unit is a name within a
    region: when several regions hold a unit of this name, pass ``region`` or call
    ``unit_histories``. Raises ``pipeline.unit_history.UnitNotFound`` (no such unit, or
    several regions hold one) and ``pipeline.reading.FeedError`` (a region not held)."""
    from pipeline.reading import reading
    from pipeline.unit_history import unit_history

    with reading(db or default_db()) as wh:
        return unit_history(wh, name, region, unit_files)


def unit_histories(
    name: str, region: str | None = None, *, db: str | None = None, unit_files: tuple[str, ...] = ()
) -> list[UnitHistory]:
    """The history of the unit ``name`` names in each region that holds one, each region
    apart (what ``fengong unit`` lists when several regions hold the name), by region."""
    from pipeline.reading import reading
    from pipeline.unit_history import unit_histories as histories

    with reading(db or default_db()) as wh:
        return histories(wh, name, region, unit_files)


def report(d: Diff) -> str:
    """The HTML report of a comparison (``fengong diff --html``) as one self-contained page."""
    from pipeline.report import render

    return render(d)


__all__ = [
    "Assignment",
    "Diff",
    "ExportResult",
    "FengongError",
    "FileResult",
    "IngestReport",
    "Notice",
    "NoticeListing",
    "Options",
    "Role",
    "Section",
    "Task",
    "TaskRecord",
    "UnitHistory",
    "UnitListing",
    "Warehouse",
    "assignments",
    "default_db",
    "diff",
    "export",
    "ingest",
    "list_notices",
    "list_units",
    "notices",
    "parse",
    "remove_notice",
    "report",
    "tasks",
    "unit",
    "unit_histories",
]
