"""`fengong export`: the feeds for trackers and analysts (registered on the main command group
in pipeline/cli.py; the work is pipeline/export.py)."""

from __future__ import annotations

from typing import Any

import click
from rich.console import Console

from pipeline.cli_options import db_option

FORMATS = ("jsonl", "csv", "parquet", "xlsx")  # pipeline.export.FORMATS, without loading it

err = Console(stderr=True, soft_wrap=True)


@click.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="The feed.")
@click.option(
    "--out",
    required=True,
    type=click.Path(),
    help="The file to write (a folder for parquet); a jsonl feed also gets <out>.schema.json.",
)
@click.option("--region", help="Only this region's notices (as v_notices.region has it).")
@click.option("--year", type=int, help="Only this year's notices.")
@click.option("--unit", help="Only tasks naming this unit, by its name or any alias (区政数局).")
@click.option(
    "--since",
    help="Only tasks changed (or removed) after this UTC time, e.g. the latest change an "
    "earlier export printed.",
)
@db_option
def export(
    fmt: Any,
    out: str,
    region: str | None,
    year: int | None,
    unit: str | None,
    since: str | None,
    db: str,
) -> None:
    """Write the warehouse's tasks as JSON Lines, CSV, Parquet or an Excel ledger (台账)."""
    from pipeline.export import export as write_export
    from pipeline.reading import FeedError, parse_since
    from warehouse.store import WarehouseError

    try:
        result = write_export(
            db,
            out,
            fmt,
            region=region,
            year=year,
            unit=unit,
            since=parse_since(since) if since else None,
        )
    except (FeedError, WarehouseError) as exc:
        raise click.ClickException(str(exc)) from None
    removed = f" ({result.removed} removed)" if since else ""
    schema = f" and its schema {result.schema_path}" if result.schema_path else ""
    err.print(f"{result.tasks} tasks{removed} → {result.path}{schema}", highlight=False)
    if result.latest_change:
        err.print(
            f"latest change {result.latest_change.isoformat(sep=' ')} UTC: "
            f"--since '{result.latest_change.isoformat(sep=' ')}' next time gives what "
            "changes after this export",
            highlight=False,
        )
