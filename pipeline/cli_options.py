"""Options that several fengong commands share (and the line a Ctrl-C ends them with), apart
from cli.py so that the commands loaded on demand (diff, unit, export, units) take them
without importing the whole command line."""

from __future__ import annotations

import math
import signal
from collections.abc import Callable
from typing import Any, TypeVar

import click

from pipeline.defaults import DEFAULT_DB
from pipeline.formats import FORMATS

F = TypeVar("F", bound=Callable[..., Any])


class OptionError(click.ClickException):
    """A bad option value found before any work: one line (no usage block), exit 2 like
    click's own usage errors."""

    exit_code = 2


DB_META = "fengong.db"  # where --db leaves its value for the one place that reports errors


def _remember_db(ctx: click.Context, param: click.Parameter, value: str) -> str:
    ctx.meta[DB_META] = value  # meta is shared with the parent group's context
    return value


db_option = click.option(
    "--db",
    envvar="FENGONG_DB",
    default=DEFAULT_DB,
    show_default=True,
    type=click.Path(dir_okay=False),
    callback=_remember_db,
    help="The DuckDB warehouse file (or set FENGONG_DB).",
)


def check_unit_files(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> tuple[str, ...]:
    """A bad unit file stops the command with one line, before any work."""
    if not value:
        return value
    from parsers.units import UnitFileError, read_unit_file  # only when a file is given

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


class Seconds(click.ParamType[float, Any]):
    """A duration in seconds: a finite number ≥ 0 (click's FloatRange lets nan and inf
    through, since no comparison with nan is true)."""

    name = "seconds"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not math.isfinite(seconds) or seconds < 0:
            self.fail(f"{value!r} is not a number of seconds ≥ 0", param, ctx)
        return seconds


SECONDS = Seconds()
# a year as notices print it; keeps absurd numbers away from DuckDB's INTEGER parameters
YEAR = click.IntRange(1, 9999)

lock_timeout_option = click.option(
    "--lock-timeout",
    type=SECONDS,
    default=60.0,
    show_default=True,
    help="Seconds to wait while another fengong process holds the warehouse (a writer "
    "locks out everyone; readers lock out a writer).",
)


STOPPED_BY = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM"}
stop_signal = signal.SIGINT  # what stopped the command: SIGINT unless `terminated` says


def terminated(signum: int, frame: object) -> None:
    """The program's SIGTERM handler (`kill PID`, a scheduler's time-out): stop as a Ctrl-C
    stops, each command cleaning up on its way out (a batch's workers killed, its open
    group not stored), instead of dying with no line and a parser worker left running."""
    global stop_signal
    stop_signal = signal.Signals(signum)
    raise KeyboardInterrupt


def stopped(what: str = "") -> click.exceptions.Exit:
    """Say that a Ctrl-C (or SIGTERM) stopped the command, and `what` it leaves, on standard
    error; give the exit to raise: 128 + the signal's number (130, 143), as a shell reports
    a command the signal ended."""
    click.echo(f"stopped by {STOPPED_BY[stop_signal]}{': ' + what if what else ''}", err=True)
    return click.exceptions.Exit(128 + stop_signal)
