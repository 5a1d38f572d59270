"""The readers' one contract, their table and the dispatcher that picks one by content.

Every reader is a module of parsers/ with a function

    parse(data: bytes, *, limits: Limits = DEFAULT_LIMITS, relabel: Relabel | None = None)
        -> Document

(the `Reader` protocol; mypy checks each reader against it, below). A reader enforces its own
`limits` (parsers/limits.py: text and HTML their size, DOCX and PDF how far they inflate) and
raises `InputError` (parsers/errors.py) for a file it refuses, with a hint. `relabel` is list
labels as another program drew them, for a reader that counts list numbering itself (DOCX):
the others have no counted labels to replace and ignore it.

Readers never import each other: the legacy .doc/.wps reader converts with LibreOffice, then
hands the DOCX bytes back to `read`, which reads them as any DOCX, within the same limits.

`READERS` is the table format → reader module, imported on first use: python-docx and
pdfplumber take ~0.25 s to import, which a text notice (or `fengong --help`) should not pay.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from parsers.errors import InputError
from parsers.limits import DEFAULT_LIMITS, Limits
from parsers.sniff import sniff

if TYPE_CHECKING:  # this table loads without the models: a batch starts its workers first
    from parsers.blocks import Document
    from schemas import SourceFormat

Relabel = Callable[[str, str], str]
"""relabel(label, text) → the label another renderer drew for the list item `text`."""


class Reader(Protocol):
    """A reader's `parse`: the file's bytes → its blocks, within `limits`; InputError if
    refused."""

    def __call__(
        self, data: bytes, *, limits: Limits = ..., relabel: Relabel | None = None
    ) -> Document: ...


READERS: dict[SourceFormat, str] = {
    "text": "parsers.text",
    "html": "parsers.html",
    "docx": "parsers.docx",
    "pdf": "parsers.pdf",
    "doc": "parsers.legacy",  # .doc/.wps (and RTF) through LibreOffice, then the DOCX reader
}
"""Format (as parsers/sniff.py names it) → the module whose `parse` reads it."""

if TYPE_CHECKING:  # every reader keeps the contract (mypy; nothing is imported at run time)
    from parsers import docx, html, legacy, pdf, text

    _CONTRACT: tuple[Reader, ...] = (text.parse, html.parse, docx.parse, pdf.parse, legacy.parse)


def reader(fmt: SourceFormat) -> Reader:
    """The reader of one format, its module imported now if it was not yet."""
    parse: Reader = importlib.import_module(READERS[fmt]).parse
    return parse


def read(
    data: bytes, limits: Limits = DEFAULT_LIMITS, *, relabel: Relabel | None = None
) -> Document:
    """The blocks of one file, read by the reader its content calls for (extensions lie).

    Raises InputError for an empty file, a zip that is no Word document, or whatever the
    reader refuses."""
    if not data.strip():
        raise InputError("empty file", "the download probably failed; fetch it again")
    fmt = sniff(data)
    if fmt is None:
        raise InputError(
            "a zip archive that is not a Word document", "unpack it and ingest the notice inside"
        )
    return reader(fmt)(data, limits=limits, relabel=relabel)
