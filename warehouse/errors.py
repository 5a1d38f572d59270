"""What goes wrong with a warehouse file, as one line a user can act on.

Kept free of DuckDB imports so that the command line can catch these errors without paying
for DuckDB on commands that never open a warehouse. `describe()` turns a DuckDB error into
one of them by what it says (DuckDB's exceptions carry the OS error as text: `No space left
on device`, `Could not read enough bytes`):

    try:
        con.execute("COMMIT")
    except duckdb.Error as exc:
        raise describe(path, exc) from None
"""

from __future__ import annotations

from schemas.errors import FengongError

# What DuckDB says (lower-cased) when the disk or quota is full: ENOSPC, EDQUOT strerror.
_FULL = ("no space left on device", "disk quota exceeded")
# …when the file is cut off or its blocks do not check out.
_DAMAGED = ("could not read enough bytes", "checksum", "corrupt")
# …when the file is not a DuckDB database at all (or its header is destroyed).
_NOT_DUCKDB = "not a valid duckdb database file"


class WarehouseError(FengongError):
    """The warehouse cannot be opened, read or written; the message is one line saying
    what is wrong and what to do."""


class StorageError(WarehouseError):
    """Writing or reading the file itself failed (a full disk, a damaged file, an I/O
    error): nothing more can be stored in this run, so a batch stops at the first one.
    The message is `<path>: <reason> (<hint>)`; a batch reports it with its own counts."""

    def __init__(self, path: str, reason: str, hint: str, detail: str | None = None) -> None:
        more = f"; DuckDB: {detail}" if detail else ""
        super().__init__(reason, f"{hint}{more}", where=path)
        self.path = path
        self.reason = reason
        self.hint = hint  # without DuckDB's detail: a batch's stop line adds its own counts
        self.detail = detail

    def line(self, where: str | None = None) -> str:
        """`<path>: <reason> (<hint>; DuckDB: <detail>)`."""
        more = f"; DuckDB: {self.detail}" if self.detail else ""
        return f"{where or self.path}: {self.reason} ({self.hint}{more})"


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def is_full(exc: BaseException) -> bool:
    """A full disk or quota, by the OS error text DuckDB passes on."""
    text = str(exc).lower()
    return any(words in text for words in _FULL)


def is_damaged(exc: BaseException) -> bool:
    """A cut-off or corrupt warehouse file, by what DuckDB says when it reads one."""
    text = str(exc).lower()
    return any(words in text for words in _DAMAGED)


def is_interrupt(exc: BaseException) -> bool:
    """A Ctrl-C that DuckDB took inside a statement: it handles the signal itself, so Python
    raises no KeyboardInterrupt, and the statement fails with RuntimeError("Query
    interrupted") (duckdb 2.0; `con.interrupt()` gives its InterruptException)."""
    if type(exc).__name__ == "InterruptException":
        return True
    return isinstance(exc, RuntimeError) and str(exc).startswith("Query interrupted")


def describe(path: str, exc: BaseException) -> WarehouseError:
    """A DuckDB error met while opening, reading or writing the warehouse at `path`, as one
    line. Full disk and damage are StorageError; anything else a plain WarehouseError that
    still names the file and DuckDB's own first line."""
    if is_full(exc):
        return StorageError(path, "no space left on device", "free space and rerun")
    if _NOT_DUCKDB in str(exc).lower():
        return StorageError(
            path,
            "not a DuckDB database (a damaged warehouse, or another kind of file)",
            "restore a backup, or pass another --db",
        )
    if is_damaged(exc):
        return StorageError(
            path,
            "warehouse file damaged",
            "restore a backup, or ingest into a new --db",
            first_line(exc),
        )
    if type(exc).__name__ in ("IOException", "FatalException", "InternalException"):
        return StorageError(
            path, "cannot use the warehouse file", "check the disk and rerun", first_line(exc)
        )
    return WarehouseError(f"{path}: {first_line(exc)}")
