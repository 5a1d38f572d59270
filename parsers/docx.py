"""Word (.docx) notices: body paragraphs and tables in document order, as blocks.

Read from the XML python-docx loads, because the parts that carry a notice's structure are
not in python-docx's text API: Word numbering (the （一） and 1. a paragraph shows but does not
contain; `parsers/docx_numbering.py`), merged cells (`gridSpan`, `vMerge`, which python-docx
repeats at every grid position they cover), and what Word shows of tracked changes and hidden
text (`parsers/docx_text.py`). Running headers and footers live in their own parts and are not
read.

Tables: a table of one row and one cell is a frame drawn round its content (offices lay out
attachments that way), not a table of its own: its paragraphs and tables are read as if they
stood in the body; so is a one-column table whose cells hold tables. A table inside a cell of
a real table is read as that cell's text.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import docx
import regex
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from parsers.blocks import Block, Cell, Document
from parsers.docx_numbering import Numbering, W, find_path, int_or, val
from parsers.docx_text import Visible, mark_removed, row_removed
from parsers.errors import InputError
from parsers.limits import DEFAULT_LIMITS, Limits
from parsers.readers import Relabel
from schemas import Provenance

# A zip bomb inflates on read: refuse before python-docx unpacks anything. A real notice's
# document.xml is a few MB at most.
MAX_DOCUMENT_XML = 64 * 2**20

_SPACE = regex.compile(r"[ \t\r\n\u00a0\u3000]+")


def parse(
    data: bytes, *, limits: Limits = DEFAULT_LIMITS, relabel: Relabel | None = None
) -> Document:
    """The document's body as blocks: a paragraph block per displayed line, a row block per
    table row (the `Reader` contract, parsers/readers.py). `relabel(label, text)` may replace
    the numbering label counted here by the one another renderer drew (the legacy path asks
    LibreOffice).

    Raises InputError for a truncated or corrupt package, a zip bomb (`word/document.xml` over
    MAX_DOCUMENT_XML bytes, or it or all parts together over `limits.max_unpacked_bytes`), or
    unbounded XML entities."""
    unpacked = limits.max_unpacked_bytes
    _check_package(data, min(MAX_DOCUMENT_XML, unpacked), unpacked)
    try:
        word = docx.Document(io.BytesIO(data))
    except etree.XMLSyntaxError as exc:
        if "entity" in str(exc).lower():  # libxml2 stopped an entity expansion
            raise InputError(
                "XML entities that expand without bound (a 'billion laughs' file), which "
                "Word never writes",
                "refused as unsafe; open and re-save it in Word/WPS if it is really a notice",
            ) from None
        raise InputError(
            "not a readable Word document: the file is truncated or corrupt",
            "download it again or open and re-save it in Word/WPS",
        ) from None
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, EOFError):
        raise InputError(
            "not a readable Word document: the file is truncated or corrupt",
            "download it again or open and re-save it in Word/WPS",
        ) from None
    except ValueError as exc:  # python-docx: a package whose main part is not a document
        raise InputError(f"not a Word document: {exc}") from None
    numbering = Numbering(word)
    reader = _Reader(numbering, Visible(numbering.styles), relabel)
    reader.body(word.element.body)
    return Document("docx", reader.blocks)


def _check_package(data: bytes, max_document_xml: int, max_unpacked: int) -> None:
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, EOFError):
        raise InputError(
            "not a readable Word document: the zip archive is truncated or corrupt",
            "download it again or open and re-save it in Word/WPS",
        ) from None
    main = next((i for i in infos if i.filename == "word/document.xml"), None)
    if main is None:
        raise InputError("a zip archive with no word/document.xml: not a Word document")
    if main.file_size > max_document_xml:
        raise InputError(
            f"word/document.xml unpacks to {main.file_size / 2**20:.0f} MiB, over the "
            f"{max_document_xml / 2**20:.0f} MiB limit (a zip bomb, or not a notice)"
        )
    total = sum(i.file_size for i in infos)
    if total > max_unpacked:
        raise InputError(
            f"the document unpacks to {total / 2**20:.0f} MiB, over the "
            f"{max_unpacked / 2**20:.0f} MiB limit (a zip bomb, or not a notice)"
        )


# --- the body --------------------------------------------------------------------------------


class _Reader:
    def __init__(
        self,
        numbering: Numbering,
        visible: Visible,
        relabel: Relabel | None,
    ) -> None:
        self.numbering = numbering
        self.visible = visible
        self.relabel = relabel
        self.blocks: list[Block] = []
        self.paragraphs = 0
        self.tables = 0

    def body(self, body: etree._Element) -> None:
        for item in self.content(body):
            if isinstance(item, str):
                index = self.paragraphs
                self.paragraphs += 1
                for line in _lines(item):
                    self.blocks.append(Block("paragraph", line, Provenance(paragraph=index)))
            elif (frame := _frame(item)) is not None:
                for cell in frame:  # a frame: its content stands in the body
                    self.body(cell)
            else:
                self.table(item)

    def content(self, parent: etree._Element) -> Iterator[str | etree._Element]:
        """A body's or cell's paragraphs (their displayed text) and tables, in order; a
        paragraph whose mark was deleted runs on into the next one."""
        pending = ""
        for el in _content(parent):
            if el.tag == f"{W}p":
                if mark_removed(el):  # joins the next paragraph, which keeps its own number
                    pending += self.visible.text(el)
                    continue
                text = pending + self.paragraph_text(el)
                pending = ""
                yield text
            else:
                if pending:
                    yield pending
                    pending = ""
                yield el
        if pending:
            yield pending

    def paragraph_text(self, p: etree._Element) -> str:
        """The paragraph as Word shows it, its numbering label included. A line break inside
        it later splits it (`_lines`), since notices put several ladder items in one paragraph
        that way."""
        label, text = self.numbering.label(p), self.visible.text(p)
        if label and self.relabel:
            label = self.relabel(label, text)
        # Word draws a tab or nothing after the label; keep "1." off a number that follows it
        # ("1. 5G基站…" and not "1.5G基站…", which reads as a decimal)
        sep = " " if label.endswith((".", "．")) and text[:1].isdigit() else ""
        return label + sep + text

    def cell_text(self, tc: etree._Element) -> str:
        lines: list[str] = []
        for item in self.content(tc):
            if isinstance(item, str):
                lines += _lines(item)
            else:  # a table inside a cell: read as its text
                lines += [self.cell_text(tc) for tr in _rows(item) for tc in _cells(tr)]
        return "\n".join(line for line in lines if line)

    def table(self, tbl: etree._Element) -> None:
        index = self.tables
        self.tables += 1
        above: dict[int, Cell] = {}  # grid column -> the cell that starts there, row above
        for r, tr in enumerate(_rows(tbl)):
            row: list[Cell] = []
            col = int_or(val(find_path(tr, "trPr", "gridBefore")), 0)
            for tc in _cells(tr):
                tcpr = tc.find(f"{W}tcPr")
                span = max(1, int_or(val(find_path(tcpr, "gridSpan")), 1))
                vmerge = tcpr.find(f"{W}vMerge") if tcpr is not None else None
                continued = vmerge is not None and (vmerge.get(f"{W}val") or "continue") == (
                    "continue"
                )
                origin = above.get(col) if continued else None
                if origin is not None:
                    cell = Cell(origin.text, origin=False, span=span, col=col)
                else:
                    cell = Cell(self.cell_text(tc), span=span, col=col)
                row.append(cell)
                # the next row continues from the cell that started the merge
                above[col] = origin if origin is not None else cell
                col += span
            if not any(c.text for c in row):
                continue
            prov = Provenance(table=index, row=r)
            self.blocks.append(Block("row", " | ".join(c.text for c in row), prov, row, index))


def _lines(text: str) -> list[str]:
    lines = (_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return [line for line in lines if line]


def _frame(tbl: etree._Element) -> list[etree._Element] | None:
    """The cells of a frame drawn round content, else None: a table of one cell (a box round
    paragraphs is read as paragraphs), or of one column whose cells hold a table (the plan
    table under a title row, a layout table stacking blocks)."""
    rows = list(_rows(tbl))
    cells = [list(_cells(tr)) for tr in rows]
    if not rows or any(len(row) != 1 for row in cells):
        return None
    column = [row[0] for row in cells]
    if len(column) == 1 or any(next(_children(tc, f"{W}tbl"), None) is not None for tc in column):
        return column
    return None


_WRAPPERS = (f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}smartTag")


def _children(parent: etree._Element, *tags: str) -> Iterator[etree._Element]:
    """Children with these tags, looking through content controls and custom XML."""
    for el in parent:
        if el.tag in tags:
            yield el
        elif el.tag in _WRAPPERS:
            yield from _children(el, *tags)


def _content(parent: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables under a body or cell, in order."""
    return _children(parent, f"{W}p", f"{W}tbl")


def _rows(tbl: etree._Element) -> Iterator[etree._Element]:
    """The table's rows, without rows deleted with tracked changes."""
    return (tr for tr in _children(tbl, f"{W}tr") if not row_removed(tr))


def _cells(tr: etree._Element) -> Iterator[etree._Element]:
    return _children(tr, f"{W}tc")
