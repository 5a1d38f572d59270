"""The DuckDB warehouse: recorded migrations, one transaction per notice, public views.

with Warehouse.open("fengong.duckdb") as wh:
    status = wh.store(notice)   # "ingested" | "replaced" | "unchanged"
    rows = wh.sql("select * from v_tasks").fetchall()
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import duckdb

from schemas import Notice
from warehouse import bulk, changes, links

StoreStatus = Literal["ingested", "replaced", "unchanged"]
_TABLES = (
    "sections",
    "tasks",
    "clauses",
    "assignments",
    "unit_aliases",
    "notice_references",
    "warnings",
)


class WarehouseError(Exception):
    """The warehouse cannot be opened or written; the message says what to do."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    folder = resources.files("warehouse").joinpath("migrations")
    out = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            version = int(entry.name.split("_", 1)[0])
            out.append(Migration(version, entry.name, entry.read_text(encoding="utf-8")))
    return sorted(out, key=lambda m: m.version)


def _views_sql() -> str:
    return resources.files("warehouse").joinpath("views.sql").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Logged:
    """Asks store() to write the file's ingest_log row in the notice's own transaction."""

    file: str
    seconds: float  # spent on the file before the store (reading and parsing)


class Warehouse:
    def __init__(self, con: duckdb.DuckDBPyConnection, path: str) -> None:
        self.con = con
        self.path = path
        self.links = links.Linker(con)  # this writer's year-over-year links

    @classmethod
    def open(
        cls, path: str | Path, *, read_only: bool = False, lock_timeout: float = 60.0
    ) -> Warehouse:
        """Open (creating and migrating) a warehouse. Another process writing to it holds
        DuckDB's file lock: wait for it up to lock_timeout seconds, then say so."""
        path = str(path)
        deadline = time.monotonic() + lock_timeout
        delay = 0.05
        while True:
            try:
                con = duckdb.connect(path, read_only=read_only)
                break
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise WarehouseError(f"{path}: cannot open the warehouse: {exc}") from None
                if time.monotonic() >= deadline:
                    raise WarehouseError(
                        f"{path}: another fengong process is writing to this warehouse; "
                        f"waited {lock_timeout:g} s (raise --lock-timeout or try later)"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 1.0)
            except duckdb.Error as exc:
                raise WarehouseError(f"{path}: not a fengong warehouse: {exc}") from None
        wh = cls(con, path)
        if not read_only:
            wh.migrate()
        return wh

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    # schema ---------------------------------------------------------------------------------
    def migrate(self) -> list[int]:
        """Apply the migrations this file has not seen, each in its own transaction; then
        re-create the views. Returns the versions applied."""
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
        )
        done = {
            row[0] for row in self.con.execute("SELECT version FROM schema_migrations").fetchall()
        }
        applied = []
        for m in migrations():
            if m.version in done:
                continue
            self.con.execute("BEGIN TRANSACTION")
            try:
                self.con.execute(m.sql)
                self.con.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)", [m.version, m.name, _now()]
                )
                self.con.execute("COMMIT")
            except duckdb.Error:
                self.con.execute("ROLLBACK")
                raise
            applied.append(m.version)
        self.con.execute(_views_sql())
        # Links for notices stored before migration 002, or by an older alignment method.
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.links.sync()
            self.con.execute("COMMIT")
        except duckdb.Error:
            self.con.execute("ROLLBACK")
            raise
        return applied

    def missing_migrations(self) -> list[int]:
        """The versions of this fengong's migrations that the file has not applied (a test
        or an old tool may have applied a later one without an earlier one)."""
        rows = self.con.execute("SELECT version FROM schema_migrations").fetchall()
        done = {row[0] for row in rows}
        return [m.version for m in migrations() if m.version not in done]

    def schema_version(self) -> int:
        # fetchall: a result left half-read makes DuckDB refuse the connection's next query
        (row,) = self.con.execute("SELECT max(version) FROM schema_migrations").fetchall()
        return int(row[0]) if row[0] is not None else 0

    # writing --------------------------------------------------------------------------------
    def status_of(self, notice: Notice) -> StoreStatus:
        """unchanged when this file (by content) has carried this notice before; replaced when
        the notice is stored from another file; else ingested."""
        return self._state(notice)[0]

    def _state(self, notice: Notice) -> tuple[StoreStatus, bool]:
        """The status, and whether this file is already among the notice's sources (a file
        that carried the notice before another replaced it)."""
        ((stored, seen),) = self.con.execute(
            "SELECT EXISTS (SELECT 1 FROM notices WHERE notice_id = $id),"
            " EXISTS (SELECT 1 FROM notice_sources WHERE notice_id = $id AND sha256 = $sha)",
            {"id": notice.notice_id, "sha": notice.source.sha256},
        ).fetchall()
        if stored and seen:
            return "unchanged", True
        return ("replaced" if stored else "ingested"), bool(seen)

    def store(self, notice: Notice, log: Logged | None = None) -> StoreStatus:
        """Write one notice in one transaction: the same file twice changes nothing; a changed
        file for the same notice replaces every row of the old one. With `log`, the file's
        ingest_log row is written in the same transaction."""
        started = time.perf_counter()
        status, seen = self._state(notice)
        if status == "unchanged":
            if log:
                self.log(
                    log.file, notice.source.sha256, notice.notice_id, status, None, log.seconds
                )
            return status
        at = _now()
        self.con.execute("BEGIN TRANSACTION")
        try:
            before: dict[str, str] = {}
            if status == "replaced":  # a new notice has no old rows to digest or delete
                before = changes.digests(self.con, notice.notice_id)  # the old rows
                self._delete(notice.notice_id)
            self._insert(notice, at)
            if status == "replaced":
                changes.record(self.con, notice.notice_id, before, at)  # new, changed, gone
            else:
                changes.record_new(self.con, notice.notice_id, _change_rows(notice), at)
            self.links.put(notice)
            self.links.sync([notice.notice_id])  # the year-over-year links
            if not seen:
                self.con.execute(
                    "INSERT INTO notice_sources VALUES (?, ?, ?, ?, ?)",
                    [
                        notice.notice_id,
                        notice.source.sha256,
                        notice.source.path,
                        notice.source.format,
                        at,
                    ],
                )
            if log:
                seconds = log.seconds + time.perf_counter() - started
                self.log(log.file, notice.source.sha256, notice.notice_id, status, None, seconds)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            self.links.forget()  # what it holds of this notice was rolled back
            raise
        return status

    def _delete(self, notice_id: str) -> None:
        for table in (*_TABLES, "notices"):
            self.con.execute(f"DELETE FROM {table} WHERE notice_id = ?", [notice_id])

    def _insert(self, n: Notice, at: dt.datetime) -> None:
        m = n.meta
        self.con.execute(
            "INSERT INTO notices VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                n.notice_id,
                m.title,
                m.plan_title,
                m.issuer,
                m.region,
                m.year,
                m.publish_date,
                m.sign_date,
                m.doc_number,
                m.addressees,
                n.source.path,
                n.source.sha256,
                n.source.format,
                n.source.size,
                n.version,
                [w.message for w in n.warnings],
                n.preamble,
                at,
            ],
        )
        self._many(
            "sections",
            [
                [n.notice_id, s.key, s.level, s.label, s.title, i, _prov(s.provenance)]
                for i, s in enumerate(n.sections)
            ],
        )
        self._many(
            "tasks",
            [
                [
                    n.notice_id,
                    t.task_id,
                    t.key,
                    t.section_key,
                    t.label,
                    t.text,
                    t.detail,
                    t.deadline,
                    t.deadline_text,
                    t.clause_id,
                    t.inherited,
                    i,
                    _prov(t.provenance),
                ]
                for i, t in enumerate(n.tasks)
            ],
        )
        self._many(
            "clauses",
            [
                [n.notice_id, c.clause_id, c.text, c.requirements, _prov(c.provenance)]
                for c in n.clauses
            ],
        )
        self._many(
            "assignments",
            [
                [
                    n.notice_id,
                    t.task_id,
                    t.key,
                    t.clause_id,
                    a.org,
                    a.org_raw,
                    a.role,
                    a.inherited,
                    i,
                ]
                for t in n.tasks
                for i, a in enumerate(t.assignments)
            ],
        )
        self._many(
            "unit_aliases",
            [
                [n.notice_id, u.name, alias, u.collective]
                for u in n.units
                for alias in [u.name, *u.aliases]
            ],
        )
        self._many(
            "notice_references", [[n.notice_id, r.doc_number, r.title] for r in m.references]
        )
        self._many(
            "warnings",
            [
                [
                    n.notice_id,
                    i,
                    w.task_key,
                    w.kind,
                    w.message,
                    _prov(w.provenance) if w.provenance else None,
                ]
                for i, w in enumerate(n.warnings)
            ],
        )

    def _many(self, table: str, rows: list[list[Any]]) -> None:
        bulk.insert(self.con, table, rows)

    def log(
        self,
        file: str,
        sha256: str | None,
        notice_id: str | None,
        status: str,
        error: str | None,
        seconds: float,
    ) -> None:
        self.con.execute(
            "INSERT INTO ingest_log VALUES (?, ?, ?, ?, ?, ?, ?)",
            [file, sha256, notice_id, status, error, seconds, _now()],
        )

    # reading --------------------------------------------------------------------------------
    def sql(self, query: str, params: list[Any] | None = None) -> duckdb.DuckDBPyConnection:
        return self.con.execute(query, params or [])


def _change_rows(n: Notice) -> list[tuple[str, str, str, list[str]]]:
    return [(t.task_id, t.key, t.text, sorted({a.org for a in t.assignments})) for t in n.tasks]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _prov(prov: Any) -> str:
    return json.dumps(prov.model_dump(exclude_none=True), ensure_ascii=False)
