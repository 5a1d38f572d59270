"""Rows as every read command prints them: ``--format table|csv|json|jsonl|markdown``.

One set of rules for `query`, `diff`, `unit`, `units` and `notices` (and the CSV feed):

- **csv** (RFC 4180): ISO 8601 dates and times, ``true``/``false``, an empty cell for NULL,
  lists and structs as JSON (never a Python repr such as ``{'k': 1}``). A text cell that
  begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'`` so
  that Excel and LibreOffice show it instead of running it as a formula (OWASP's "CSV
  injection" advice; hostile.md case 3); ``raw=True`` (``--raw-csv``) writes cells as they
  are, for programs that read the CSV.
- **json**: one array of objects; **jsonl**: one object per line. Dates ISO, NaN as null.
- **markdown**: a GitHub table, ``|`` escaped, line breaks as ``<br>``.
- **table**: a Rich table of plain text (never markup), control characters escaped, never
  cut to 80 columns when piped (pipeline/printable.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
import math
import uuid
from collections.abc import Iterable, Sequence
from typing import IO, Any

from pipeline.printable import console, printable_cell

FORMATS = ("table", "csv", "json", "jsonl", "markdown")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A CSV text cell a spreadsheet would run as a formula, with a leading ``'``."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def json_value(value: Any) -> Any:
    """A value as JSON has it: ISO dates and times, lists and dicts through, numbers as
    numbers (NaN and infinities as null), anything else as its text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_value(v) for v in value]
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, uuid.UUID | dt.timedelta):
        return str(value)
    return str(value)


def dumps(value: Any, indent: int | None = None) -> str:
    """JSON text: UTF-8 characters as they are, values through `json_value`."""
    return json.dumps(json_value(value), ensure_ascii=False, indent=indent)


def csv_cell(value: Any, raw: bool = False) -> str:
    """One CSV cell by the rules above."""
    if type(value) is str:  # the common case first
        return value if raw or not value.startswith(FORMULA_START) else "'" + value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return ""
    if isinstance(value, int | float | decimal.Decimal):
        return str(value)  # a number is no formula: -5 stays -5
    if isinstance(value, list | tuple | dict | set | frozenset):
        text = dumps(value)
    elif isinstance(value, dt.datetime | dt.date | dt.time):
        text = value.isoformat()
    else:
        text = str(value)
    return text if raw else neutralise(text)


def write_csv(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], stream: IO[str], raw: bool = False
) -> int:
    """The header and the rows as CSV; returns the number of rows."""
    writer = csv.writer(stream)
    writer.writerow([csv_cell(c, raw) for c in columns])
    n = 0
    for row in rows:
        writer.writerow([csv_cell(v, raw) for v in row])
        n += 1
    return n


def _markdown_cell(value: Any) -> str:
    if value is None:
        return ""
    text = csv_cell(value, raw=True)
    return printable_cell(text).replace("|", "\\|").replace("\n", "<br>")


def _table_cell(value: Any) -> str:
    if value is None:
        return ""
    return printable_cell(csv_cell(value, raw=True))


def print_rows(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    fmt: str,
    stream: IO[str] | None = None,
    *,
    raw_csv: bool = False,
    title: str | None = None,
) -> None:
    """Print rows in one of FORMATS to `stream` (standard output by default). `title` heads a
    table (and is a ``###`` line above a markdown table); csv/json/jsonl carry no title."""
    import sys

    out = stream or sys.stdout
    if fmt == "csv":
        write_csv(columns, rows, out, raw_csv)
    elif fmt == "json":
        out.write(dumps([dict(zip(columns, r, strict=True)) for r in rows], indent=1) + "\n")
    elif fmt == "jsonl":
        for r in rows:
            out.write(dumps(dict(zip(columns, r, strict=True))) + "\n")
    elif fmt == "markdown":
        if title:
            out.write(f"### {_markdown_cell(title)}\n\n")
        out.write("| " + " | ".join(_markdown_cell(c) for c in columns) + " |\n")
        out.write("|" + "|".join("---" for _ in columns) + "|\n")
        for r in rows:
            out.write("| " + " | ".join(_markdown_cell(v) for v in r) + " |\n")
        if title:
            out.write("\n")
    elif fmt == "table":
        from rich.table import Table  # rich loads only for a table printed
        from rich.text import Text

        table = Table(title=Text(printable_cell(title)) if title else None, title_justify="left")
        for c in columns:
            table.add_column(Text(printable_cell(c)))
        for r in rows:
            table.add_row(*(Text(_table_cell(v)) for v in r))
        console_ = console()
        if stream is not None:
            console_.file = stream
        console_.print(table)
    else:
        raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
