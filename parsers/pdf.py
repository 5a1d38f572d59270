"""PDF notices (pdfplumber): ruled tables as rows of cells, the text around them as paragraphs.

A PDF has no paragraphs, cells or merges, only characters and lines drawn on pages, so this
reader rebuilds them from geometry, page by page:

- the page is laid out with its clipping path kept (`pdf_draw.layout`), and its visible rules
  taken as a viewer shows them (`pdf_draw.rules`: not white, not clipped away, upright on a
  page stored rotated, rows left open at the page edge closed);
- tables come from those rules (pdfplumber's table finder on them as explicit edges) and
  become rows of cells with merges (`pdf_grid`); a table drawn with column rules only is split
  into rows at its row numbers, or refused when its rows cannot be told apart;
- characters with no Unicode behind them ((cid:N), private-use, U+FFFD) are left out, and a
  warning names each line that had them (page and box);
- tables are stitched over page breaks, paragraphs built from the lines outside tables, page
  furniture dropped (`pdf_pages`).

Pages are read one at a time and closed, so memory stays flat on long documents.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from parsers.blocks import Document
from parsers.errors import InputError
from parsers.inflation import capped
from parsers.limits import DEFAULT_LIMITS, Limits
from parsers.pdf_draw import layout, rules
from parsers.pdf_grid import Grid, PTable, glued_row, join_continuations, row_splits
from parsers.pdf_pages import Page, assemble
from parsers.pdf_text import Char, lines, rounded
from parsers.readers import Relabel
from schemas import NoticeWarning, Provenance

# pdfplumber's own strategy on all drawn lines: the baseline bench/readers.py measures against
TABLE_SETTINGS: dict[str, Any] = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
UNREADABLE_SHARE = 0.3  # a page with more undecodable characters than this is unreadable


def parse(
    data: bytes, *, limits: Limits = DEFAULT_LIMITS, relabel: Relabel | None = None
) -> Document:
    """The notice's blocks (the `Reader` contract, parsers/readers.py; `relabel` is ignored:
    a PDF's labels are in its text). Raises InputError for a truncated, corrupt or encrypted
    file, a PDF with no pages, no text layer, a text layer that is all unreadable, or a table
    whose rows cannot be told apart; and for streams that inflate to more than
    `limits.max_unpacked_bytes` in all (parsers/inflation.py)."""
    with capped(limits.max_unpacked_bytes):
        return _read(data)


def _read(data: bytes) -> Document:
    if b"%%EOF" not in data[-8192:]:
        # pdfminer would read the complete pages of a cut-off download and stop silently:
        # half a plan must not be stored as the notice
        raise InputError(
            "not a readable PDF: the file is truncated (it does not end in %%EOF)",
            "download it again",
        )
    pages: list[Page] = []
    warnings: list[NoticeWarning] = []
    empty = unreadable = 0
    with _pdfminer_errors():
        pdf = pdfplumber.open(io.BytesIO(data))
    try:
        with _pdfminer_errors():
            all_pages = pdf.pages
        if not all_pages:
            raise InputError("a PDF with no pages", "download it again")
        for page in all_pages:
            try:
                read = _read_page(page, warnings)
            finally:
                page.close()  # drop the page's parsed objects: memory stays flat
            if read is None:
                empty += 1
            elif isinstance(read, str):
                unreadable += 1
                prov = Provenance(page=page.page_number)
                warnings.append(
                    NoticeWarning(kind="unreadable_text", message=read, provenance=prov)
                )
            else:
                pages.append(read)
    finally:
        pdf.close()
    if not pages:
        if unreadable:
            raise InputError(
                "text layer unreadable: its fonts map to (cid:N), private-use or control "
                "characters",
                "get the Word original, or export the PDF again with Unicode fonts",
            )
        raise InputError(
            "no text layer: OCR is not built in",
            "this is a scan or image-only PDF; get the Word or text original",
        )
    if empty:
        message = f"{empty} page(s) with no text layer (scanned?) were skipped"
        warnings.append(NoticeWarning(kind="reader", message=message))
    blocks = assemble(pages)
    if not blocks:
        raise InputError("no text layer: OCR is not built in", "only page furniture has text")
    return Document("pdf", blocks, warnings)


@contextmanager
def _pdfminer_errors() -> Iterator[None]:
    """What pdfminer raises on a damaged or locked file, as one line for the user. Only the
    calls that parse the file go through here, so a bug in this module stays a bug."""
    try:
        yield
    except (InputError, MemoryError):
        raise  # a limit of ours (inflation, memory), not damage
    except PdfminerException as exc:
        inner = exc.args[0] if exc.args else exc
        if isinstance(inner, InputError | MemoryError):
            raise inner from None  # pdfplumber wraps what opening the file raised
        raise _open_error(inner) from None
    except PDFPasswordIncorrect:
        raise _encrypted() from None
    except Exception as exc:  # pdfminer raises many kinds on a damaged file
        raise _open_error(exc) from None


def _open_error(exc: object) -> InputError:
    if isinstance(exc, PDFPasswordIncorrect) or "password" in str(exc).lower():
        return _encrypted()
    name = type(exc).__name__
    return InputError(
        f"not a readable PDF: the file is truncated or corrupt ({name})",
        "download it again",
    )


def _encrypted() -> InputError:
    return InputError(
        "encrypted PDF: it needs a password to open",
        "ask the publisher for an unprotected copy, or remove the password and try again",
    )


def _read_page(page: Any, warnings: list[NoticeWarning]) -> Page | str | None:
    """The page's tables and outside lines; None for no text, a message for garbage text.
    Warnings about the page's unreadable lines and joined rows go to `warnings`."""
    with _pdfminer_errors():  # the page's content is parsed here
        layout(page)
        chars = [c for c in page.chars if c["text"].strip()]
        if not chars:
            return None
        unmapped = [_undecodable(c["text"]) for c in chars]
        bad = [c for c, u in zip(chars, unmapped, strict=True) if u]
        if len(bad) > UNREADABLE_SHARE * len(chars):
            return f"page {page.page_number}: text unreadable ((cid:N)/private-use fonts), skipped"
        drawn = rules(page)
        edges = [r.edge() for r in drawn]
        open_ys = [r.at for r in drawn if not r.drawn]
        readable = [c for c, u in zip(chars, unmapped, strict=True) if not u] if bad else chars
        tables = _tables(page, edges, readable, open_ys)
    out = Page(page.page_number, float(page.width), float(page.height))
    outside = [c for c in readable if not any(_inside(c, t) for t in tables)]
    out.lines = lines(outside)
    out.tables = tables
    for table in tables:
        joined = join_continuations(table)
        if joined:
            message = (
                f"page {out.number}: {joined} table row(s) holding only the text of the row "
                "above were joined to it (a rule drawn through a cell?)"
            )
            prov = Provenance(page=out.number, bbox=rounded(table.bbox))
            warnings.append(NoticeWarning(kind="reader", message=message, provenance=prov))
        for row in table.rows:  # the cells' lines served the page: keep their text only
            for cell, _ in row.cells:
                cell.lines = []
    for line in lines(bad):
        glyphs = line.text.count("(cid:") or len(line.text.replace(" ", ""))
        message = (
            f"page {out.number}: a line of {glyphs} glyph(s) in a font with no Unicode map "
            f"was left out ({line.x0:.0f} pt from the left, {line.top:.0f} pt from the top)"
        )
        prov = Provenance(page=out.number, bbox=rounded((line.x0, line.top, line.x1, line.bottom)))
        warnings.append(NoticeWarning(kind="unreadable_text", message=message, provenance=prov))
    return out


