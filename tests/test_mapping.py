"""The table ↔ model map (warehouse/mapping.py) against the real tables and the model: a
column added to a migration or a field added to the model without the other fails here; and
the Notice JSON Schema committed in schemas/notice.schema.json is what `fengong schema`
prints."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import typing
from pathlib import Path

from pydantic import BaseModel

import schemas
from pipeline import parse
from schemas import Notice
from tests.conftest import ROOT, SEED
from warehouse.mapping import MAPS, NOT_STORED, OTHER_TABLES
from warehouse.store import Warehouse


def table_columns(db: Path) -> dict[str, list[str]]:
    with Warehouse.open(db) as wh:
        rows = wh.sql(
            "SELECT table_name, column_name FROM duckdb_columns()"
            " WHERE database_name = current_database() AND NOT internal"
            " AND table_name IN (SELECT table_name FROM duckdb_tables())"
            " ORDER BY table_name, column_index"
        ).fetchall()
    out: dict[str, list[str]] = {}
    for table, column in rows:
        out.setdefault(table, []).append(column)
    return out


def test_every_table_column_is_mapped_and_every_mapped_column_exists(db: Path) -> None:
    tables = table_columns(db)
    for m in MAPS.values():
        assert sorted(m.names) == sorted(tables[m.table]), m.table
    # every table is a notice's reading (mapped) or written elsewhere, by name
    assert set(tables) == set(MAPS) | set(OTHER_TABLES)


def _resolve(item: type, path: str) -> tuple[type, str]:
    """(the model class that holds the last field of `path`, that field's name)."""
    *parents, name = path.split(".")
    cls = item
    for part in parents:
        hint = typing.get_type_hints(cls)[part]
        cls = next(
            (a for a in (hint, *typing.get_args(hint)) if isinstance(a, type)),
            hint,
        )
    return cls, name


def _models() -> list[type[BaseModel]]:
    """Every model a Notice is made of (Provenance is stored whole, as JSON)."""
    return [
        m
        for m in vars(schemas.notice).values()
        if isinstance(m, type)
        and issubclass(m, BaseModel)
        and m.__module__ == "schemas.notice"
        and m.__name__ not in ("Model", "Provenance")
    ]


def test_every_model_field_is_stored_or_said_not_to_be() -> None:
    stored = set()
    for m in MAPS.values():
        for c in m.columns:
            cls, name = _resolve(m.item, c.field)
            if issubclass(cls, BaseModel):
                stored.add(f"{cls.__name__}.{name}")
    stored |= {"Notice.notice_id"}  # every table's notice_id
    fields = {f"{m.__name__}.{f}" for m in _models() for f in m.model_fields}
    missing = sorted(fields - stored - set(NOT_STORED))
    assert missing == [], f"model fields no table holds (map them or list them): {missing}"
    assert sorted(set(NOT_STORED) - fields) == [], "NOT_STORED names fields the model lacks"
    assert sorted(set(NOT_STORED) & stored) == [], "NOT_STORED names fields that are stored"


def test_a_stored_notice_reads_back_as_mapped(db: Path) -> None:
    notice = parse(SEED)
    with Warehouse.open(db) as wh:
        wh.store(notice)
        for m in MAPS.values():
            want = m.columns_of(notice, dt.datetime(2000, 1, 1))
            names = [n for n in m.names if n != "ingested_at"]  # the store's own time
            listed = ", ".join(f'"{n}"' for n in names)
            got = wh.sql(f"SELECT {listed} FROM {m.table}").fetchall()
            rows = list(zip(*(want[n] for n in names), strict=True))
            assert sorted(got, key=repr) == sorted(rows, key=repr), m.table


def test_the_committed_notice_schema_is_what_fengong_schema_prints() -> None:
    committed = json.loads((ROOT / "schemas" / "notice.schema.json").read_text(encoding="utf-8"))
    assert committed == Notice.model_json_schema()
    printed = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "schema"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    assert json.loads(printed) == committed
    assert committed["properties"]["version"]["default"] == schemas.SCHEMA_VERSION
