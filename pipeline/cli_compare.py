"""`fengong diff` and `fengong unit`: comparing years and following a unit (registered on the
main command group in pipeline/cli.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from pipeline.cli_options import db_option, rows_format_option, units_option
from pipeline.compare import ROLE_GROUPS, CompareError, Diff, compare, unit_history
from pipeline.report import render
from warehouse.store import Warehouse, WarehouseError

out = Console(soft_wrap=True)


@contextmanager
def _warehouse(db: str) -> Iterator[Warehouse]:
    if not Path(db).exists():
        raise click.ClickException(f"{db}: no warehouse here (run fengong ingest first)")
    try:
        with Warehouse.open(db, read_only=True) as wh:
            yield wh
    except (WarehouseError, CompareError) as exc:
        raise click.ClickException(str(exc)) from None


def _owners(owners: list[str]) -> str:
    return "、".join(owners) or "—"


def print_diff(d: Diff) -> None:
    reworded = sum(1 for p in d.pairs if p.change != "unchanged")
    out.print(
        f"[bold]{d.region}[/bold] {d.before.year} → {d.after.year}: {len(d.pairs)} tasks carried "
        f"over ({reworded} reworded), {len(d.owner_changes)} owner changes, "
        f"{len(d.added)} added, {len(d.removed)} removed",
        highlight=False,
    )
    table = Table(title="Owner changes", title_justify="left", show_lines=True)
    for col in (str(d.before.year), str(d.after.year), "task", "owners before", "owners after"):
        table.add_column(col)
    for p in d.owner_changes:
        table.add_row(
            p.before.key,
            p.after.key,
            p.after.text,
            _owners(p.before.owners),
            _owners(p.after.owners),
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
            table.add_row(t.key, t.text, _owners(t.owners))
        out.print(table)
    table = Table(title="Reworded", title_justify="left", show_lines=True)
    for col in (str(d.before.year), str(d.after.year), "similarity", "before", "after"):
        table.add_column(col)
    for p in d.pairs:
        if p.change != "unchanged":
            table.add_row(
                p.before.key, p.after.key, f"{p.similarity:.2f}", p.before.text, p.after.text
            )
    out.print(table)


@click.command()
@click.option("--region", required=True, help="The region as stored, e.g. 南沙区.")
@click.option(
    "--from", "year_from", type=int, help="The earlier year (default: the one before --to)."
)
@click.option("--to", "year_to", type=int, help="The later year (default: the latest held).")
@db_option
@rows_format_option("json")
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, writable=True),
    help="Also write a self-contained HTML report to this file.",
)
def diff(
    region: str,
    year_from: int | None,
    year_to: int | None,
    db: str,
    fmt: str,
    html_path: str | None,
) -> None:
    """Compare a region's plans of two years: tasks carried over (reworded or not), added and
    removed, and where the owner (the lead, else the responsible units) changed."""
    with _warehouse(db) as wh:
        d = compare(wh, region, year_from, year_to)
    if fmt == "json":
        click.echo(json.dumps(d.as_json(), ensure_ascii=False, indent=1))
    else:
        print_diff(d)
    if html_path:
        try:
            Path(html_path).write_text(render(d), encoding="utf-8")
        except OSError as exc:
            raise click.ClickException(
                f"{html_path}: cannot write the report: {exc.strerror}"
            ) from None
        click.echo(f"report written to {html_path}", err=True)


@click.command()
@click.argument("name")
@click.option("--region", help="Only this region's plans.")
@db_option
@units_option()
@rows_format_option("json")
def unit(name: str, region: str | None, db: str, unit_files: tuple[str, ...], fmt: str) -> None:
    """What a unit led, co-organised and was responsible for, year by year (NAME may be an
    alias or abbreviation: 区政数局)."""
    with _warehouse(db) as wh:
        h = unit_history(wh, name, region, unit_files)
    if fmt == "json":
        click.echo(
            json.dumps(
                {"org": h.org, "aliases": h.aliases, "tasks": h.rows}, ensure_ascii=False, indent=1
            )
        )
        return
    also = f" (asked as {h.asked})" if h.asked != h.org else ""
    aliases = f"; also written {'、'.join(h.aliases)}" if h.aliases else ""
    out.print(f"[bold]{h.org}[/bold]{also}{aliases}", highlight=False)
    if not h.rows:
        out.print("named in no task of the plans held", highlight=False)
    years = sorted({(r["year"], r["region"], r["plan_title"]) for r in h.rows}, key=str)
    for year, reg, title in years:
        rows = [
            r for r in h.rows if (r["year"], r["region"], r["plan_title"]) == (year, reg, title)
        ]
        counts = ", ".join(
            f"{sum(1 for r in rows if r['role'] == role)} {word}"
            for role, word in ROLE_GROUPS.items()
            if any(r["role"] == role for r in rows)
        )
        table = Table(title=f"{year} {reg} — {title}: {counts}", title_justify="left")
        for col in ("role", "task", "text"):
            table.add_column(col)
        for role, word in ROLE_GROUPS.items():
            for r in rows:
                if r["role"] == role:
                    table.add_row(
                        word + (" (inherited)" if r["inherited"] else ""), r["task_key"], r["text"]
                    )
        out.print(table)
