"""`fengong notices` and `fengong remove`: the notices held, and taking one out (registered on
the main command group in pipeline/cli.py; the work is pipeline/notices.py)."""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import asdict

import click
from rich.console import Console
from rich.table import Table

from pipeline.cli_options import db_option, lock_timeout_option, rows_format_option

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
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
@rows_format_option("csv", "json")
@lock_timeout_option
def notices(db: str, fmt: str, lock_timeout: float) -> None:
    """List the notices held: region, year, plan title, the file whose reading is stored
    (current), how many files have carried it (versions), and its tasks, assignments and
    warnings.

    Example: fengong notices --format csv > notices.csv
    """
    from pipeline.notices import list_notices

    listing = [asdict(n) for n in list_notices(db, lock_timeout)]
    if fmt == "json":
        click.echo(json.dumps(listing, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(listing)
    else:
        table = Table(*COLUMNS)
        for row in listing:
            table.add_row(*("" if row[c] is None else str(row[c]) for c in COLUMNS))
        out.print(table)
        out.print(f"{len(listing)} notices", highlight=False)


@click.command()
@click.argument("notice")
@db_option
@lock_timeout_option
def remove(notice: str, db: str, lock_timeout: float) -> None:
    """Remove one notice, named by its notice_id or by a file that carried it, in one
    transaction: its rows and versions go, its tasks are reported as removed by
    `export --since`, and the plans before and after it are compared with each other.

    Example: fengong remove 9563136c42730e7c
    """
    from pipeline.notices import remove_notice

    removal = remove_notice(db, notice, lock_timeout)
    n = removal.notice
    what = " ".join(str(x) for x in (n.region, n.year, n.plan_title) if x is not None)
    err.print(
        f"removed {n.notice_id} ({what}): {removal.tasks} tasks, {n.versions} version(s); "
        "year links and change records updated",
        highlight=False,
    )
