"""`fengong unit NAME`: one unit's tasks year by year, each region apart (registered on the
main command group in pipeline/cli.py; the work is pipeline/unit_history.py)."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table
from rich.text import Text

from pipeline.cli_options import db_option, lock_timeout_option, rows_format_option, units_option
from pipeline.formats import dumps, print_rows
from pipeline.printable import console, printable, printable_cell
from pipeline.reading import reading
from pipeline.unit_history import (
    ROW_COLUMNS,
    UnitHistory,
    several_regions,
    unit_histories,
)
from schemas.roles import ROLE_NAMES

COLUMNS = ["org", *ROW_COLUMNS]  # csv, jsonl, markdown: one row per (task, role)


@click.command()
@click.argument("name")
@click.option(
    "--region",
    help="Only this region's unit (南沙区 also finds 广州市南沙区; 区 finds none). Needed only "
    "to pick one when several regions hold a unit of this name.",
)
@db_option
@units_option("A unit file of aliases and renames: names it merges are one unit; repeatable.")
@rows_format_option()
@lock_timeout_option
def unit(
    name: str,
    region: str | None,
    db: str,
    unit_files: tuple[str, ...],
    fmt: str,
    raw_csv: bool,
    lock_timeout: float,
) -> None:
    """What a unit led, co-organised and was responsible for, year by year (NAME may be an
    alias or abbreviation: 区政数局). A unit is a name within a region: a name held in
    several regions is listed for each region apart.

    \b
    Example:
      fengong unit 区政数局 --region 南沙区 --format csv > 区政数局.csv
    """
    with reading(db, lock_timeout) as wh:
        histories = unit_histories(wh, name, region, unit_files)
        several = several_regions(wh, histories) if len(histories) > 1 else None
    if fmt == "json":
        click.echo(dumps([_as_json(h) for h in histories], indent=1))
    elif fmt == "table":
        for h in histories:
            _print_table(h)
    elif fmt == "markdown":
        for h in histories:
            print_rows(COLUMNS, _rows(h), fmt, raw_csv=raw_csv, title=f"{h.org} — {h.region}")
    else:
        print_rows(COLUMNS, [r for h in histories for r in _rows(h)], fmt, raw_csv=raw_csv)
    if several:
        console(stderr=True).print(f"{printable(name)}: {printable(several)}")


def _as_json(h: UnitHistory) -> dict[str, Any]:
    return {"org": h.org, "region": h.region, "aliases": h.aliases, "tasks": h.rows}


def _rows(h: UnitHistory) -> list[list[Any]]:
    return [[h.org, *(r[c] for c in ROW_COLUMNS)] for r in h.rows]


def _print_table(h: UnitHistory) -> None:
    out = console()
    also = f" (asked as {printable(h.asked)})" if h.asked != h.org else ""
    aliases = f"; also written {printable('、'.join(h.aliases))}" if h.aliases else ""
    out.print(
        Text.assemble(
            (printable(h.region), "bold"), " · ", (printable(h.org), "bold"), also + aliases
        )
    )
    if not h.rows:
        out.print("named in no task of the plans held")
    plans = sorted({(r["year"], r["plan_title"]) for r in h.rows}, key=str)
    for year, title in plans:
        rows = [r for r in h.rows if (r["year"], r["plan_title"]) == (year, title)]
        counts = ", ".join(
            f"{name} {sum(1 for r in rows if r['role'] == role)}"
            for role, name in ROLE_NAMES.items()
            if any(r["role"] == role for r in rows)
        )
        table = Table(
            title=Text(printable(f"{year} {h.region} — {title}: {counts}")), title_justify="left"
        )
        for col in ("role", "task", "text"):
            table.add_column(col)
        for role, name in ROLE_NAMES.items():
            for r in rows:
                if r["role"] == role:
                    table.add_row(
                        name + (" (inherited)" if r["inherited"] else ""),
                        Text(printable_cell(r["task_key"])),
                        Text(printable_cell(r["text"])),
                    )
        out.print(table)
