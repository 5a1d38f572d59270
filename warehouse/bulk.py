"""Many rows into one table in one statement, naming the columns.

DuckDB's executemany runs one INSERT per row (~25 ms for a notice's assignments); scanning
the rows as one Arrow table is one INSERT (~1 ms). The columns are named, so where a column
stands in its table does not matter (warehouse/mapping.py gives a notice's rows).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the parser workers import this module (through warehouse/links.py), not DuckDB
    import duckdb


def insert(
    con: duckdb.DuckDBPyConnection, table: str, columns: Mapping[str, Sequence[Any]]
) -> None:
    """Append rows given column by column (name → values, all of one length) to a table;
    no rows, no statement."""
    names = list(columns)
    if not names or not len(columns[names[0]]):
        return
    # DuckDB finds the Arrow table by this variable's name (a replacement scan): no
    # register/unregister round trip.
    import pyarrow as pa  # type: ignore[import-untyped]  # only a writer pays its import

    _fengong_rows = pa.table({name: pa.array(columns[name]) for name in names})
    listed = ", ".join(f'"{name}"' for name in names)
    con.execute(f"INSERT INTO {table} ({listed}) SELECT {listed} FROM _fengong_rows")


def warm_up() -> None:
    """Load now what the first insert loads (pyarrow, which loads pandas on its first array:
    ~0.25 s here): a batch's writer calls this while its parser workers start, rather than
    paying it at its first commit while they wait."""
    import pyarrow as pa

    pa.array([0])


def by_column(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> dict[str, list[Any]]:
    """Rows (tuples in the order of `names`) as columns."""
    if not rows:
        return {name: [] for name in names}
    return {name: list(values) for name, values in zip(names, zip(*rows, strict=True), strict=True)}
