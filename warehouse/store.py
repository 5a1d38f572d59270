"""The DuckDB warehouse: recorded migrations, notices stored whole, public views.

with Warehouse.open("fengong.duckdb") as wh:
    stored = wh.store(notice)   # .status: "ingested" | "replaced" | "unchanged" | "kept"
    rows = wh.sql("select * from v_tasks").fetchall()

A batch stores notices in groups, several per transaction (warehouse/groups.py:
wh.grouped()); store() is a group of one. What a store reads is held in memory by the one
connection that writes (the current version of each notice: Heads; the year-over-year series
and pairs: warehouse/links.Linker), and what it looks up on disk it finds through the
notice_id indexes (migration 006), so its cost does not grow with the warehouse.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from schemas import Notice
from warehouse import bulk, changes, links, versions
from warehouse.errors import WarehouseError, describe
from warehouse.groups import Done, Group, Logged, Stored, StoreStatus
from warehouse.mapping import MAPS
from warehouse.reader import ReadOnly, connect

__all__ = ["Logged", "Migration", "StoreStatus", "Stored", "Warehouse", "WarehouseError"]

# A notice's own tables besides notices (rows deleted when it is replaced or removed).
_TABLES = tuple(t for t in MAPS if t != "notices")
# Reads a plan's kind from its title and region (parsers/kinds.plan_kind): given by the
# caller, since the warehouse never reads titles itself.
KindReader = Callable[[str | None, str | None], str | None]


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


class Heads:
    """The sha256 of each stored notice's current version, and the notices removed: what
    a store checks first (unchanged? new? stored before?), held by the one writing
    connection; read once (two small scans), then kept current by the stores."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._current: dict[str, str] | None = None
        self._removed: set[str] = set()

    def state(self, notice_id: str) -> tuple[str | None, bool]:
        """(sha256 of the current version or None, whether it was stored once and removed)."""
        if self._current is None:
            self._current = dict(
                self.con.execute("SELECT notice_id, sha256 FROM notices").fetchall()
            )
            self._removed = {
                r[0] for r in self.con.execute("SELECT notice_id FROM removed_notices").fetchall()
            }
        return self._current.get(notice_id), notice_id in self._removed

    def put(self, notice_id: str, sha256: str | None) -> None:
        """A store's outcome (None: removed)."""
        if self._current is None:
            return  # not read yet: it will be read with this store in it
        if sha256 is None:
            self._current.pop(notice_id, None)
            self._removed.add(notice_id)
        else:
            self._current[notice_id] = sha256
            self._removed.discard(notice_id)

    def forget(self) -> None:
        self._current = None
        self._removed = set()


