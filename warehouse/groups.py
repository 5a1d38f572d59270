"""Group commit: several notices per transaction, each notice still all or nothing.

A transaction's commit costs the writer more than storing a small notice (DuckDB writes its
WAL and syncs it), so a batch stores notices in groups: a group is committed when it holds
`size` files or its first file has waited `seconds`, when the batch ends, and before a notice
that replaces or adds to one already stored (those take their own transaction, as before).

    group = Group(wh, size=50, seconds=1.0, on_done=report)
    group.add(notice, Logged(path, seconds), token=path)   # staged: rows stamped, series placed
    if group.due():
        group.commit()                                       # one transaction; then on_done(...)

What a group promises:

- **Each notice is all or nothing.** DuckDB has no savepoints, so a notice is first staged in
  memory — its rows (warehouse/rows.py: built from the model, its change stamps and its
  version, by the parser worker in a batch) stamped, its place in the year series taken
  (warehouse/links.py) — and a notice whose staging fails is reported failed and leaves
  nothing in the group. The group's rows then go in as one insert per table, and its new
  year pairs are aligned and written in the same transaction. If that transaction fails, it
  is rolled back and its files are stored again one by one, so a notice that cannot be
  stored fails alone and the others are stored.
- **A crash loses at most the open group.** Nothing of a group is on disk until its commit,
  and a file's ingest_log row (v_ingest_log) is committed with its notice, so the log says
  which files are committed; the next run finds the others not stored and ingests them again.
  `on_done` is called only after the commit, so what a batch reports is what is committed.
- **A storage error** (no space left, a damaged file: warehouse/errors.StorageError) rolls
  the group back and is raised: the batch stops, the files of the group are not stored.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import duckdb

from schemas import Notice
from warehouse import bulk
from warehouse.errors import StorageError, describe, first_line, is_interrupt
from warehouse.mapping import MAPS, Columns
from warehouse.rows import NoticeRows

if TYPE_CHECKING:
    from warehouse.store import Warehouse

StoreStatus = Literal["ingested", "replaced", "unchanged", "kept"]


@dataclass(frozen=True)
class Stored:
    """What a store did with a file: its status, and for a kept file the reason (the line
    after its path) and whether it reads worse than the stored reading."""

    status: StoreStatus
    why: str | None = None
    worse: bool = False


@dataclass(frozen=True)
class Logged:
    """Asks a store to write the file's ingest_log row in the notice's own transaction."""

    file: str
    seconds: float  # spent on the file before the store (reading and parsing)


# on_done(token, stored, error): stored is None for a file that failed (error says why)
Done = Callable[[Any, Stored | None, str | None], None]
LOG_COLUMNS = ("file", "sha256", "notice_id", "status", "error", "seconds", "logged_at")
# the order a group's rows go in (the notice's own tables first)
ORDER = (*MAPS, "task_changes", "notice_versions", "ingest_log")


@dataclass
class Entry:
    """One file of a group: its notice's rows (None for a file that failed before), and its
    outcome once staged."""

    rows: NoticeRows | None
    log: Logged | None
    token: Any
    replace: bool = False
    sha256: str | None = None  # of a failed file, when it could be read
    error: str | None = None  # a failed file's line
    stored: Stored | None = None


@dataclass
class Group:
    """Notices staged for one transaction (see the module's docstring). `raise_errors`:
    a failure raises instead of being reported (Warehouse.store, one notice at a time)."""

    wh: Warehouse
    size: int = 50
    seconds: float = 1.0
    on_done: Done | None = None
    raise_errors: bool = False
    entries: list[Entry] = field(default_factory=list)
    columns: dict[str, Columns] = field(default_factory=dict)
    opened: float = 0.0  # monotonic time of the first entry

    # staging --------------------------------------------------------------------------------
    def add(
        self,
        notice: Notice | NoticeRows,
        log: Logged | None,
        token: Any,
        *,
        replace: bool = False,
    ) -> None:
        """Stage one file's reading of a notice, the model or its rows built where it was
        parsed (the Warehouse.store semantics, ingested, replaced, kept or unchanged). A
        notice already stored, or staged in this group, takes its own transaction after the
        group is committed."""
        if isinstance(notice, NoticeRows):
            rows = notice
        else:
            try:
                rows = NoticeRows.of(notice)
            except Exception as exc:
                entry = Entry(None, log, token, replace, notice.source.sha256)
                self._failed_to_store(entry, exc, name=notice.source.path)
                return
        entry = Entry(rows, log, token, replace)
        current, removed = self.wh.heads.state(rows.notice_id)
        if current == rows.sha256:
            entry.stored = Stored("unchanged")
            self._log(entry, "unchanged", None, 0.0)
            self._put(entry)
            return
        if current is not None or removed:
            self.commit()
            self._alone(entry)
            return
        started = time.perf_counter()
        try:
            columns = rows.stamped(_now())
            # aligned now; written with the group (or nothing)
            self.wh.links.stage(rows.notice_id, rows.place, rows.texts)
        except Exception as exc:
            self._failed_to_store(entry, exc)
            return
        for table, values in columns.items():
            self._extend(table, values)
        self.wh.heads.put(rows.notice_id, rows.sha256)
        entry.stored = Stored("ingested")
        self._log(entry, "ingested", None, time.perf_counter() - started)
        self._put(entry)

    def failed(self, log: Logged, sha256: str | None, error: str, token: Any) -> None:
        """A file that could not be read or parsed: its ingest_log row goes with the group."""
        entry = Entry(None, log, token, sha256=sha256, error=error)
        self._log(entry, "failed", error, 0.0)
        self._put(entry)

    def due(self) -> bool:
        """Is the group full, or has its first file waited long enough?"""
        return bool(self.entries) and (
            len(self.entries) >= self.size or time.monotonic() - self.opened >= self.seconds
        )

    @property
    def paths(self) -> list[str]:
        """The files staged and not yet committed (lost if the process dies now)."""
        return [e.log.file if e.log else "" for e in self.entries]

    # committing -----------------------------------------------------------------------------
    def commit(self) -> None:
        """Write the group in one transaction and report its files; on a failure other than
        storage, store them again one by one (see the module's docstring)."""
        if not self.entries:
            return
        entries, columns = self.entries, self.columns
        con = self.wh.con
        try:
            con.execute("BEGIN TRANSACTION")
            for table in ORDER:
                if table in columns:
                    bulk.insert(con, table, columns[table])
            self.wh.links.write()
            con.execute("COMMIT")
        except BaseException as exc:
            self.wh.rollback()
            self.wh.forget()
            # a storage error stops the batch: the group stays staged (paths names it)
            _raise_storage(self.wh.path, exc)
            if self.raise_errors or not isinstance(exc, Exception):
                raise
            self.entries, self.columns = [], {}
            if len(entries) == 1:
                (entry,) = entries
                self._failed_to_store(entry, exc, logged=True)
                self._report([entry])
                return
            for entry in entries:  # each in a group of its own: a bad one fails alone
                alone = Group(self.wh, size=1, seconds=0.0, on_done=self.on_done)
                if entry.rows is not None and entry.error is None:
                    alone.add(entry.rows, entry.log, entry.token, replace=entry.replace)
                else:
                    assert entry.log is not None and entry.error is not None
                    alone.failed(entry.log, entry.sha256, entry.error, entry.token)
                alone.commit()
            return
        self.entries, self.columns = [], {}
        self._report(entries)

    # inside ---------------------------------------------------------------------------------
    def _alone(self, entry: Entry) -> None:
        """A notice already stored (or removed before): replaced, kept or brought back in
        its own transaction (Warehouse.store_alone)."""
        assert entry.rows is not None
        try:
            notice = entry.rows.notice()
            entry.stored = self.wh.store_alone(notice, entry.log, replace=entry.replace)
        except Exception as exc:
            self._failed_to_store(entry, exc, logged=True)
        self._report([entry])

    def _failed_to_store(
        self, entry: Entry, exc: BaseException, *, logged: bool = False, name: str = ""
    ) -> None:
        """A notice that could not be stored: the batch goes on (the error line says why),
        unless this group raises or the warehouse itself failed (StorageError)."""
        _raise_storage(self.wh.path, exc)
        if self.raise_errors:
            raise exc
        if entry.rows is not None:
            name, entry.sha256 = entry.rows.path, entry.rows.sha256
        name = entry.log.file if entry.log else name
        entry.error = f"{name}: cannot store: {type(exc).__name__}: {first_line(exc)}"
        entry.rows = None
        entry.stored = None
        if logged:  # its own transaction, now (the group it was in is gone)
            if entry.log:
                self.wh.log(entry.log.file, entry.sha256, None, "failed", entry.error, 0.0)
        else:
            self._log(entry, "failed", entry.error, 0.0)
            self._put(entry)

    def _put(self, entry: Entry) -> None:
        if not self.entries:
            self.opened = time.monotonic()
        self.entries.append(entry)

    def _log(self, entry: Entry, status: str, error: str | None, seconds: float) -> None:
        if entry.log is None:
            return
        rows = entry.rows
        self._extend(
            "ingest_log",
            bulk.by_column(
                LOG_COLUMNS,
                [
                    (
                        entry.log.file,
                        rows.sha256 if rows else entry.sha256,
                        rows.notice_id if rows and status != "failed" else None,
                        status,
                        error,
                        entry.log.seconds + seconds,
                        _now(),
                    )
                ],
            ),
        )

    def _extend(self, table: str, columns: Columns) -> None:
        have = self.columns.setdefault(table, {})
        for name, values in columns.items():
            have.setdefault(name, []).extend(values)

    def _report(self, entries: list[Entry]) -> None:
        if self.on_done is None:
            return
        for e in entries:
            self.on_done(e.token, e.stored, e.error)


def _raise_storage(path: str, exc: BaseException) -> None:
    """Raise what stops the batch, if the error is one: the StorageError a DuckDB error
    means (a full disk, damage), or KeyboardInterrupt for a Ctrl-C that DuckDB took inside
    a statement (errors.is_interrupt), which would otherwise read as this group failing:
    its files stored again one by one, and reported unchanged when its COMMIT had gone
    through."""
    if is_interrupt(exc):
        raise KeyboardInterrupt from exc
    if isinstance(exc, StorageError):
        raise exc
    if isinstance(exc, duckdb.Error):
        error = describe(path, exc)
        if isinstance(error, StorageError):
            raise error from None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
