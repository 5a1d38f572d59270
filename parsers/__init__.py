"""Readers, one per input format, and the structure stage they all feed.

`read(data)` finds the real format by content and hands the bytes to its reader; every
reader returns the same `Document` (a block stream with provenance).
"""

from __future__ import annotations

from collections.abc import Callable

from parsers import docx, html, pdf, text
from parsers.blocks import Document
from parsers.errors import InputError
from parsers.sniff import sniff
from schemas import SourceFormat

Reader = Callable[[bytes], Document]

READERS: dict[SourceFormat, Reader] = {
    "text": text.parse,
    "html": html.parse,
    "docx": docx.parse,
    "pdf": pdf.parse,
}


def read(data: bytes) -> Document:
    if not data.strip():
        raise InputError("empty file")
    fmt = sniff(data)
    if fmt is None:
        raise InputError("a zip archive that is not a Word document")
    reader = READERS.get(fmt)
    if reader is None:
        raise InputError(f"{fmt} files are not supported yet")
    return reader(data)


__all__ = ["READERS", "Document", "InputError", "read"]
