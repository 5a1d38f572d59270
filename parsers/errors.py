"""Errors a reader raises for input it cannot read; the CLI prints them as one line."""

from __future__ import annotations


class InputError(Exception):
    """A file that cannot be read as a notice: the reason, and what the user can do."""

    def __init__(self, reason: str, hint: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.hint = hint

    def line(self, path: str) -> str:
        return f"{path}: {self.reason}" + (f" ({self.hint})" if self.hint else "")
