"""Opening a warehouse to read it, and the filters the feeds and the notebook API share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from parsers.units import load_registry
from warehouse import feeds
from warehouse.store import Warehouse, WarehouseError


class FeedError(Exception):
    """A feed cannot be made; the message is one line that says why and what to do."""


@contextmanager
def reading(db: str | Path | Warehouse) -> Iterator[Warehouse]:
    """The warehouse, opened read-only (so readers in other processes are not locked out);
    a warehouse from before the newest migration is migrated first. An open Warehouse is
    used as it is."""
    if isinstance(db, Warehouse):
        yield db
        return
    if not Path(db).is_file():
        raise FeedError(f"{db}: no warehouse here (run fengong ingest first, or pass --db)")
    wh = Warehouse.open(db, read_only=True)
    try:
        try:
            missing = wh.missing_migrations()
        except duckdb.Error:
            raise FeedError(
                f"{db}: a DuckDB file but not a fengong warehouse (no schema_migrations)"
            ) from None
        if missing:
            wh.close()
            Warehouse.open(db).close()  # applies the missing migrations
            wh = Warehouse.open(db, read_only=True)
        yield wh
    finally:
        wh.close()


def filters(
    wh: Warehouse,
    region: str | None = None,
    year: int | None = None,
    unit: str | None = None,
    since: dt.datetime | None = None,
) -> feeds.Filters:
    """The filters, with the unit resolved to the canonical names the warehouse stores for it
    (through the aliases notices printed, and the unit registry's abbreviations)."""
    if region is not None:
        check_region(wh, region)
    units: tuple[str, ...] = ()
    if unit:
        asked = tuple(dict.fromkeys((unit, load_registry().canonical(unit))))
        units = tuple(feeds.known_units(wh.con, asked))
        if not units:
            raise FeedError(
                f"no unit named {unit} in {wh.path} "
                '(list them: fengong query "select org, aliases from v_units")'
            )
    return feeds.Filters(region=region, year=year, units=units, since=_utc(since))


def check_region(wh: Warehouse, region: str) -> list[str]:
    """The regions held that `region` names (南沙区 names 南沙区 and 广州市南沙区; 区 names
    none: a match ends at a place-name boundary, warehouse/feeds.region_matches). Raises
    FeedError listing the regions held when it names none."""
    held = feeds.regions(wh.con)
    matched = [r for r in held if feeds.region_matches(r, region)]
    if not matched:
        listed = "、".join(held[:30]) + ("…" if len(held) > 30 else "") if held else "none"
        raise FeedError(f"no region {region!r} in {wh.path} (regions held: {listed})")
    return matched


def parse_since(text: str) -> dt.datetime:
    """An ISO date or date-time (2026-11-25, 2026-11-25 18:13:41, …+08:00) as naive UTC."""
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise FeedError(
            f"--since {text!r}: not a date or time; write it as 2026-11-25 or "
            "2026-11-25 18:13:41 (UTC, as v_notices.ingested_at shows it)"
        ) from None
    return _utc(when)  # type: ignore[return-value]


def _utc(when: dt.datetime | None) -> dt.datetime | None:
    if when is not None and when.tzinfo is not None:
        return when.astimezone(dt.UTC).replace(tzinfo=None)
    return when


__all__ = ["FeedError", "WarehouseError", "check_region", "filters", "parse_since", "reading"]
