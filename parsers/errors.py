"""Errors a reader raises for input it cannot read; the CLI prints them as one line."""

from __future__ import annotations

from schemas.errors import FengongError


class InputError(FengongError):
    """A file that cannot be read as a notice: the reason, and what the user can do;
    `line(path)` is the line a batch prints for the file."""
