"""Opening a warehouse to read it, and the filters the feeds and the notebook API share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.times import as_utc, parse_utc
from schemas.errors import FengongError
from warehouse.errors import WarehouseError
from warehouse.reader import Readable, ReadOnly, migration_files
from warehouse.regions import all_regions, named_regions

if TYPE_CHECKING:
    from warehouse import feeds


class FeedError(FengongError):
    """A feed cannot be made; the message is one line that says why and what to do."""


@contextmanager
def reading(
    db: str | Path | Readable,
    lock_timeout: float = 60.0,
    config: dict[str, Any] | None = None,
) -> Iterator[Readable]:
    """The one way every read command and the notebook API open a warehouse: read-only (so
    readers in other processes are not locked out); a warehouse from before the newest
    migration is migrated first, one from a newer fengong is read as it is (its views may
    hold more). An open Warehouse is used as it is. `config`: DuckDB's connection settings
    (`fengong query` confines itself with them). Raises WarehouseError when there is no
    warehouse at `db` or the file cannot be read as one (see warehouse/reader.ReadOnly).

    The file is opened by warehouse/reader.py, which leaves the writer (warehouse/store.py:
    the notice model, the links, numpy) unloaded unless a migration is missing."""
    if not isinstance(db, str | Path):
        yield db
        return
    wh = ReadOnly.open(db, lock_timeout=lock_timeout, config=config)
    try:
        # a missing migration (any, not only the newest) is applied; a warehouse of a newer
        # fengong is read as it is
        newer = wh.recorded_migrations() - {m.version for m in migration_files()}
        if wh.missing_migrations() and not newer:
            from warehouse.store import Warehouse  # the writer, only to migrate

            wh.close()
            Warehouse.open(db, lock_timeout=lock_timeout).close()  # applies what is missing
            wh = ReadOnly.open(db, lock_timeout=lock_timeout, config=config)
        yield wh
    finally:
        wh.close()


def filters(
    wh: Readable,
    region: str | None = None,
    year: int | None = None,
    unit: str | None = None,
    since: dt.datetime | None = None,
) -> feeds.Filters:
    """The filters, with the unit resolved in each region apart (a unit is a name within a
    region: pipeline/regional_units.find_units), so an alias one region's notices printed
    never brings in another region's unit; the name as asked and the registry's full name
    for it (区政数局 → 区政务服务数据管理局) also find the tasks of removed notices.
    Raises FeedError for a region not held, and for a unit no region asked for holds."""
    from parsers.units import load_registry
    from pipeline.regional_units import find_units, regions_listed
    from warehouse import feeds

    regions = check_region(wh, region) if region is not None else None
    units: tuple[str, ...] = ()
    keys: tuple[tuple[str | None, str], ...] = ()
    if unit:
        found = find_units(wh.con, unit, regions=regions)
        if not found:
            elsewhere = find_units(wh.con, unit) if regions is not None else []
            where = f"{region} in {wh.path}" if elsewhere else str(wh.path)
            held = f"held in {regions_listed(elsewhere)}; " if elsewhere else ""
            raise FeedError(f"no unit named {unit} in {where} ({held}list them: fengong units)")
        units = tuple(dict.fromkeys((unit, load_registry().canonical(unit))))
        keys = tuple((u.region, name) for u in found for name in u.names)
    return feeds.Filters(region=region, year=year, units=units, since=_utc(since), unit_keys=keys)


def check_region(wh: Readable, region: str) -> list[str]:
    """The regions held that `region` names (南沙区 names 南沙区 and 广州市南沙区; 区 names
    none: a match ends at a place-name boundary, warehouse/regions.region_matches). Raises
    FeedError listing the regions held when it names none."""
    matched = named_regions(wh.con, region)
    if not matched:
        held = all_regions(wh.con)
        listed = "、".join(held[:30]) + ("…" if len(held) > 30 else "") if held else "none"
        raise FeedError(f"no region {region!r} in {wh.path} (regions held: {listed})")
    return matched


def parse_since(text: str) -> dt.datetime:
    """An ISO date or date-time (2026-11-25, 2026-11-25 18:13:41, …+08:00) as naive UTC;
    raises FeedError."""
    try:
        return parse_utc(text)
    except ValueError as exc:
        raise FeedError(f"--since {exc}") from None


def _utc(when: dt.datetime | None) -> dt.datetime | None:
    try:
        return as_utc(when) if when is not None else None
    except ValueError as exc:
        raise FeedError(f"since: {exc}") from None


__all__ = [
    "FeedError",
    "WarehouseError",
    "check_region",
    "filters",
    "parse_since",
    "reading",
]
