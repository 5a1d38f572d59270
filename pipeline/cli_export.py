"""`fengong export`: the feeds for trackers and analysts (registered on the main command group
in pipeline/cli.py; the work is pipeline/export.py)."""

from __future__ import annotations

from typing import Any

import click

from pipeline.cli_options import YEAR, OptionError, db_option, lock_timeout_option
from pipeline.printable import console, printable

FORMATS = ("jsonl", "csv", "parquet", "xlsx")  # pipeline.export.FORMATS, without loading it


@click.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="The feed.")
@click.option(
    "--out",
    required=True,
    help="The file to write (a folder for parquet; - for standard output, jsonl and csv); a "
    "jsonl file also gets <out>.schema.json. Only a regular file is ever replaced.",
)
@click.option(
    "--region", help="Only this region's notices (南沙区 also finds 广州市南沙区; 区 finds none)."
)
@click.option("--year", type=YEAR, help="Only this year's notices.")
@click.option("--unit", help="Only tasks naming this unit, by its name or any alias (区政数局).")
@click.option(
    "--since",
    help="Only tasks changed (or removed) after this UTC time, e.g. the latest change an "
    "earlier export printed.",
)
@click.option(
    "--raw-csv",
    is_flag=True,
    help="CSV cells as they are: no ' before a cell that starts with = + - @ (which "
    "spreadsheets would run as a formula).",
)
@click.option(
    "--unit-sheets", is_flag=True, help="xlsx: also one sheet per unit (the tasks it is named in)."
)
@db_option
@lock_timeout_option
def export(
    fmt: Any,
    out: str,
    region: str | None,
    year: int | None,
    unit: str | None,
    since: str | None,
    raw_csv: bool,
    unit_sheets: bool,
    db: str,
    lock_timeout: float,
) -> None:
    """Write the warehouse's tasks as JSON Lines, CSV, Parquet or an Excel ledger (台账).

    \b
    Example:
      fengong export --format xlsx --out 台账.xlsx --region 南沙区 --year 2021
      fengong export --format jsonl --out - | jq .text
    """
    from pipeline.export import STREAMABLE
    from pipeline.export import export as write_export
    from pipeline.reading import FeedError, parse_since

    if out == "-" and fmt not in STREAMABLE:
        raise OptionError(
            f"--out -: standard output takes jsonl or csv; give the {fmt} feed a file name"
        )
    if unit_sheets and fmt != "xlsx":
        raise OptionError("--unit-sheets: only the xlsx ledger has unit sheets")
    try:
        since_utc = parse_since(since) if since else None
    except FeedError as exc:
        raise OptionError(printable(exc)) from None
    err = console(stderr=True)
    result = write_export(
        db,
        out,
        fmt,
        region=region,
        year=year,
        unit=unit,
        since=since_utc,
        raw_csv=raw_csv,
        unit_sheets=unit_sheets,
        lock_timeout=lock_timeout,
    )
    for note in result.notes:
        err.print(f"cut {printable(note)}")
    removed = f" ({result.removed} removed)" if since else ""
    schema = f" and its schema {printable(result.schema_path)}" if result.schema_path else ""
    where = printable(result.path) if result.path else "standard output"
    err.print(f"{result.tasks} tasks{removed} → {where}{schema}")
    if result.latest_change:
        err.print(
            f"latest change {result.latest_change.isoformat(sep=' ')} UTC: "
            f"--since '{result.latest_change.isoformat(sep=' ')}' next time gives what "
            "changes after this export"
        )
