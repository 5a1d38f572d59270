"""PDF pages into one block stream: tables stitched over page breaks, paragraphs between them,
running headers, footers and page numbers left out.

- A table that ends one page and starts the next with the same columns is one table: a
  repeated header row is dropped; a row the page break cut in two is joined again — a row left
  open at the page's edge (no rule closes it) always, else a row whose cells go on from text
  that stopped mid-sentence; an empty cell at the top of the page under a filled one is the
  rest of a merged cell.
- Running headers and footers (the same line at the top or bottom of several pages, numbers
  aside) and page numbers (— 3 —, 第3页) are dropped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import regex

from parsers.blocks import Block, Cell
from parsers.furniture import is_furniture
from parsers.pdf_grid import PCell, PRow, PTable, row_label
from parsers.pdf_text import Line, join, paragraph_block, paragraphs, rounded
from schemas import Provenance

EDGE_ZONE = 0.12  # running headers/footers sit in the top and bottom 12 % of the page
_PAGE_NUMBER = regex.compile(
    r"^[-—–－~·\s]*(?:第\s*)?\d{1,4}\s*(?:页)?\s*(?:(?:[/／]|共)\s*\d{1,4}\s*页?)?[-—–－~·\s]*$"
    r"|^(?:page|p\.)\s*\d+(?:\s*(?:of|/)\s*\d+)?$",
    regex.I,
)
_TERMINAL = tuple("。；;！!？?")


@dataclass(slots=True)
class Page:
    """What one page yields: its lines outside tables and its tables (points, top-down)."""

    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)  # outside tables, top to bottom
    tables: list[PTable] = field(default_factory=list)


def assemble(pages: list[Page]) -> list[Block]:
    """The pages' paragraphs and table rows, in reading order (top to bottom, page by page)."""
    _drop_furniture(pages)
    body = _body_size(pages)
    blocks: list[Block] = []
    open_table: _Stitched | None = None
    tables = 0
    for page in pages:
        edges = sorted(y for t in page.tables for y in (t.bbox[1], t.bbox[3]))
        items: list[tuple[float, Any]] = [(t.bbox[1], t) for t in page.tables]
        items += [(p[0].top, p) for p in paragraphs(page.lines, body, edges)]
        items.sort(key=lambda item: item[0])
        for n, (_, item) in enumerate(items):
            if isinstance(item, PTable):
                first_on_page = n == 0
                if open_table and first_on_page and open_table.continues_with(item):
                    open_table.extend(item)
                    continue
                if open_table:
                    blocks += open_table.blocks()
                open_table = _Stitched(tables, item)
                tables += 1
            else:
                block = paragraph_block(item, page.number)
                if is_furniture(block.text):
                    continue  # a web page printed to PDF keeps the site's header and footer
                if open_table:
                    blocks += open_table.blocks()
                    open_table = None
                blocks.append(block)
        if open_table and items and not isinstance(items[-1][1], PTable):
            blocks += open_table.blocks()
            open_table = None
    if open_table:
        blocks += open_table.blocks()
    return blocks


def _drop_furniture(pages: list[Page]) -> None:
    """Running headers and footers: lines in the top or bottom margin that repeat on other
    pages (numbers aside), and page numbers."""

    def edge(page: Page, line: Line) -> bool:
        return line.bottom < page.height * EDGE_ZONE or line.top > page.height * (1 - EDGE_ZONE)

    def shape(text: str) -> str:
        return str(regex.sub(r"\d+", "#", regex.sub(r"\s+", "", text)))

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


def _inside_tables(page: Page, line: Line) -> bool:
    """A line between two tables of the page is body text, not furniture."""
    above = any(t.bbox[3] <= line.top for t in page.tables)
    below = any(t.bbox[1] >= line.bottom for t in page.tables)
    return above and below


def _body_size(pages: list[Page]) -> float:
    sizes = Counter(
        round(line.size * 2) / 2 for page in pages for line in page.lines for _ in line.text
    )
    return sizes.most_common(1)[0][0] if sizes else 12.0


