"""Options that several fengong commands share, apart from cli.py so that the commands loaded
on demand (diff, unit, export, units) take them without importing the whole command line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from parsers.units import UnitFileError, read_unit_file
from pipeline.api import DEFAULT_DB
from pipeline.formats import FORMATS

F = TypeVar("F", bound=Callable[..., Any])


class OptionError(click.ClickException):
    """A bad option value found before any work: one line (no usage block), exit 2 like
    click's own usage errors."""

    exit_code = 2


db_option = click.option(
    "--db",
    envvar="FENGONG_DB",
    default=DEFAULT_DB,
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The DuckDB warehouse file (or set FENGONG_DB).",
)


def check_unit_files(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> tuple[str, ...]:
    """A bad unit file stops the command with one line, before any work."""
    for path in value:
        try:
            read_unit_file(path)
        except UnitFileError as exc:
            raise click.BadParameter(str(exc), ctx=ctx, param=param) from None
    return value


def units_option(
    help: str = "A unit file of aliases and renames (units.json's shape); repeatable.",
) -> Callable[[F], F]:
    return click.option(
        "--units",
        "unit_files",
        multiple=True,
        type=click.Path(exists=True, dir_okay=False),
        callback=check_unit_files,
        help=help,
    )


def rows_format_option(*choices: str) -> Callable[[F], F]:
    """--format for a command that prints rows (pipeline/formats.py): table, the default, and
    csv, json, jsonl, markdown; plus --raw-csv. `choices` is no longer used: every read
    command takes every format."""
    del choices

    def decorate(f: F) -> F:
        f = click.option(
            "--raw-csv",
            is_flag=True,
            help="CSV cells as they are: no ' before a cell that starts with = + - @ "
            "(which spreadsheets would run as a formula).",
        )(f)
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(FORMATS),
            default="table",
            show_default=True,
            help="table on a terminal; csv, json, jsonl or markdown for other programs.",
        )(f)

    return decorate
