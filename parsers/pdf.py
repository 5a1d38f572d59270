"""PDF notices (pdfplumber): ruled tables as rows of cells, the text around them as paragraphs.

A PDF has no paragraphs, cells or merges, only characters and lines drawn on pages, so this
reader rebuilds them from geometry:

- tables come from the ruling lines (pdfplumber's `lines` strategy); a cell covering several
  grid rows is a vertical merge (`origin=False` below its first row), several grid columns a
  `span`;
- a table that ends one page and starts the next with the same columns is one table: a repeated
  header row is dropped, a row the page break cut in two is joined again, and an empty cell at
  the top of the page under a filled one is the rest of a merged cell;
- lines outside tables join into paragraphs when they wrap (the line above runs to the right
  margin, the next is not indented and starts no numbered item);
- running headers and footers (the same line at the top or bottom of several pages) and page
  numbers (— 3 —, 第3页) are dropped.

Pages are read one at a time and closed, so memory stays flat on long documents.
"""

from __future__ import annotations

import io
import itertools
import statistics
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pdfplumber
import regex
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from parsers.blocks import Block, Cell, Document
from parsers.errors import InputError
from parsers.furniture import is_furniture
from parsers.ladder import number
from schemas import NoticeWarning, Provenance

TABLE_SETTINGS: dict[str, Any] = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
EDGE_ZONE = 0.12  # running headers/footers sit in the top and bottom 12 % of the page
UNREADABLE_SHARE = 0.3  # a page with more undecodable characters than this is unreadable
SNAP = 1.5  # points: grid lines closer than this are one line
# A line that stops this many characters short of the right edge ends its paragraph. CJK line
# breaking pushes a character or two to the next line (no 。 or ） at a line's start, no （ at
# its end; a number is not split), so a wrapped line can stop short by that much.
SHORT_LINE = 2.5

_CJK = r"\p{Han}\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2014\u2026"
_SPACE_NEAR_CJK = regex.compile(rf"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}])")
_PAGE_NUMBER = regex.compile(
    r"^[-—–－~·\s]*(?:第\s*)?\d{1,4}\s*(?:页)?\s*(?:(?:[/／]|共)\s*\d{1,4}\s*页?)?[-—–－~·\s]*$"
    r"|^(?:page|p\.)\s*\d+(?:\s*(?:of|/)\s*\d+)?$",
    regex.I,
)
_TERMINAL = tuple("。；;！!？?")


# --- what one page yields ------------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass(slots=True)
class _PCell:
    """A table cell as drawn; rows refer to it, so text joined later shows in every row."""

    text: str
    col: int
    span: int
    bbox: tuple[float, float, float, float]


@dataclass(slots=True)
class _PRow:
    cells: list[tuple[_PCell, bool]]  # (cell, origin): origin False below a merge's first row
    top: float
    bottom: float

    def texts(self) -> list[str]:
        return [c.text for c, _ in self.cells]


@dataclass(slots=True)
class _PTable:
    page: int
    bbox: tuple[float, float, float, float]
    columns: list[float]  # grid x positions, left to right
    rows: list[_PRow]


@dataclass(slots=True)
class _Page:
    number: int
    width: float
    height: float
    lines: list[_Line] = field(default_factory=list)  # outside tables, top to bottom
    tables: list[_PTable] = field(default_factory=list)
    undecodable: int = 0  # characters left out: no Unicode behind their glyphs


# --- reading ---------------------------------------------------------------------------------


def parse(data: bytes) -> Document:
    if b"%%EOF" not in data[-8192:]:
        # pdfminer would read the complete pages of a cut-off download and stop silently:
        # half a plan must not be stored as the notice
        raise InputError(
            "not a readable PDF: the file is truncated (it does not end in %%EOF)",
            "download it again",
        )
    pages: list[_Page] = []
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
                with _pdfminer_errors():  # the page's content is parsed here
                    chars = page.chars
                    tables = page.find_tables(TABLE_SETTINGS) if chars else []
                read = _read_page(page, chars, [t.cells for t in tables])
            finally:
                page.close()  # drop the page's parsed objects: memory stays flat
            if read is None:
                empty += 1
            elif isinstance(read, str):
                unreadable += 1
                warnings.append(NoticeWarning(kind="unreadable_text", message=read))
            else:
                pages.append(read)
                if read.undecodable:
                    message = (
                        f"page {read.number}: {read.undecodable} character(s) with no Unicode "
                        "mapping left out"
                    )
                    warnings.append(NoticeWarning(kind="unreadable_text", message=message))
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
    blocks = _assemble(pages)
    if not blocks:
        raise InputError("no text layer: OCR is not built in", "only page furniture has text")
    return Document("pdf", blocks, warnings)