class _Stitched:
    """One table, from its fragments on consecutive pages."""

    def __init__(self, index: int, first: PTable) -> None:
        self.index = index
        self.fragments = [first]
        self.rows: list[tuple[int, PRow]] = [(first.page, r) for r in first.rows]
        self.header = [_norm(t) for t in first.rows[0].texts()] if first.rows else []

    def continues_with(self, table: PTable) -> bool:
        last = self.fragments[-1]
        if table.page != last.page + 1 or len(table.columns) != len(last.columns):
            return False
        width = last.columns[-1] - last.columns[0]
        return all(
            abs((a - last.columns[0]) - (b - table.columns[0])) < max(3.0, 0.01 * width)
            for a, b in zip(last.columns, table.columns, strict=True)
        )

    def extend(self, table: PTable) -> None:
        self.fragments.append(table)
        rows = list(table.rows)
        if rows and self.header and [_norm(t) for t in rows[0].texts()] == self.header:
            rows = rows[1:]  # the header row repeated on each page
        if rows and self.rows:
            _, last = self.rows[-1]
            first = rows[0]
            if _cut_row(last, first):
                _carry(last, first, rows, join_cut=True)
                rows = rows[1:]
            else:
                _carry(last, first, rows, join_cut=False)
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
                page=page, table=self.index, bbox=rounded((x0, row.top, x1, row.bottom))
            )
            text = " | ".join(c.text for c in cells)
            out.append(Block("row", text, prov, cells, self.index))
        return out


def _norm(text: str) -> str:
    return str(regex.sub(r"\s+", "", text))


def _full_width(row: PRow) -> bool:
    return len(row.cells) == 1


def _cut_row(last: PRow, first: PRow) -> bool:
    """Is `first` (top of a page) the rest of `last` (bottom of the page before), cut by the
    page break? Its first column starts no new number. Then: a row left open at the page edge
    (no rule under `last` or over `first`) goes on; else no filled cell starts a numbered item
    and each goes on from text that stopped mid-sentence, or from a numbered task (a task is
    followed by the next number, so an unnumbered line under one is more of it, even after
    a 。)."""
    if _full_width(first) or _full_width(last):
        return False
    above = {c.col: c for c, o in last.cells if o}
    filled = [c for c, o in first.cells if o and c.text]
    first_col = min(c.col for c, _ in last.cells)
    if not filled or any(c.col == first_col and row_label(c.text) for c in filled):
        return False  # a new number in the first column starts a new row
    if last.open_bottom or first.open_top:
        return True
    if any(row_label(c.text) is not None for c in filled):
        return False
    lead = above.get(first_col)
    under_task = lead is not None and (row_label(lead.text) or 0) >= 3
    for cell in filled:
        prev = above.get(cell.col)
        if prev is None or not prev.text:
            return False
        if prev.text.endswith(_TERMINAL) and not (under_task and cell.col == first_col):
            return False
    return True


def _carry(last: PRow, first: PRow, rows: list[PRow], join_cut: bool) -> None:
    """Across a page break: join a cut row's cells to the cells above (join_cut=True), or let
    an empty cell at the top of the page continue the filled cell above it (a merged cell
    that runs over the break)."""
    above = {c.col: c for c, _ in last.cells}
    if _full_width(first) or _full_width(last):
        return
    for cell, origin in first.cells:
        prev = above.get(cell.col)
        if prev is None or not origin or prev.span != cell.span:
            continue
        if join_cut and cell.text:
            prev.text = join(prev.text, cell.text)
        elif cell.text or not prev.text or cell.col == 0:
            continue
        _show(prev, cell, rows)


def _show(prev: PCell, cell: PCell, rows: list[PRow]) -> None:
    """Every row `cell` covers now shows the merged cell `prev` (not its first row)."""
    for row in rows:
        row.cells = [(prev, False) if c is cell else (c, o) for c, o in row.cells]
