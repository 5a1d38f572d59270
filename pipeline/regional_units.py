"""Units as the warehouse holds them: a unit is a name within a region.

Five districts each have a 区卫生健康局; they are five units, never one. Every reader of
units — `fengong units`, `fengong unit NAME`, `export --unit`, the ledger's unit sheets and
the notebook API's ``unit=`` — goes through this module, so none of them adds up different
regions' bureaus.

    units = held_units(con, unit_files=("renames.json",))   # every (region, unit)
    found = find_units(con, "区政数局")                      # the unit so named, per region

A unit's region is its notices' region as stored (``v_notices.region``; None for a notice that
printed none, shown as pipeline/regions.NO_REGION). Within a region, the names its rows are
stored under are merged by the unit registry (parsers/data/units.json and the user's unit
files): a unit file that renames 区政务服务数据管理局 to 区政务和数据局 makes the rows stored
under either name one unit — in each region apart.

Reads the tables (unit_aliases, assignments, notices), not ``v_units``: a warehouse last
written by an older fengong keeps its older views until it is next opened for writing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb

from parsers.units import Registry, expand_abbreviations, load_registry
from pipeline.regions import region_label


@dataclass
class RegionalUnit:
    """One unit: a canonical name within one region.

    region: the region of the notices that name it, as stored (None: they print none).
    org: the canonical name (after the unit files' renames).
    names: the names its rows are stored under — org, and names a unit file renames to it.
    aliases: the other names it was printed under (abbreviations, second plates, older names).
    """

    region: str | None
    org: str
    names: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    collective: bool = False

    @property
    def region_label(self) -> str:
        """The region as shown (pipeline/regions.NO_REGION when none is stored)."""
        return region_label(self.region)


# Every name a notice stored for a unit (its canonical name and the aliases printed), with
# the notice's region; and the names assignments are stored under (the same names, read
# again so that no assignment's unit is ever missing from the listing).
# $regions (NULL: all) is applied here, so that one region's units are read without the
# whole warehouse's (`unit NAME --region R` on 100,000 notices, issue 16).
_NAMES = """
WITH n AS (
    SELECT notice_id, region FROM notices
    WHERE $regions IS NULL OR list_contains($regions, region)
)
SELECT n.region, u.name, u.alias, u.collective
FROM unit_aliases u JOIN n USING (notice_id)
UNION ALL
SELECT DISTINCT n.region, a.org, a.org, false
FROM assignments a JOIN n USING (notice_id)
"""


def held_units(
    con: duckdb.DuckDBPyConnection,
    unit_files: Iterable[str] = (),
    regions: Iterable[str] | None = None,
) -> list[RegionalUnit]:
    """Every unit of the notices held, one per (region, canonical name), by region (the
    stored ones in order, then notices without a region) and name. `regions`: only these
    stored regions (as pipeline/reading.check_region returns them)."""
    registry = load_registry(list(unit_files))
    wanted = None if regions is None else set(regions)
    units: dict[tuple[str | None, str], RegionalUnit] = {}
    rows = con.execute(_NAMES, {"regions": None if wanted is None else sorted(wanted)})
    for region, name, alias, collective in rows.fetchall():
        org = registry.canonical(name)
        unit = units.setdefault((region, org), RegionalUnit(region, org))
        unit.collective |= bool(collective)
        if name not in unit.names:
            unit.names.append(name)
        unit.aliases += [a for a in (name, alias) if a != org and a not in unit.aliases]
    for unit in units.values():
        unit.names.sort(key=lambda n: (n != unit.org, n))  # the canonical name first
        unit.aliases.sort()
    return sorted(units.values(), key=lambda u: (u.region is None, u.region or "", u.org))


def find_units(
    con: duckdb.DuckDBPyConnection,
    name: str,
    unit_files: Iterable[str] = (),
    regions: Iterable[str] | None = None,
) -> list[RegionalUnit]:
    """The unit `name` names in each region that holds one, by region; [] when none does.

    In each region apart, `name` is: a unit's canonical or stored name; else an alias a
    notice of that region printed for exactly one unit; else what the registry makes of it
    (an abbreviation such as 区政数局, a former name in a unit file, a second plate dropped);
    else an abbreviation of exactly one name held in that region (same level prefix, same
    last character, characters in order: parsers/units.expand_abbreviations). An alias
    printed in one region never finds another region's unit."""
    files = list(unit_files)
    registry = load_registry(files)
    by_region: dict[str | None, list[RegionalUnit]] = {}
    for unit in held_units(con, files, regions):
        by_region.setdefault(unit.region, []).append(unit)
    found = [_named(name, units, registry) for units in by_region.values()]
    return [u for u in found if u is not None]


def _named(name: str, units: list[RegionalUnit], registry: Registry) -> RegionalUnit | None:
    """The unit of one region that `name` names, or None."""
    by_org = {u.org: u for u in units}
    for unit in units:
        if name == unit.org or name in unit.names:
            return unit
    by_alias = [u for u in units if name in u.aliases]
    if len(by_alias) == 1:
        return by_alias[0]
    plain, _plate = registry.split_plate(name)
    canonical = registry.canonical(plain)
    if canonical in by_org:
        return by_org[canonical]
    guess = expand_abbreviations([plain, *by_org], registry).get(plain)
    return by_org.get(guess) if guess is not None else None


def close_names(con: duckdb.DuckDBPyConnection, name: str, limit: int = 5) -> list[str]:
    """Held unit names that contain `name` or that it contains (for "did you mean")."""
    plain = name.strip()
    names = {u.org for u in held_units(con)}
    return sorted(o for o in names if plain and (plain in o or o in plain))[:limit]


def regions_listed(units: Iterable[RegionalUnit]) -> str:
    """The units' regions as a list to print: 南沙区、花都区."""
    return "、".join(dict.fromkeys(u.region_label for u in units))
