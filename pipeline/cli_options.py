"""Options that several fengong commands share, apart from cli.py so that the commands loaded
on demand (diff, unit, export, units) take them without importing the whole command line."""

from __future__ import annotations

import click

from pipeline.api import DEFAULT_DB

db_option = click.option(
    "--db",
    envvar="FENGONG_DB",
    default=DEFAULT_DB,
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The DuckDB warehouse file (or set FENGONG_DB).",
)
