"""`fengong query`: one read-only statement on the warehouse, confined to it.

Three walls, each DuckDB's own:

- the connection is read-only, so no statement can change the warehouse;
- `enable_external_access = false`: no file but the warehouse itself is opened (no
  read_csv('/etc/passwd'), COPY … TO, ATTACH, INSTALL or LOAD), and
  `lock_configuration = true`: no SET or PRAGMA can lift that;
- the text is split by DuckDB's own parser (`extract_statements`) and run only when it is
  one SELECT (DESCRIBE, SHOW, SUMMARIZE and FROM-first queries are SELECTs) or EXPLAIN.

    columns, rows = run("fengong.duckdb", "select count(*) from v_tasks")

Anything else raises QueryRefused with one line; DuckDB's own errors (syntax, a missing
column) raise QueryFailed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from schemas.errors import FengongError
from warehouse.errors import first_line

CONFINED: dict[str, Any] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
}
READS = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}


class QueryRefused(FengongError):
    """The SQL is not one read-only statement; the message says what was refused."""

    def __init__(self, reason: str, hint: str | None = None) -> None:
        super().__init__(f"query refused: {reason}", hint)


class QueryFailed(FengongError):
    """DuckDB could not run the statement; the message is its first line."""

    def __init__(self, reason: str, hint: str | None = None) -> None:
        super().__init__(f"query failed: {reason}", hint)


def run(
    db: str | Path, sql: str, lock_timeout: float = 60.0
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The column names and rows of one SELECT on the warehouse at `db`, run read-only with
    no access to other files or databases. Raises QueryRefused, QueryFailed, and
    WarehouseError when the warehouse cannot be opened (see Warehouse.open)."""
    from pipeline.reading import reading

    with reading(db, lock_timeout, config=CONFINED) as wh:
        try:
            statements = wh.con.extract_statements(sql)
        except duckdb.Error as exc:
            raise QueryFailed(first_line(exc)) from None
        if len(statements) != 1:
            raise QueryRefused(
                f"{len(statements)} statements: fengong query runs exactly one SELECT"
            )
        kind = statements[0].type
        if kind not in READS:
            raise QueryRefused(
                f"{kind.name} statements are not run: fengong query runs one read-only "
                "SELECT (tables and settings: select * from duckdb_tables(), "
                "duckdb_settings(), pragma_table_info('v_tasks'))"
            )
        try:
            cur = wh.con.execute(statements[0])
            columns = [d[0] for d in cur.description or []]
            return columns, cur.fetchall()
        except duckdb.PermissionException as exc:
            raise QueryRefused(
                f"{first_line(exc)} (fengong query reads the warehouse only)"
            ) from None
        except (duckdb.IOException, duckdb.InternalException, duckdb.FatalException):
            raise  # the warehouse file itself: the command line says it is damaged
        except duckdb.Error as exc:
            raise QueryFailed(first_line(exc)) from None
