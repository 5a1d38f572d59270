"""`fengong notices` and `fengong remove`: the notices held, and taking one out (registered on
the main command group in pipeline/cli.py; the work is pipeline/notices.py)."""

from __future__ import annotations

from dataclasses import astuple

import click

from pipeline.cli_options import db_option, lock_timeout_option, rows_format_option
from pipeline.formats import print_rows
from pipeline.printable import console, printable

COLUMNS = (
    "notice_id",
    "region",
    "year",
    "plan_title",
    "current",
    "versions",
    "tasks",
    "assignments",
    "warnings",
)


@click.command()
@db_option
@rows_format_option()
@lock_timeout_option
def notices(db: str, fmt: str, raw_csv: bool, lock_timeout: float) -> None:
    """List the notices held: region, year, plan title, the file whose reading is stored
    (current), how many files have carried it (versions), and its tasks, assignments and
    warnings.

    \b
    Example:
      fengong notices --format csv > 通知.csv
    """
    from pipeline.notices import list_notices

    listing = list_notices(db, lock_timeout)
    print_rows(COLUMNS, [astuple(n) for n in listing], fmt, raw_csv=raw_csv)
    if fmt == "table":
        console().print(f"{len(listing)} notices")


@click.command()
@click.argument("notice")
@db_option
@lock_timeout_option
def remove(notice: str, db: str, lock_timeout: float) -> None:
    """Remove one notice, named by its notice_id or by a file that carried it, in one
    transaction: its rows and versions go, its tasks are reported as removed by
    `export --since`, and the plans before and after it are compared with each other.

    \b
    Example:
      fengong remove 9563136c42730e7c
    """
    from pipeline.notices import remove_notice

    removal = remove_notice(db, notice, lock_timeout)
    n = removal.notice
    what = " ".join(str(x) for x in (n.region, n.year, n.plan_title) if x is not None)
    console(stderr=True).print(
        f"removed {n.notice_id} ({printable(what)}): {removal.tasks} tasks, "
        f"{n.versions} version(s); year links and change records updated"
    )
