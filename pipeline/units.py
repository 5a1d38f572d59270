"""The unit registry as the warehouse has met it: every unit named in an ingested notice, in
its region, with the names it was printed under, how often it holds each role, and the
notices it appears in.

    from pipeline.units import list_units
    for u in list_units("fengong.duckdb", unit_files=("my-units.json",), region="南沙区"):
        print(u.region, u.org, u.aliases, u.roles, u.notices)

A unit is a name within a region (pipeline/regional_units.py): 花都区's 区政务服务数据管理局
and 南沙区's are two listings, each with its own counts. A user's unit file (the shape of
parsers/data/units.json) renames and aliases units: within each region, a notice ingested
before the file existed is listed under the new name too, so the listing never splits one
bureau in two after a reform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from parsers.units import load_registry
from pipeline.reading import check_region, reading
from pipeline.regional_units import RegionalUnit, held_units
from pipeline.regions import region_label
from schemas.roles import ROLES, Role
from warehouse.reader import Readable


@dataclass
class UnitListing:
    """One unit in one region. region: the notices' region (pipeline/regions.NO_REGION for
    notices that print none); None only for a unit a unit file names that no notice has
    named yet."""

    org: str  # the canonical name
    aliases: list[str] = field(default_factory=list)  # printed forms, second plates, old names
    collective: bool = False  # 各镇街, 区各单位…
    roles: dict[Role, int] = field(default_factory=dict)  # assignments by role
    notices: list[dict[str, object]] = field(default_factory=list)  # id, region, year, title
    registered: bool = False  # named in a unit file (the user's or the built-in one)
    region: str | None = None

    def row(self) -> dict[str, object]:
        """A flat row for tables and CSV: roles as columns, lists joined."""
        return {
            "org": self.org,
            "region": self.region,
            "aliases": "、".join(self.aliases),
            "collective": self.collective,
            **{role: self.roles.get(role, 0) for role in ROLES},
            "notices": "; ".join(
                " ".join(str(n[k]) for k in ("region", "year") if n[k]) for n in self.notices
            ),
        }


COLUMNS = ["org", "region", "aliases", "collective", *ROLES, "notices"]

_ROLES = """
SELECT n.region, a.org, a.role, count(*)
FROM assignments a JOIN notices n USING (notice_id)
GROUP BY ALL
"""
_NOTICES = """
SELECT DISTINCT n.region, a.org, n.notice_id, n.year, coalesce(n.plan_title, n.title)
FROM assignments a JOIN notices n USING (notice_id)
ORDER BY n.year, n.region, n.notice_id
"""


def list_units(
    db: str | Path | Readable,
    unit_files: tuple[str, ...] = (),
    lock_timeout: float = 60.0,
    region: str | None = None,
) -> list[UnitListing]:
    """Every unit in the warehouse, one listing per region and canonical name (names merged
    by the registry and `unit_files` within each region), by region then name; then the
    units the unit files name that no notice has used yet (region None). `region`: only the
    regions it names (南沙区 also names 广州市南沙区; a region not held raises FeedError
    listing the regions held, as every command does). Raises FeedError when there is no
    warehouse at `db`, WarehouseError when it cannot be read."""
    registry = load_registry(Path(p) for p in unit_files)
    with reading(db, lock_timeout) as wh:
        regions = check_region(wh, region) if region is not None else None
        held = held_units(wh.con, unit_files, regions)
        roles = wh.con.execute(_ROLES).fetchall()
        notices = wh.con.execute(_NOTICES).fetchall()
    listings = {(u.region, u.org): _listing(u) for u in held}
    for reg, org, role, n in roles:
        unit = listings.get((reg, registry.canonical(org)))
        if unit is not None:
            unit.roles[role] = unit.roles.get(role, 0) + int(n)
    for reg, org, notice_id, year, title in notices:
        unit = listings.get((reg, registry.canonical(org)))
        if unit is not None and all(n["notice_id"] != notice_id for n in unit.notices):
            unit.notices.append(
                {"notice_id": notice_id, "region": reg, "year": year, "plan_title": title}
            )
    unmet: list[UnitListing] = []
    for name, names in registry.entries.items():
        if not unit_files or load_registry().entries.get(name) == names:
            continue  # the built-in registry's own entries show only when met
        met = [u for (_, org), u in listings.items() if org == name]
        if not met and region is None:
            met = [UnitListing(org=name)]
            unmet += met
        for unit in met:
            unit.registered = True
            unit.aliases += [a for a in names if a not in unit.aliases and a != unit.org]
    return [*listings.values(), *sorted(unmet, key=lambda u: u.org)]


def _listing(unit: RegionalUnit) -> UnitListing:
    return UnitListing(
        org=unit.org,
        aliases=list(unit.aliases),
        collective=unit.collective,
        region=region_label(unit.region),
    )
