"""One unit's tasks year by year, in each region apart: what `fengong unit NAME` prints.

    histories = unit_histories(wh, "区政数局")                 # one UnitHistory per region
    [h] = unit_histories(wh, "区政数局", region="南沙区")

A unit is a name within a region (pipeline/regional_units.py): 花都区's 区政务服务数据管理局
and 南沙区's are two units, so a name held in several regions gives several histories, never
one merged list. `region` picks regions as every command does (南沙区 also names 广州市南沙区,
区 names none; a region not held is an error listing the regions held:
pipeline/reading.check_region).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.reading import FeedError, check_region
from pipeline.regional_units import RegionalUnit, close_names, find_units, regions_listed
from pipeline.regions import NO_REGION, region_label
from warehouse.plans import unit_rows
from warehouse.reader import Readable
from warehouse.regions import all_regions, region_matches, region_notices

ROW_COLUMNS = ["year", "region", "plan_title", "role", "task_key", "text", "inherited"]


class UnitNotFound(FeedError):
    """No unit of that name in the warehouse, or none in the regions asked for; the message
    is one line saying where it is held instead, or which names come close."""


@dataclass
class UnitHistory:
    """One unit in one region: its canonical name, the name asked for, the other names it
    was printed under, and one row per (task, role) — year, region, plan_title, role,
    task_key, text, inherited — by year and plan order. region: the region as shown
    (pipeline/regions.NO_REGION for notices that print none)."""

    org: str
    asked: str
    aliases: list[str]
    rows: list[dict[str, Any]]
    region: str = ""


def unit_histories(
    wh: Readable, name: str, region: str | None = None, unit_files: tuple[str, ...] = ()
) -> list[UnitHistory]:
    """The history of the unit `name` names in each region that holds one (by region), or
    in the regions `region` names. Raises FeedError when `region` names no region held, and
    UnitNotFound when no region asked for holds such a unit."""
    regions = check_region(wh, region) if region is not None else None
    found = find_units(wh.con, name, unit_files, regions)
    if not found:
        raise _not_found(wh, name, region, unit_files)
    return [_history(wh, unit, name) for unit in found]


def unit_history(
    wh: Readable, name: str, region: str | None = None, unit_files: tuple[str, ...] = ()
) -> UnitHistory:
    """The history of the one unit `name` names (in `region`, if given). Raises
    UnitNotFound when none is held, and when several regions hold one, saying which (call
    unit_histories for all of them, or pass the region)."""
    histories = unit_histories(wh, name, region, unit_files)
    if len(histories) > 1:
        pick = "region={!r}"
        raise UnitNotFound(
            f"{name}: {several_regions(wh, histories, pick)} (unit_histories lists them all)"
        )
    return histories[0]


def several_regions(wh: Readable, histories: list[UnitHistory], pick: str = "--region {}") -> str:
    """What to say when a name is held in several regions: which, and how to pick one —
    `pick` with a region whose name picks it alone (广州市南沙区 where 南沙区 would pick both
    forms of the region)."""
    held = all_regions(wh.con)
    alone = [
        h.region
        for h in histories
        if h.region != NO_REGION and sum(region_matches(r, h.region) for r in held) == 1
    ]
    listed = "、".join(h.region for h in histories)
    how = f"; {pick.format(alone[0])} picks one" if alone else ""
    return f"held in {len(histories)} regions ({listed}), each its own unit{how}"


def _history(wh: Readable, unit: RegionalUnit, asked: str) -> UnitHistory:
    # the unit's region's notices, then their rows by the notice_id indexes
    ids = [n.notice_id for n in region_notices(wh.con, [unit.region])]
    rows = unit_rows(wh.con, ids, unit.names)
    listed = [dict(zip(ROW_COLUMNS, r, strict=True)) for r in rows]
    for row in listed:
        row["region"] = region_label(row["region"])
    return UnitHistory(unit.org, asked, list(unit.aliases), listed, unit.region_label)


def _not_found(
    wh: Readable, name: str, region: str | None, unit_files: tuple[str, ...]
) -> UnitNotFound:
    if region is not None:
        elsewhere = find_units(wh.con, name, unit_files)
        if elsewhere:
            return UnitNotFound(
                f"{name}: no such unit in {region} in {wh.path} "
                f"(held in {regions_listed(elsewhere)})"
            )
    close = close_names(wh.con, name)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return UnitNotFound(f"{name}: no such unit in the warehouse{hint}")
