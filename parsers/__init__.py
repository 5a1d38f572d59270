"""Readers, one per input format, and the structure stage they all feed.

`read(data)` finds the real format by content and hands the bytes to its reader; every
reader returns the same `Document` (a block stream with provenance).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from parsers.blocks import Document
from parsers.errors import InputError
from parsers.limits import Limits
from parsers.sniff import sniff
from schemas import SourceFormat

Reader = Callable[..., Document]


def _on_demand(module: str) -> Reader:
    """parsers/<module>.py's parse, imported at the first call: python-docx and pdfplumber
    take ~0.25 s to import, which a text notice (or `fengong --help`) should not pay."""

    def reader(data: bytes, **limits: Any) -> Document:
        parse: Reader = importlib.import_module(f"parsers.{module}").parse
        return parse(data, **limits)

    return reader


READER_MODULES: dict[SourceFormat, str] = {
    "text": "text",
    "html": "html",
    "docx": "docx",
    "pdf": "pdf",
    "doc": "legacy",  # .doc/.wps through LibreOffice
}
READERS: dict[SourceFormat, Reader] = {fmt: _on_demand(m) for fmt, m in READER_MODULES.items()}


def read(data: bytes, limits: Limits | None = None) -> Document:
    limits = limits or Limits()
    if not data.strip():
        raise InputError("empty file", "the download probably failed; fetch it again")
    fmt = sniff(data)
    if fmt is None:
        raise InputError(
            "a zip archive that is not a Word document", "unpack it and ingest the notice inside"
        )
    reader = READERS.get(fmt)
    if reader is None:
        raise InputError(f"{fmt} files are not supported yet")
    if fmt in ("text", "html"):
        limits.check_text(len(data), fmt)
    if fmt == "docx":  # the zip-bomb guard: how far the parts may inflate
        from parsers.docx import MAX_DOCUMENT_XML

        unpacked = limits.max_unpacked_bytes
        return reader(data, max_document_xml=min(MAX_DOCUMENT_XML, unpacked), max_unpacked=unpacked)
    if fmt == "pdf":  # the same limit on what its streams inflate to
        return reader(data, max_unpacked=limits.max_unpacked_bytes)
    return reader(data)


__all__ = ["READERS", "Document", "InputError", "Limits", "read"]
