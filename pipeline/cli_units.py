"""`fengong units`: the units the warehouse has met, one listing per region and unit
(registered on the main command group in pipeline/cli.py)."""

from __future__ import annotations

from dataclasses import asdict

import click
from rich.table import Table
from rich.text import Text

from pipeline.cli_options import db_option, lock_timeout_option, rows_format_option, units_option
from pipeline.formats import dumps, print_rows
from pipeline.printable import console, printable_cell


@click.command()
@click.option(
    "--region", help="Only this region's units (南沙区 also finds 广州市南沙区; 区 finds none)."
)
@db_option
@units_option("A unit file of aliases and renames: list under its canonical names; repeatable.")
@rows_format_option()
@lock_timeout_option
def units(
    region: str | None,
    db: str,
    unit_files: tuple[str, ...],
    fmt: str,
    raw_csv: bool,
    lock_timeout: float,
) -> None:
    """List the units met in ingested notices, each region's apart: aliases, role counts,
    notices.

    \b
    Example:
      fengong units --region 南沙区 --format csv > 单位.csv
    """
    from pipeline.units import COLUMNS, list_units  # duckdb only when a command needs it
    from schemas.roles import ROLE_NAMES

    listing = list_units(db, unit_files, lock_timeout, region)
    if fmt == "json":
        click.echo(dumps([asdict(u) for u in listing], indent=1))
        return
    rows = [u.row() for u in listing]
    if fmt != "table":
        print_rows(COLUMNS, [[r[c] for c in COLUMNS] for r in rows], fmt, raw_csv=raw_csv)
        return
    table = Table("org", "region", "aliases", "roles", "notices", show_lines=False)
    for unit, row in zip(listing, rows, strict=True):
        roles = ", ".join(
            f"{name} {unit.roles[r]}" for r, name in ROLE_NAMES.items() if unit.roles.get(r)
        )
        table.add_row(
            Text(printable_cell(unit.org)),
            Text(printable_cell(unit.region or "—")),
            Text(printable_cell(row["aliases"])),
            roles,
            Text(printable_cell(row["notices"])),
        )
    out = console()
    out.print(table)
    regions = len({u.region for u in listing if u.region is not None})
    out.print(f"{len(listing)} units in {regions} region{'s' if regions != 1 else ''}")
