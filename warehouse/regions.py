"""Which regions a name asked for names, and their notices, read without the feeds' machinery.

    named_regions(con, "南沙区")   # ["广州市南沙区", "南沙区"]: the regions held it names
    region_notices(con, ["南沙区"])  # their notices: notice_id, region, year, titles, file

A region asked for names a region held when it is the same, or when the held one ends with it
right after a place-name level (广州市南沙区 for 南沙区); 区, 沙区 or 南沙 name none. The feeds
(warehouse/feeds.py) apply the same rule in SQL, with the same REGION_LEVELS.

Each function reads the notices' region column once (one column of the smallest table); the
tables of tasks and units are then read by their notice_id indexes (warehouse/plans.py), so a
command's cost follows the region's size, not the warehouse's (issue 16).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import duckdb

# A place-name level that may stand before a region asked for: 广州市|南沙区, 广东省|广州市.
REGION_LEVELS = "省市州盟县区旗"


def region_matches(held: str | None, asked: str) -> bool:
    """Whether the region `asked` names the region `held`: the same, or `held` ends with it
    right after a place-name level (广州市南沙区 for 南沙区). 区, 沙区 or 南沙 name no region:
    a match never starts inside a name."""
    if held is None:
        return False
    if held == asked:
        return True
    rest = held[: -len(asked)] if len(asked) >= 2 and held.endswith(asked) else ""
    return rest[-1:] != "" and rest[-1] in REGION_LEVELS


def all_regions(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The regions of the notices held, in order (what an error lists)."""
    rows = con.execute(
        "SELECT DISTINCT region FROM notices WHERE region IS NOT NULL ORDER BY region"
    ).fetchall()
    return [str(r[0]) for r in rows]


def named_regions(con: duckdb.DuckDBPyConnection, asked: str) -> list[str]:
    """The regions held that `asked` names, in order; [] when it names none."""
    rows = con.execute(
        "SELECT DISTINCT region FROM notices WHERE ends_with(region, $asked) ORDER BY region",
        {"asked": asked},
    ).fetchall()
    return [str(r[0]) for r in rows if region_matches(str(r[0]), asked)]


@dataclass(frozen=True)
class RegionNotice:
    """A notice of a region, as v_notices holds it."""

    notice_id: str
    region: str | None
    year: int | None
    plan_title: str | None
    source_path: str | None


def region_notices(
    con: duckdb.DuckDBPyConnection, regions: Iterable[str | None]
) -> list[RegionNotice]:
    """The notices of these stored regions (None: the notices that print none), by year
    (none last) and notice_id."""
    wanted = list(regions)
    rows = con.execute(
        "SELECT notice_id, region, year, plan_title, source_path FROM notices "
        "WHERE list_contains($regions, region) OR ($none AND region IS NULL) "
        "ORDER BY year NULLS LAST, notice_id",
        {"regions": [r for r in wanted if r is not None], "none": None in wanted},
    ).fetchall()
    return [RegionNotice(*r) for r in rows]
