"""`fengong units`: the units the warehouse has met (registered on the main command group in
pipeline/cli.py)."""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import asdict

import click
from rich.console import Console
from rich.table import Table

from parsers.lexicon import ROLE_KINDS
from pipeline.cli_options import db_option, rows_format_option, units_option

out = Console(soft_wrap=True)


@click.command()
@db_option
@units_option("A unit file of aliases and renames: list under its canonical names; repeatable.")
@rows_format_option("csv", "json")
def units(db: str, unit_files: tuple[str, ...], fmt: str) -> None:
    """List the units met in ingested notices: aliases, role counts, notices."""
    from pipeline.units import list_units  # duckdb only when a command needs it
    from warehouse.store import WarehouseError

    try:
        listing = list_units(db, unit_files)
    except WarehouseError as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps([asdict(u) for u in listing], ensure_ascii=False, indent=1))
        return
    rows = [u.row() for u in listing]
    columns = ["org", "aliases", "collective", *ROLE_KINDS, "notices"]
    if fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
        return
    table = Table("org", "aliases", "roles", "notices", show_lines=False)
    for unit, row in zip(listing, rows, strict=True):
        roles = ", ".join(f"{r} {n}" for r, n in unit.roles.items() if n)
        table.add_row(unit.org, str(row["aliases"]), roles, str(row["notices"]))
    out.print(table)
    out.print(f"{len(listing)} units", highlight=False)
