"""`fengong diff`: comparing a region's plans of two years (registered on the main command
group in pipeline/cli.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from pipeline.cli_options import (
    YEAR,
    db_option,
    lock_timeout_option,
    rows_format_option,
)
from pipeline.compare import Diff, compare
from pipeline.formats import dumps, print_rows
from pipeline.printable import console, printable, printable_cell
from pipeline.reading import reading
from pipeline.safe_files import replacing


def _cell(value: object) -> Text:
    return Text(printable_cell(value))


def _owners(owners: list[str]) -> str:
    return "、".join(owners) or "—"


DIFF_COLUMNS = [
    "change",
    "from_year",
    "to_year",
    "from_task_key",
    "to_task_key",
    "similarity",
    "text_before",
    "text_after",
    "owners_before",
    "owners_after",
]


def diff_rows(d: Diff) -> list[list[Any]]:
    """The comparison flat, one row per task (for csv, jsonl and markdown): change is
    owner_changed, reworded, unchanged, added or removed; owners are lists."""
    rows: list[list[Any]] = []
    for p in d.pairs:
        change = "owner_changed" if p.owner_changed else p.change
        rows.append(
            [
                change,
                d.before.year,
                d.after.year,
                p.before.key,
                p.after.key,
                round(p.similarity, 4),
                p.before.text,
                p.after.text,
                p.before.owners,
                p.after.owners,
            ]
        )
    for t in d.added:
        rows.append(
            ["added", d.before.year, d.after.year, None, t.key, None, None, t.text, None, t.owners]
        )
    for t in d.removed:
        rows.append(
            [
                "removed",
                d.before.year,
                d.after.year,
                t.key,
                None,
                None,
                t.text,
                None,
                t.owners,
                None,
            ]
        )
    return rows


def print_diff(d: Diff) -> None:
    out = console()
    reworded = sum(1 for p in d.pairs if p.change != "unchanged")
    out.print(
        Text.assemble(
            (printable(d.region), "bold"),
            f" {d.before.year} → {d.after.year}: {len(d.pairs)} tasks carried "
            f"over ({reworded} reworded), {len(d.owner_changes)} owner changes, "
            f"{len(d.added)} added, {len(d.removed)} removed",
        )
    )
    table = Table(title="Owner changes", title_justify="left", show_lines=True)
    for col in (str(d.before.year), str(d.after.year), "task", "owners before", "owners after"):
        table.add_column(col)
    for p in d.owner_changes:
        table.add_row(
            _cell(p.before.key),
            _cell(p.after.key),
            _cell(p.after.text),
            _cell(_owners(p.before.owners)),
            _cell(_owners(p.after.owners)),
        )
    out.print(table)
    for title, tasks in (
        (f"Added in {d.after.year}", d.added),
        (f"Removed after {d.before.year}", d.removed),
    ):
        table = Table(title=title, title_justify="left")
        for col in ("key", "task", "owners"):
            table.add_column(col)
        for t in tasks:
            table.add_row(_cell(t.key), _cell(t.text), _cell(_owners(t.owners)))
        out.print(table)
    table = Table(title="Reworded", title_justify="left", show_lines=True)
    for col in (str(d.before.year), str(d.after.year), "similarity", "before", "after"):
        table.add_column(col)
    for p in d.pairs:
        if p.change != "unchanged":
            table.add_row(
                _cell(p.before.key),
                _cell(p.after.key),
                f"{p.similarity:.2f}",
                _cell(p.before.text),
                _cell(p.after.text),
            )
    out.print(table)


@click.command()
@click.option("--region", required=True, help="The region as stored, e.g. 南沙区.")
@click.option(
    "--from", "year_from", type=YEAR, help="The earlier year (default: the one before --to)."
)
@click.option("--to", "year_to", type=YEAR, help="The later year (default: the latest held).")
@db_option
@rows_format_option()
@lock_timeout_option
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False),
    help="Also write a self-contained HTML report to this file (replaced only if it is a "
    "regular file).",
)
def diff(
    region: str,
    year_from: int | None,
    year_to: int | None,
    db: str,
    fmt: str,
    raw_csv: bool,
    lock_timeout: float,
    html_path: str | None,
) -> None:
    """Compare a region's plans of two years: tasks carried over (reworded or not), added and
    removed, and where the owner (the lead, else the responsible units) changed.

    \b
    Example:
      fengong diff --region 南沙区 --from 2020 --to 2021 --html 对比.html
    """
    with reading(db, lock_timeout) as wh:
        d = compare(wh, region, year_from, year_to)
    if html_path:
        from pipeline.report import render  # jinja2: only for the HTML report

        try:
            with replacing(Path(html_path), "report") as tmp:
                tmp.write_text(render(d), encoding="utf-8")
        except OSError as exc:
            raise click.ClickException(
                f"{printable(html_path)}: cannot write the report: {exc.strerror}"
            ) from None
    if fmt == "json":
        click.echo(dumps(d.as_json(), indent=1))
    elif fmt == "table":
        print_diff(d)
    else:
        print_rows(DIFF_COLUMNS, diff_rows(d), fmt, raw_csv=raw_csv)
    if html_path:
        click.echo(f"report written to {printable(html_path)}", err=True)
