"""The one base of every error fengong reports to a user.

Each part raises its own subclass — parsers.errors.InputError (a file that cannot be read as a
notice), warehouse.errors.WarehouseError (a warehouse that cannot be opened, read or
written), pipeline's FeedError, CompareError, QueryRefused/QueryFailed, UnsafeTarget, and
parsers.units.UnitFileError — and all carry the same two things: what is wrong (`reason`)
and, when there is something to do, what (`hint`). `line()` is the one line a user sees; the
command line prints it as `Error: <line>` in one place (pipeline/cli.py, `_Commands.invoke`).

    raise InputError("empty file", "the download probably failed; fetch it again")
    exc.line("a.txt")  # 'a.txt: empty file (the download probably failed; fetch it again)'
"""

from __future__ import annotations


class FengongError(Exception):
    """An error for a user: `reason` (what is wrong, one line), `hint` (what to do, or None),
    and `where` (the file or warehouse it concerns, when the reason does not name it).
    str() is the whole line."""

    def __init__(self, reason: str, hint: str | None = None, *, where: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.hint = hint
        self.where = where

    def line(self, where: str | None = None) -> str:
        """`<where>: <reason> (<hint>)`, each part only when there is one; `where` given here
        stands for the one the error was raised with."""
        text = f"{self.reason} ({self.hint})" if self.hint else self.reason
        at = where or self.where
        return f"{at}: {text}" if at else text

    def __str__(self) -> str:
        return self.line()