def _tables(
    page: Any, edges: list[dict[str, Any]], chars: list[Char], open_ys: list[float]
) -> list[PTable]:
    """The page's tables from its rules; a grid row holding rows drawn without rules between
    them is split (a rule drawn at each row's start) and the page's tables found again."""
    tables = [_table(page.page_number, g, chars, open_ys) for g in _grids(page, edges)]
    splits = [(t.bbox, y) for t in tables for y in row_splits(t)]
    if splits:
        edges = edges + [_rule_edge(y, x0, x1) for (x0, _, x1, _), y in splits]
        tables = [_table(page.page_number, g, chars, open_ys) for g in _grids(page, edges)]
    for table in tables:
        glued = glued_row(table)
        if glued is not None:
            raise InputError(
                f"a table on page {page.page_number} draws no rules between its rows and no "
                f"row numbers to tell them apart (rows at {glued.top:.0f}–{glued.bottom:.0f} pt "
                "from the top would be read glued together)",
                "get the Word original, or a PDF whose table rows are ruled or numbered",
            )
    return tables


def _rule_edge(y: float, x0: float, x1: float) -> dict[str, Any]:
    """A horizontal rule drawn where the page drew none (a row's start), as a pdfplumber edge."""
    return {
        "object_type": "rule_edge",
        "orientation": "h",
        "x0": x0,
        "x1": x1,
        "top": y,
        "bottom": y,
        "width": x1 - x0,
        "height": 0.0,
    }


def _grids(page: Any, edges: list[dict[str, Any]]) -> list[Grid]:
    vertical = [e for e in edges if e["orientation"] == "v"]
    horizontal = [e for e in edges if e["orientation"] == "h"]
    if len(vertical) < 2 or len(horizontal) < 2:
        return []
    settings = {
        "vertical_strategy": "explicit",
        "horizontal_strategy": "explicit",
        "explicit_vertical_lines": vertical,
        "explicit_horizontal_lines": horizontal,
    }
    grids = [Grid(t.cells) for t in page.find_tables(settings)]
    return [g for g in grids if g.is_data_table()]


def _table(number: int, grid: Grid, chars: list[Char], open_ys: list[float]) -> PTable:
    per_cell: list[list[Char]] = [[] for _ in grid.cells]
    for ch in chars:
        cell = grid.locate((ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2)
        if cell is not None:
            per_cell[cell].append(ch)
    return grid.table(number, per_cell, open_ys)


def _inside(ch: Char, table: PTable) -> bool:
    x0, top, x1, bottom = table.bbox
    cx: float = (ch["x0"] + ch["x1"]) / 2
    cy: float = (ch["top"] + ch["bottom"]) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


def _undecodable(text: str) -> bool:
    """(cid:N), U+FFFD, private-use or control characters: glyphs with no Unicode behind them."""
    if text.startswith("(cid:"):
        return True
    return any(ch == "\ufffd" or 0xE000 <= ord(ch) <= 0xF8FF or ord(ch) < 0x20 for ch in text)