@contextmanager
def _pdfminer_errors() -> Iterator[None]:
    """What pdfminer raises on a damaged or locked file, as one line for the user. Only the
    calls that parse the file go through here, so a bug in this module stays a bug."""
    try:
        yield
    except PdfminerException as exc:
        raise _open_error(exc.args[0] if exc.args else exc) from None
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


def _read_page(
    page: Any,
    all_chars: list[dict[str, Any]],
    tables: list[list[tuple[float, float, float, float]]],
) -> _Page | str | None:
    """The page's tables and outside lines; None for no text, a message for garbage text."""
    chars = [c for c in all_chars if c["text"].strip()]
    if not chars:
        return None
    bad = sum(1 for c in chars if _undecodable(c["text"]))
    if bad > UNREADABLE_SHARE * len(chars):
        return f"page {page.page_number}: text unreadable ((cid:N)/private-use fonts), skipped"
    out = _Page(page.page_number, float(page.width), float(page.height), undecodable=bad)
    grids = [_Grid(cells) for cells in tables]
    grids = [g for g in grids if g.is_data_table()]
    outside: list[dict[str, Any]] = []
    per_cell: list[list[list[dict[str, Any]]]] = [[[] for _ in g.cells] for g in grids]
    for ch in chars:
        if _undecodable(ch["text"]):
            continue
        cx = (ch["x0"] + ch["x1"]) / 2
        cy = (ch["top"] + ch["bottom"]) / 2
        for gi, grid in enumerate(grids):
            cell = grid.locate(cx, cy)
            if cell is not None:
                per_cell[gi][cell].append(ch)
                break
        else:
            outside.append(ch)
    out.lines = _lines(outside)
    for grid, cell_chars in zip(grids, per_cell, strict=True):
        out.tables.append(grid.table(out.number, cell_chars))
    return out


def _undecodable(text: str) -> bool:
    """(cid:N), U+FFFD, private-use or control characters: glyphs with no Unicode behind them."""
    if text.startswith("(cid:"):
        return True
    return any(ch == "\ufffd" or 0xE000 <= ord(ch) <= 0xF8FF or ord(ch) < 0x20 for ch in text)


class _Grid:
    """A pdfplumber table's cells on the grid their edges make."""

    def __init__(self, cells: list[tuple[float, float, float, float]]) -> None:
        self.cells = list(cells)
        self.xs = _snap(x for c in cells for x in (c[0], c[2]))
        self.ys = _snap(y for c in cells for y in (c[1], c[3]))
        self.at: dict[tuple[int, int], int] = {}
        self.place: list[tuple[int, int, int, int]] = []  # row0, row1, col0, col1 per cell
        for i, (x0, top, x1, bottom) in enumerate(cells):
            c0, c1 = _index(self.xs, x0), _index(self.xs, x1)
            r0, r1 = _index(self.ys, top), _index(self.ys, bottom)
            self._put(i, r0, max(r1, r0 + 1), c0, max(c1, c0 + 1))
        self._fill_holes()

    def _put(self, i: int, r0: int, r1: int, c0: int, c1: int) -> None:
        self.place.append((r0, r1, c0, c1))
        for r in range(r0, r1):
            for c in range(c0, c1):
                self.at.setdefault((r, c), i)

    def _fill_holes(self) -> None:
        """Grid positions no closed cell covers are a cell whose rule is missing: most often
        a merged cell cut by the page break and left open at the bottom. Each run of them
        down a column is one cell."""
        for c in range(len(self.xs) - 1):
            r = 0
            while r < len(self.ys) - 1:
                if (r, c) in self.at:
                    r += 1
                    continue
                r1 = r
                while r1 < len(self.ys) - 1 and (r1, c) not in self.at:
                    r1 += 1
                self.cells.append((self.xs[c], self.ys[r], self.xs[c + 1], self.ys[r1]))
                self._put(len(self.cells) - 1, r, r1, c, c + 1)
                r = r1

    def is_data_table(self) -> bool:
        """Two columns and two rows at least: a frame round a block of text is not a table."""
        return len(self.xs) >= 3 and len(self.ys) >= 3

    def locate(self, x: float, y: float) -> int | None:
        xs, ys = self.xs, self.ys
        if not (xs[0] <= x <= xs[-1] and ys[0] <= y <= ys[-1]):
            return None
        c = min(bisect_right(xs, x) - 1, len(xs) - 2)
        r = min(bisect_right(ys, y) - 1, len(ys) - 2)
        return self.at.get((r, c))

    def table(self, page: int, cell_chars: list[list[dict[str, Any]]]) -> _PTable:
        pcells = []
        for (x0, top, x1, bottom), chars, (_, _, c0, c1) in zip(
            self.cells, cell_chars, self.place, strict=True
        ):
            text = _cell_text(_lines(chars), x1)
            pcells.append(_PCell(text, c0, c1 - c0, (x0, top, x1, bottom)))
        rows: list[_PRow] = []
        for r in range(len(self.ys) - 1):
            seen: set[int] = set()
            cells: list[tuple[_PCell, bool]] = []
            for c in range(len(self.xs) - 1):
                i = self.at.get((r, c))
                if i is None or i in seen:
                    continue
                seen.add(i)
                cells.append((pcells[i], self.place[i][0] == r))
            if cells:
                rows.append(_PRow(cells, self.ys[r], self.ys[r + 1]))
        bbox = (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])
        return _PTable(page, bbox, self.xs, rows)


