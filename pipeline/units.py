"""The unit registry as the warehouse has met it: every unit named in an ingested notice, with
the names it was printed under, how often it holds each role, and the notices it appears in.

    from pipeline.units import list_units
    for u in list_units("fengong.duckdb", unit_files=("my-units.json",)):
        print(u.org, u.aliases, u.roles, u.notices)

A user's unit file (the shape of parsers/data/units.json) renames and aliases units: a notice
ingested before the file existed is listed under the new name too, so the listing never
splits one bureau in two after a reform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from parsers.lexicon import ROLE_KINDS
from parsers.units import load_registry
from warehouse.store import Warehouse, WarehouseError


@dataclass
class UnitListing:
    org: str  # the canonical name
    aliases: list[str] = field(default_factory=list)  # printed forms, second plates, old names
    collective: bool = False  # 各镇街, 区各单位…
    roles: dict[str, int] = field(default_factory=dict)  # assignments by role
    notices: list[dict[str, object]] = field(default_factory=list)  # id, region, year, title
    registered: bool = False  # named in a unit file (the user's or the built-in one)

    def row(self) -> dict[str, object]:
        """A flat row for tables and CSV: roles as columns, lists joined."""
        return {
            "org": self.org,
            "aliases": "、".join(self.aliases),
            "collective": self.collective,
            **{role: self.roles.get(role, 0) for role in ROLE_KINDS},
            "notices": "; ".join(
                " ".join(str(n[k]) for k in ("region", "year") if n[k]) for n in self.notices
            ),
        }


def list_units(
    db: str | Path | Warehouse, unit_files: tuple[str, ...] = (), lock_timeout: float = 60.0
) -> list[UnitListing]:
    """Every unit in the warehouse, merged under the registry's canonical names, plus the
    units the unit files name that no notice has used yet; by name."""
    registry = load_registry(Path(p) for p in unit_files)
    if not Path(db).is_file():
        raise WarehouseError(f"{db}: no warehouse here (run fengong ingest first, or pass --db)")
    with Warehouse.open(db, read_only=True, lock_timeout=lock_timeout) as wh:
        aliases = wh.sql("SELECT org, aliases, collective FROM v_units ORDER BY org").fetchall()
        roles = wh.sql(
            "SELECT org, role, count(*) FROM v_assignments GROUP BY org, role"
        ).fetchall()
        notices = wh.sql(
            "SELECT DISTINCT a.org, n.notice_id, n.region, n.year,"
            " coalesce(n.plan_title, n.title)"
            " FROM v_assignments a JOIN v_notices n USING (notice_id)"
            " ORDER BY n.year, n.region"
        ).fetchall()
    units: dict[str, UnitListing] = {}

    def entry(org: str) -> UnitListing:
        name = registry.canonical(org)
        unit = units.setdefault(name, UnitListing(org=name))
        if org != name and org not in unit.aliases:
            unit.aliases.append(org)  # stored under a name the registry now renames
        return unit

    for org, names, collective in aliases:
        unit = entry(org)
        unit.collective |= bool(collective)
        unit.aliases += [a for a in names if a not in unit.aliases and a != unit.org]
    for org, role, n in roles:
        unit = entry(org)
        unit.roles[role] = unit.roles.get(role, 0) + int(n)
    for org, notice_id, region, year, title in notices:
        unit = entry(org)
        if all(n["notice_id"] != notice_id for n in unit.notices):
            unit.notices.append(
                {"notice_id": notice_id, "region": region, "year": year, "plan_title": title}
            )
    for name, names in registry.entries.items():
        if not unit_files or load_registry().entries.get(name) == names:
            continue  # the built-in registry's own entries show only when met
        unit = entry(name)
        unit.registered = True
        unit.aliases += [a for a in names if a not in unit.aliases and a != unit.org]
    return sorted(units.values(), key=lambda u: u.org)