class Warehouse(ReadOnly):
    """A warehouse open to write (or, with read_only, to read with the writer's methods):
    the connection, recorded migrations and closing of warehouse/reader.ReadOnly, plus
    migrating, storing and the year-over-year links."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str) -> None:
        super().__init__(con, path)
        self.links = links.Linker(con)  # this writer's year-over-year links
        self.heads = Heads(con)  # this writer's view of each notice's current version

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        read_only: bool = False,
        lock_timeout: float = 60.0,
        config: dict[str, Any] | None = None,
        plan_kind: KindReader | None = None,
    ) -> Warehouse:
        """Open a warehouse; for writing, create and migrate it. `config` is DuckDB's
        connection configuration (`fengong query` confines itself with it). `plan_kind`
        (parsers/kinds.plan_kind) gives notices stored before migration 006 their kind.

        Another process holding DuckDB's file lock is waited for up to lock_timeout
        seconds. Raises WarehouseError, one line each: nothing to read at `path`; the lock
        still held (saying whether a reader or a writer holds it, see warehouse/locks.py);
        a DuckDB file that is not a fengong warehouse (its own tables, or no 001_init in
        its schema_migrations); a warehouse of a newer fengong opened for writing (reading
        it goes on where the views hold); StorageError for a damaged file or a full disk."""
        path = str(path)
        if read_only and not Path(path).is_file():
            raise WarehouseError(
                f"{path}: no warehouse here (run fengong ingest first, or pass --db)"
            )
        con = connect(path, read_only, lock_timeout, config or {})
        wh = cls(con, path)
        try:
            recorded = wh.recorded_migrations()
            if read_only and not recorded:
                raise WarehouseError(
                    f"{path}: an empty DuckDB file, no fengong warehouse yet "
                    "(run fengong ingest first, or pass --db)"
                )
            if not read_only:
                newer = recorded - {m.version for m in migrations()}
                if newer:
                    raise WarehouseError(
                        f"{path}: made by a newer fengong: schema {max(recorded)} > "
                        f"{migrations()[-1].version}; upgrade fengong to write to it "
                        "(query, export and diff still read it)"
                    )
                wh.migrate(plan_kind)
        except WarehouseError:
            con.close()
            raise
        except duckdb.Error as exc:
            con.close()
            raise describe(path, exc) from None
        return wh

    def migrate(self, plan_kind: KindReader | None = None) -> list[int]:
        """Apply the migrations this file has not seen, each in its own transaction; then
        re-create the views. With `plan_kind`, notices stored before migration 006 get their
        kind. The year links are checked whole when a migration was applied or links of an
        older method are stored. Returns the versions applied."""
        done = self.recorded_migrations()
        applied = []
        for m in migrations():
            if m.version in done:
                continue
            self.con.execute("BEGIN TRANSACTION")
            try:
                # in the migration's transaction: a first one cut off (Ctrl-C, a full disk)
                # leaves an empty file, not a lone table that reads as someone else's
                self.con.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
                    " name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
                )
                self.con.execute(m.sql)
                self.con.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)", [m.version, m.name, _now()]
                )
                self.con.execute("COMMIT")
            except BaseException:  # an interrupt too (errors.is_interrupt: no duckdb.Error)
                self.rollback()
                raise
            applied.append(m.version)
        self.con.execute(_views_sql())
        kinds = self._fill_kinds(plan_kind) if plan_kind else 0
        # Links for notices stored before migration 002, or by an older alignment method.
        if applied or kinds or self.links.outdated():
            self.relink()
        return applied

    def relink(self) -> None:
        """Check every year pair in one transaction: the pairs that should be there are
        computed (those missing aligned, stale ones deleted)."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.links.sync()
            self.links.write()
            self.con.execute("COMMIT")
        except BaseException:
            self.rollback()
            self.forget()
            raise

    def _fill_kinds(self, plan_kind: KindReader) -> int:
        """Give notices stored before migration 006 their plan kind; returns how many."""
        rows = self.con.execute(
            "SELECT notice_id, plan_title, region FROM notices"
            " WHERE plan_kind IS NULL AND plan_title IS NOT NULL"
        ).fetchall()
        if not rows:
            return 0
        self.con.execute(
            "UPDATE notices SET plan_kind = k.kind"
            " FROM (SELECT unnest($ids) AS id, unnest($kinds) AS kind) k WHERE notice_id = k.id",
            {"ids": [r[0] for r in rows], "kinds": [plan_kind(r[1], r[2]) for r in rows]},
        )
        self.links.forget()
        return len(rows)

    def forget(self) -> None:
        """Drop what this writer holds in memory (after a rollback): read again on use."""
        self.links.forget()
        self.heads.forget()

    def rollback(self) -> None:
        """Roll back the open transaction. A COMMIT that failed (a full disk) has already
        been rolled back by DuckDB, which then refuses a ROLLBACK: that refusal must not
        hide the error that caused it."""
        with contextlib.suppress(duckdb.TransactionException):
            self.con.execute("ROLLBACK")

    def schema_version(self) -> int:
        # fetchall: a result left half-read makes DuckDB refuse the connection's next query
        (row,) = self.con.execute("SELECT max(version) FROM schema_migrations").fetchall()
        return int(row[0]) if row[0] is not None else 0

    # writing --------------------------------------------------------------------------------
    def grouped(self, size: int = 50, seconds: float = 1.0, on_done: Done | None = None) -> Group:
        """A group of notices stored in one transaction (warehouse/groups.py): committed at
        `size` files or when its first file has waited `seconds`; `on_done(token, stored,
        error)` hears each file once it is committed."""
        return Group(self, size=size, seconds=seconds, on_done=on_done)

    def store(self, notice: Notice, log: Logged | None = None, *, replace: bool = False) -> Stored:
        """Write one file's reading of a notice in one transaction (warehouse/versions.py):
        the file is recorded as a version of the notice; its reading becomes the notice's
        rows when the notice is new (ingested) or it does not read worse than the current
        version (replaced, which replaces every row of the old reading, keeps task_changes
        and the year links current, and fills metadata the reading lacks from the other
        versions); else the stored reading stays (kept, saying why). `replace` takes the
        reading whatever it gives. The current version's own file changes nothing
        (unchanged). With `log`, the file's ingest_log row is written in the same
        transaction. Raises what the store met (nothing of the notice is then stored)."""
        done: list[Stored | None] = []
        group = Group(self, size=1, seconds=0.0, raise_errors=True)
        group.on_done = lambda token, stored, error: done.append(stored)
        group.add(notice, log, None, replace=replace)
        group.commit()
        assert done and done[0] is not None
        return done[0]

    def store_alone(
        self, notice: Notice, log: Logged | None = None, *, replace: bool = False
    ) -> Stored:
        """store() for a notice already stored, or removed once: in its own transaction,
        which reads its versions and old rows (by their notice_id indexes)."""
        started = time.perf_counter()
        own = notice
        current, removed = self.heads.state(notice.notice_id)
        at = _now()
        self.con.execute("BEGIN TRANSACTION")
        try:
            stored = Stored("ingested")
            if current is None:
                self._insert(notice, at)
                if removed:  # its tasks come back: stamped as changed now
                    self.con.execute(
                        "DELETE FROM removed_notices WHERE notice_id = ?", [notice.notice_id]
                    )
                    changes.record(self.con, notice, changes.stamps(self.con, notice.notice_id), at)
                else:
                    bulk.insert(self.con, "task_changes", changes.new_columns(notice, at))
                self._link(notice)  # the year-over-year links
            else:
                known = versions.load(self.con, notice.notice_id)
                others = [v for sha, v in known.items() if sha != own.source.sha256]
                # (a current version not on record reads as unknown: the new reading is taken)
                stored_version = known.get(current) or versions.Version(
                    current, "?", "?", None, None, at
                )
                verdict = versions.choose(
                    versions.Reading.of(notice),
                    stored_version,
                    seen=own.source.sha256 in known,
                    replace=replace,
                )
                if verdict.take:
                    stored = Stored("replaced")
                    notice = notice.model_copy(
                        update={"meta": versions.merged(notice.meta, others)}
                    )
                    before = changes.stamps(self.con, notice.notice_id)  # of the old rows
                    self._delete(notice.notice_id)
                    self._insert(notice, at)
                    changes.record(self.con, notice, before, at)  # new, changed, gone
                    self._link(notice)
                else:
                    stored = Stored("kept", verdict.why, verdict.worse)
                    self._fill_meta(own.notice_id, stored_version, others, _version(own, at))
            versions.put(self.con, own, at)
            if log:
                seconds = log.seconds + time.perf_counter() - started
                self.log(log.file, own.source.sha256, own.notice_id, stored.status, None, seconds)
            self.links.write()
            self.con.execute("COMMIT")
        except BaseException:
            self.rollback()
            self.forget()  # what it holds of this notice was rolled back
            raise
        if stored.status != "kept":
            self.heads.put(notice.notice_id, own.source.sha256)
        return stored

    def _link(self, notice: Notice) -> None:
        """Stage a notice's year links (written with its transaction)."""
        place = links.series_row(notice.notice_id, notice.meta)
        self.links.stage(notice.notice_id, place, links.notice_texts(notice))

    def _fill_meta(
        self,
        nid: str,
        current: versions.Version,
        others: list[versions.Version],
        new: versions.Version,
    ) -> None:
        """The stored notice's metadata, filled from a kept file's version `new` where the
        current reading and the other versions lack a field (the publish date a web page
        carries and the Word attachment stored before it does not)."""
        if current.meta is None:
            return
        before = versions.merged(current.meta, others)
        after = versions.merged(current.meta, [*others, new])
        if after == before:
            return
        self.con.execute(
            "UPDATE notices SET title = $title, plan_title = $plan_title, issuer = $issuer,"
            " publish_date = $publish_date, sign_date = $sign_date, doc_number = $doc_number,"
            " addressees = $addressees, plan_kind = $plan_kind WHERE notice_id = $id",
            {
                "id": nid,
                **after.model_dump(
                    include={
                        "title",
                        "plan_title",
                        "issuer",
                        "publish_date",
                        "sign_date",
                        "doc_number",
                        "addressees",
                        "plan_kind",
                    }
                ),
            },
        )
        if after.references != before.references:
            self.con.execute("DELETE FROM notice_references WHERE notice_id = ?", [nid])
            refs = MAPS["notice_references"]
            bulk.insert(self.con, refs.table, refs.columns_for(nid, after.references))
        self.links.place(nid, after)

    def find(self, key: str, sha256: str | None = None) -> list[str]:
        """The notices `key` names: a notice_id, or a path a version was ingested from; with
        `sha256` (a file's content hash) also the notice that file is a version of."""
        rows = self.con.execute(
            "SELECT notice_id FROM notices WHERE notice_id = $key"
            " UNION SELECT notice_id FROM notice_versions WHERE path = $key OR sha256 = $sha"
            " ORDER BY 1",
            {"key": key, "sha": sha256},
        ).fetchall()
        return [str(r[0]) for r in rows]

    def remove(self, notice_id: str) -> int:
        """Remove a stored notice in one transaction: its rows and versions go; its tasks
        stay in task_changes stamped removed now and its metadata in removed_notices, so
        the feeds (export --since) report the removal; the year links of its series are
        recomputed (the plans before and after it are paired with each other). Returns how
        many tasks it had. Raises WarehouseError when no such notice is stored."""
        rows = self.con.execute(
            "SELECT source_path, sha256, (SELECT count(*) FROM tasks t"
            " WHERE t.notice_id = n.notice_id) FROM notices n WHERE notice_id = ?",
            [notice_id],
        ).fetchall()
        if not rows:
            raise WarehouseError(f"{self.path}: no notice {notice_id} stored")
        path, sha256, tasks = rows[0]
        at = _now()
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.execute(
                "INSERT OR REPLACE INTO removed_notices (notice_id, title, plan_title, issuer,"
                " region, year, publish_date, sign_date, doc_number, removed_at)"
                " SELECT notice_id, title, plan_title, issuer, region, year, publish_date,"
                " sign_date, doc_number, $at FROM notices WHERE notice_id = $id",
                {"id": notice_id, "at": at},
            )
            changes.record_removal(self.con, notice_id, at)
            self._delete(notice_id)
            self.con.execute("DELETE FROM notice_versions WHERE notice_id = ?", [notice_id])
            self.links.drop(notice_id)
            self.log(path, sha256, notice_id, "removed", None, 0.0)
            self.links.write()
            self.con.execute("COMMIT")
        except BaseException:
            self.rollback()
            self.forget()
            raise
        self.heads.put(notice_id, None)
        return int(tasks)

    def _delete(self, notice_id: str) -> None:
        for table in (*_TABLES, "notices"):
            self.con.execute(f"DELETE FROM {table} WHERE notice_id = ?", [notice_id])

    def _insert(self, n: Notice, at: dt.datetime) -> None:
        """The notice's rows, one insert per table, columns named from warehouse/mapping.py."""
        for m in MAPS.values():
            bulk.insert(self.con, m.table, m.columns_of(n, at))

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
            "INSERT INTO ingest_log (file, sha256, notice_id, status, error, seconds, logged_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [file, sha256, notice_id, status, error, seconds, _now()],
        )


def _version(notice: Notice, at: dt.datetime) -> versions.Version:
    """The version a file is about to become, as versions.load would give it."""
    s = notice.source
    reading = versions.Reading.of(notice)
    return versions.Version(s.sha256, s.path, s.format, reading, notice.meta, at)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