def _snap(values: Iterable[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > SNAP:
            out.append(v)
    return out


def _index(grid: list[float], value: float) -> int:
    i = bisect_right(grid, value + SNAP) - 1
    return max(i, 0)


# --- characters → lines → text ---------------------------------------------------------------


def _lines(chars: list[dict[str, Any]]) -> list[_Line]:
    """Characters grouped into lines by their vertical position, each read left to right."""
    if not chars:
        return []
    chars = sorted(chars, key=lambda c: (c["top"], c["x0"]))
    groups: list[list[dict[str, Any]]] = []
    mid = -1e9
    for ch in chars:
        size = ch["bottom"] - ch["top"]
        centre = (ch["top"] + ch["bottom"]) / 2
        if groups and abs(centre - mid) <= max(size, 1.0) * 0.5:
            groups[-1].append(ch)
        else:
            groups.append([ch])
            mid = centre
    lines = []
    for group in groups:
        group.sort(key=lambda c: c["x0"])
        parts: list[str] = []
        prev: dict[str, Any] | None = None
        for ch in group:
            if prev is not None:
                if ch["text"] == prev["text"] and abs(ch["x0"] - prev["x0"]) < 1:
                    continue  # the same glyph drawn twice (fake bold)
                if ch["x0"] - prev["x1"] > 0.25 * ch["size"]:
                    parts.append(" ")
            parts.append(ch["text"])
            prev = ch
        text = _SPACE_NEAR_CJK.sub("", "".join(parts)).strip()
        if text:
            lines.append(
                _Line(
                    text,
                    min(c["x0"] for c in group),
                    max(c["x1"] for c in group),
                    min(c["top"] for c in group),
                    max(c["bottom"] for c in group),
                    statistics.median(c["size"] for c in group),
                )
            )
    return lines


def _join(a: str, b: str) -> str:
    """Two pieces of one wrapped paragraph: CJK runs on without a space, Latin words with one."""
    if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return f"{a} {b}"
    return a + b


def _cell_text(lines: list[_Line], right: float) -> str:
    """A cell's lines as paragraphs: a wrapped line runs on; a line that starts a numbered
    item, or follows a line that stopped short of the cell's right edge, starts a new one."""
    if not lines:
        return ""
    reach = max(line.x1 for line in lines)
    paragraphs = [lines[0].text]
    for prev, line in itertools.pairwise(lines):
        short = prev.x1 < min(reach, right) - SHORT_LINE * prev.size
        if short or number(line.text) is not None:
            paragraphs.append(line.text)
        else:
            paragraphs[-1] = _join(paragraphs[-1], line.text)
    return "\n".join(paragraphs)


# --- pages → blocks --------------------------------------------------------------------------


def _assemble(pages: list[_Page]) -> list[Block]:
    _drop_furniture(pages)
    body = _body_size(pages)
    blocks: list[Block] = []
    open_table: _Stitched | None = None
    tables = 0
    for page in pages:
        items: list[tuple[float, Any]] = [(t.bbox[1], t) for t in page.tables]
        items += [(p[0].top, p) for p in _paragraphs(page, body)]
        items.sort(key=lambda item: item[0])
        for n, (_, item) in enumerate(items):
            if isinstance(item, _PTable):
                first_on_page = n == 0
                if open_table and first_on_page and open_table.continues_with(item):
                    open_table.extend(item)
                    continue
                if open_table:
                    blocks += open_table.blocks()
                open_table = _Stitched(tables, item)
                tables += 1
            else:
                block = _paragraph_block(item, page.number)
                if is_furniture(block.text):
                    continue  # a web page printed to PDF keeps the site's header and footer
                if open_table:
                    blocks += open_table.blocks()
                    open_table = None
                blocks.append(block)
        if open_table and items and not isinstance(items[-1][1], _PTable):
            blocks += open_table.blocks()
            open_table = None
    if open_table:
        blocks += open_table.blocks()
    return blocks


def _drop_furniture(pages: list[_Page]) -> None:
    """Running headers and footers: lines in the top or bottom margin that repeat on other
    pages (numbers aside), and page numbers."""

    def edge(page: _Page, line: _Line) -> bool:
        return line.bottom < page.height * EDGE_ZONE or line.top > page.height * (1 - EDGE_ZONE)

    def shape(text: str) -> str:
        return regex.sub(r"\d+", "#", regex.sub(r"\s+", "", text))

    seen = Counter(
        shape(line.text)
        for page in pages
        for line in {ln.text: ln for ln in page.lines}.values()
        if edge(page, line)
    )
    repeated = {s for s, n in seen.items() if n >= 2}
    for page in pages:
        page.lines = [
            line
            for line in page.lines
            if not (
                edge(page, line)
                and (_PAGE_NUMBER.match(line.text) or shape(line.text) in repeated)
                and not _inside_tables(page, line)
            )
        ]


def _inside_tables(page: _Page, line: _Line) -> bool:
    """A line between two tables of the page is body text, not furniture."""
    above = any(t.bbox[3] <= line.top for t in page.tables)
    below = any(t.bbox[1] >= line.bottom for t in page.tables)
    return above and below


def _body_size(pages: list[_Page]) -> float:
    sizes = Counter(
        round(line.size * 2) / 2 for page in pages for line in page.lines for _ in line.text
    )
    return sizes.most_common(1)[0][0] if sizes else 12.0


def _paragraphs(page: _Page, body: float) -> list[list[_Line]]:
    """Outside lines grouped into paragraphs by layout; tables cut paragraphs."""
    lines = page.lines
    if not lines:
        return []
    normal = [line for line in lines if abs(line.size - body) < 1] or lines
    left = min(line.x0 for line in normal)
    right = max(line.x1 for line in normal)
    centre = (left + right) / 2
    table_edges = sorted(y for t in page.tables for y in (t.bbox[1], t.bbox[3]))

    def centred(line: _Line) -> bool:
        return abs((line.x0 + line.x1) / 2 - centre) < 2 * line.size and line.x0 > left + line.size

    def runs_on(a: _Line, b: _Line) -> bool:
        if abs(a.size - b.size) > 0.6 or b.top - a.bottom > 1.2 * max(a.size, b.size):
            return False
        if any(a.bottom <= y <= b.top for y in table_edges) or number(b.text) is not None:
            return False
        if a.size > body + 0.5 and (centred(a) or a.x0 <= left + a.size) and centred(b):
            return True  # a title wrapped over centred lines
        indented = b.x0 > left + 0.8 * b.size
        short = a.x1 < right - SHORT_LINE * a.size
        aside = a.x0 > left + 4 * a.size  # a centred or right-aligned line stands alone
        return not (indented or short or aside)

    paragraphs = [[lines[0]]]
    for a, b in itertools.pairwise(lines):
        if runs_on(a, b):
            paragraphs[-1].append(b)
        else:
            paragraphs.append([b])
    return paragraphs


def _paragraph_block(lines: list[_Line], page: int) -> Block:
    text = lines[0].text
    for line in lines[1:]:
        text = _join(text, line.text)
    bbox = (
        min(line.x0 for line in lines),
        lines[0].top,
        max(line.x1 for line in lines),
        lines[-1].bottom,
    )
    return Block("paragraph", text, Provenance(page=page, bbox=_round(bbox)))


def _round(bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return (round(bbox[0], 1), round(bbox[1], 1), round(bbox[2], 1), round(bbox[3], 1))


class _Stitched:
    """One table, from its fragments on consecutive pages."""

    def __init__(self, index: int, first: _PTable) -> None:
        self.index = index
        self.fragments = [first]
        self.rows: list[tuple[int, _PRow]] = [(first.page, r) for r in first.rows]
        self.header = [_norm(t) for t in first.rows[0].texts()] if first.rows else []

    def continues_with(self, table: _PTable) -> bool:
        last = self.fragments[-1]
        if table.page != last.page + 1 or len(table.columns) != len(last.columns):
            return False
        width = last.columns[-1] - last.columns[0]
        return all(
            abs((a - last.columns[0]) - (b - table.columns[0])) < max(3.0, 0.01 * width)
            for a, b in zip(last.columns, table.columns, strict=True)
        )

    def extend(self, table: _PTable) -> None:
        self.fragments.append(table)
        rows = list(table.rows)
        if rows and self.header and [_norm(t) for t in rows[0].texts()] == self.header:
            rows = rows[1:]  # the header row repeated on each page
        if rows and self.rows:
            _, last = self.rows[-1]
            first = rows[0]
            if _cut_row(last, first):
                _carry(last, first, rows, join=True)
                rows = rows[1:]
            else:
                _carry(last, first, rows, join=False)
        self.rows += [(table.page, r) for r in rows]

    def blocks(self) -> list[Block]:
        out = []
        for page, row in self.rows:
            cells = [Cell(c.text, origin=o, span=c.span, col=c.col) for c, o in row.cells]
            if not any(c.text for c in cells):
                continue
            x0 = min(c.bbox[0] for c, _ in row.cells)
            x1 = max(c.bbox[2] for c, _ in row.cells)
            prov = Provenance(
                page=page, table=self.index, bbox=_round((x0, row.top, x1, row.bottom))
            )
            text = " | ".join(c.text for c in cells)
            out.append(Block("row", text, prov, cells, self.index))
        return out


def _norm(text: str) -> str:
    return regex.sub(r"\s+", "", text)


def _full_width(row: _PRow) -> bool:
    return len(row.cells) == 1


def _cut_row(last: _PRow, first: _PRow) -> bool:
    """Is `first` (top of a page) the rest of `last` (bottom of the page before), cut by the
    page break? It starts no numbered item, and its filled cells go on from text that stopped
    mid-sentence, or from a numbered task (a task is followed by the next number, so an
    unnumbered line under one is more of it, even when the break fell after a 。)."""
    if _full_width(first) or _full_width(last):
        return False
    above = {c.col: c for c, o in last.cells if o}
    filled = [c for c, o in first.cells if o and c.text]
    if not filled:
        return False
    first_col = min(c.col for c, _ in last.cells)
    lead = above.get(first_col)
    label = number(lead.text) if lead is not None else None
    under_task = label is not None and label.level >= 3
    for cell in filled:
        if number(cell.text) is not None:
            return False
        prev = above.get(cell.col)
        if prev is None or not prev.text:
            return False
        if prev.text.endswith(_TERMINAL) and not (under_task and cell.col == first_col):
            return False
    return True


def _carry(last: _PRow, first: _PRow, rows: list[_PRow], join: bool) -> None:
    """Across a page break: join a cut row's cells to the cells above (join=True), or let an
    empty cell at the top of the page continue the filled cell above it (a merged cell that
    runs over the break)."""
    above = {c.col: c for c, _ in last.cells}
    if _full_width(first) or _full_width(last):
        return
    for cell, origin in first.cells:
        prev = above.get(cell.col)
        if prev is None or not origin or prev.span != cell.span:
            continue
        if join and cell.text:
            prev.text = _join(prev.text, cell.text)
        elif cell.text or not prev.text or cell.col == 0:
            continue
        for row in rows:  # every row the cell covers now shows the merged cell
            row.cells = [(prev, False) if c is cell else (c, o) for c, o in row.cells]
