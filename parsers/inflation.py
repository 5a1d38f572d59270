"""A cap on what a PDF's Flate streams inflate to, like the DOCX zip-bomb guard.

pdfminer inflates each stream whole with `zlib.decompress`, so a 2 MB PDF whose content stream
inflates to 2 GiB takes gigabytes before anything can look at it, and pdfminer has no setting
for a limit. While a PDF is read, `capped(limit)` puts a counting stand-in for the `zlib`
module that pdfminer.pdftypes calls: each stream is inflated with `decompressobj` and a
`max_length` of what is left of the budget, so inflation stops at the limit (summed over the
document's streams) instead of after it, and the read is refused with one line.

    with capped(512 * MiB):
        pdf = pdfplumber.open(...)   # read the pages inside the block
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pdfminer import pdftypes

from parsers.errors import InputError
from parsers.limits import size_text


class Budget:
    """What pdfminer.pdftypes sees as `zlib` inside `capped()`: the same calls it makes
    (`decompress`, `decompressobj`, `error`), counting the bytes they produce."""

    error = zlib.error

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit

    def spend(self, produced: int) -> None:
        self.left -= produced
        if self.left < 0:
            raise InputError(
                f"PDF streams inflate beyond the {size_text(self.limit)} limit (a PDF bomb, or "
                "a document far larger than a notice)",
                "raise --max-unpacked-mb if it really is one notice",
            )

    def decompress(self, data: bytes) -> bytes:
        """zlib.decompress(data), stopping once the budget is spent. Like it, raises
        zlib.error on a truncated stream (pdfminer then tries its repair path)."""
        inflater = zlib.decompressobj()
        out = inflater.decompress(data, self.left + 1)
        self.spend(len(out))
        rest = inflater.flush()
        self.spend(len(rest))
        if not inflater.eof:
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return out + rest

    def decompressobj(self, *args: Any) -> _Counting:
        return _Counting(zlib.decompressobj(*args), self)


class _Counting:
    """A zlib decompressor whose output is charged to a Budget (pdfminer's repair path
    feeds a damaged stream through one byte by byte)."""

    def __init__(self, inflater: Any, budget: Budget) -> None:
        self.inflater = inflater
        self.budget = budget

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        out: bytes = self.inflater.decompress(data, max_length or self.budget.left + 1)
        self.budget.spend(len(out))
        return out

    def flush(self, *args: Any) -> bytes:
        out: bytes = self.inflater.flush(*args)
        self.budget.spend(len(out))
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inflater, name)


@contextmanager
def capped(limit: int) -> Iterator[Budget]:
    """Inflate pdfminer's streams under a budget of `limit` bytes in this block. Not
    re-entrant across threads: a process parses one PDF at a time."""
    budget = Budget(limit)
    real = pdftypes.zlib  # type: ignore[attr-defined]
    pdftypes.zlib = budget  # type: ignore[attr-defined,assignment]
    try:
        yield budget
    finally:
        pdftypes.zlib = real  # type: ignore[attr-defined]
