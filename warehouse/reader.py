"""A warehouse opened to read, without the writer's machinery.

    with ReadOnly.open("fengong.duckdb") as wh:
        rows = wh.sql("select * from v_tasks").fetchall()

warehouse/store.Warehouse opens a file to write and brings the notice model (pydantic), the
year-over-year links and numpy with it; a command that only reads (`fengong diff`, `unit`,
`query`, the feeds: pipeline/reading.py) opens the file here, at a fraction of the start-up
(issue 16, start-up). The same rules as Warehouse.open(read_only=True): DuckDB's file lock
waited for up to lock_timeout seconds, one-line WarehouseErrors for a missing, empty, foreign
or damaged file. Migrating an older warehouse is the writer's work (pipeline/reading.py opens
a Warehouse for it when one is missing).

`Readable` is what a reader needs of an open warehouse (`con`, `path`, `sql`): both a
ReadOnly and a Warehouse are one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self

import duckdb

from warehouse import locks
from warehouse.errors import WarehouseError, describe


class Readable(Protocol):
    """An open warehouse to read: a ReadOnly, or a warehouse/store.Warehouse."""

    con: duckdb.DuckDBPyConnection
    path: str

    def sql(self, query: str, params: list[Any] | None = None) -> duckdb.DuckDBPyConnection: ...


@dataclass(frozen=True)
class MigrationFile:
    """A migration of this fengong, by its file name only (warehouse/migrations/)."""

    version: int
    name: str


def migration_files() -> list[MigrationFile]:
    """This fengong's migrations, by version (their SQL is read by the writer only). The
    folder beside this module, where the package data is installed (warehouse/store.py finds
    the same files through importlib.resources, which costs a read command ~20 ms to load)."""
    folder = Path(__file__).resolve().parent / "migrations"
    found = [
        MigrationFile(int(e.name.split("_", 1)[0]), e.name)
        for e in folder.iterdir()
        if e.name.endswith(".sql")
    ]
    return sorted(found, key=lambda m: m.version)


def connect(
    path: str, read_only: bool, lock_timeout: float, config: dict[str, Any]
) -> duckdb.DuckDBPyConnection:
    """DuckDB's connection, waiting up to lock_timeout seconds for a conflicting lock
    (as warehouse/store.py's writer does). Raises WarehouseError: the lock still held,
    saying who holds it (warehouse/locks.py), or the file unusable (warehouse/errors.py)."""
    deadline = time.monotonic() + lock_timeout
    delay = 0.05
    while True:
        try:
            return duckdb.connect(path, read_only=read_only, config=config)
        except duckdb.IOException as exc:
            if "could not set lock" not in str(exc).lower():
                raise describe(path, exc) from None
            if time.monotonic() >= deadline:
                who = locks.holder(path)
                doing = who.says() if who else "another process is using this warehouse"
                raise WarehouseError(
                    f"{path}: {doing}; waited {lock_timeout:g} s "
                    "(raise --lock-timeout or try later)"
                ) from None
            time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
            delay = min(delay * 2, 1.0)
        except duckdb.Error as exc:
            raise describe(path, exc) from None


class ReadOnly:
    """A warehouse file opened read-only (readers in other processes are not locked out)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str) -> None:
        self.con = con
        self.path = path

    @classmethod
    def open(
        cls, path: str | Path, *, lock_timeout: float = 60.0, config: dict[str, Any] | None = None
    ) -> ReadOnly:
        """Open `path` to read; `config` is DuckDB's connection configuration (`fengong
        query` confines itself with it). Raises WarehouseError, one line each: nothing at
        `path`; an empty DuckDB file; one that is not a fengong warehouse; the lock still
        held after lock_timeout seconds; StorageError for a damaged file."""
        path = str(path)
        if not Path(path).is_file():
            raise WarehouseError(
                f"{path}: no warehouse here (run fengong ingest first, or pass --db)"
            )
        con = connect(path, True, lock_timeout, config or {})
        wh = cls(con, path)
        try:
            if not wh.recorded_migrations():
                raise WarehouseError(
                    f"{path}: an empty DuckDB file, no fengong warehouse yet "
                    "(run fengong ingest first, or pass --db)"
                )
        except WarehouseError:
            con.close()
            raise
        except duckdb.Error as exc:
            con.close()
            raise describe(path, exc) from None
        return wh

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.close()
        except duckdb.Error as error:
            if exc is None:  # else the error already on its way says more
                raise describe(self.path, error) from None

    def close(self) -> None:
        self.con.close()

    def recorded_migrations(self) -> set[int]:
        """The migrations this file records (none: an empty file). Raises WarehouseError
        for a DuckDB file that holds tables or views of its own but is not a fengong
        warehouse."""
        own = {
            str(r[0])
            for r in self.con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
                " AND NOT temporary UNION ALL SELECT view_name FROM duckdb_views()"
                " WHERE database_name = current_database() AND NOT internal AND NOT temporary"
            ).fetchall()
        }
        if not own:
            return set()
        rows = (
            self.con.execute("SELECT version, name FROM schema_migrations").fetchall()
            if "schema_migrations" in own
            else []
        )
        if own == {"schema_migrations"} and not rows:
            return set()  # a first migration cut off by an older fengong: an empty file
        if (1, migration_files()[0].name) not in rows:
            listed = ", ".join(sorted(own)[:5]) + (", …" if len(own) > 5 else "")
            raise WarehouseError(
                f"{self.path}: a DuckDB database that is not a fengong warehouse (it holds "
                f"{listed}); fengong leaves it alone: pass another --db"
            )
        return {int(r[0]) for r in rows}

    def missing_migrations(self) -> list[int]:
        """The versions of this fengong's migrations that the file has not applied."""
        done = {r[0] for r in self.con.execute("SELECT version FROM schema_migrations").fetchall()}
        return [m.version for m in migration_files() if m.version not in done]

    def sql(self, query: str, params: list[Any] | None = None) -> duckdb.DuckDBPyConnection:
        return self.con.execute(query, params or [])
