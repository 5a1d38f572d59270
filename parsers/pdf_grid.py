"""PDF tables: pdfplumber's cells on the grid their edges make, as rows of cells with merges;
rows a table draws without rules told apart; rows an unseen rule cut in two joined again.

- `Grid` places each cell pdfplumber found on the grid of its table's x and y positions: a cell
  over several grid rows is a vertical merge (origin False below its first row), over several
  columns a span; grid positions no cell covers become a cell (a rule left out).
- `row_splits` finds where a grid row holds several rows (a table drawn with column rules
  only): below its first line, a line of the first filled cell starts a number of the same rung
  as the first line's (1, 2…; 1., 2.…), the row starts in another column at the same height,
  and white space runs across the whole row above it; in a row of one cell (a heading row),
  a line starting 一、 or （一）. The caller draws a rule there and reads the page again.
- `glued_row` says when a grid row still holds rows that cannot be told apart: two cells start
  a new block of lines at the same height after a gap, with no number to split at.
- `join_continuations` joins a row whose only filled cell sits under a numbered row's filled
  cell in the same column: a rule no viewer shows (or one not recognised as invisible) cut
  the row, since a row of its own would have its number and units.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

import regex

from parsers.ladder import number
from parsers.pdf_text import Char, Line, cell_text, join, lines

SNAP = 1.5  # points: grid lines closer than this are one line
_BARE_NUMBER = regex.compile(r"^\d{1,3}[.、．]?$")

Bbox = tuple[float, float, float, float]  # x0, top, x1, bottom


@dataclass(slots=True)
class PCell:
    """A table cell as drawn; rows refer to it, so text joined later shows in every row."""

    text: str
    col: int
    span: int
    bbox: Bbox
    lines: list[Line] = field(default_factory=list)


@dataclass(slots=True)
class PRow:
    """A grid row of a table: its cells left to right, its top and bottom (points)."""

    cells: list[tuple[PCell, bool]]  # (cell, origin): origin False below a merge's first row
    top: float
    bottom: float
    open_top: bool = False  # no rule above it: cut by the page break before
    open_bottom: bool = False  # no rule below it: cut by the page break after

    def texts(self) -> list[str]:
        return [c.text for c, _ in self.cells]


@dataclass(slots=True)
class PTable:
    """A table as found on one page: its box, its grid's x positions, its rows."""

    page: int
    bbox: Bbox
    columns: list[float]  # grid x positions, left to right
    rows: list[PRow]


def row_label(text: str) -> int | None:
    """The rung of the number a row or line starts with (1 一、, 2 （一）, 3 1./1/第1条,
    4 （1）), or None. A bare number (a 序号 cell) is on the task rung."""
    if _BARE_NUMBER.match(text):
        return 3
    label = number(text)
    return label.level if label is not None else None


class Grid:
    """A pdfplumber table's cells (boxes: x0, top, x1, bottom) on the grid their edges make."""

    def __init__(self, cells: list[Bbox]) -> None:
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
        """Grid positions no closed cell covers are a cell whose rule is missing. Each run of
        them down a column is one cell."""
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
        """Two columns at least: a frame round a block of text is not a table. One row is
        enough: the rest of a table the page before began."""
        return len(self.xs) >= 3 and len(self.ys) >= 2

    def locate(self, x: float, y: float) -> int | None:
        xs, ys = self.xs, self.ys
        if not (xs[0] <= x <= xs[-1] and ys[0] <= y <= ys[-1]):
            return None
        c = min(bisect_right(xs, x) - 1, len(xs) - 2)
        r = min(bisect_right(ys, y) - 1, len(ys) - 2)
        return self.at.get((r, c))

    def table(self, page: int, cell_chars: list[list[Char]], open_ys: list[float]) -> PTable:
        """The rows of cells; `open_ys` are the heights of synthetic rules that close a table
        left open (pdf_draw.rules), which mark its first or last row open."""
        pcells = []
        for (x0, top, x1, bottom), chars, (_, _, c0, c1) in zip(
            self.cells, cell_chars, self.place, strict=True
        ):
            cell_lines = lines(chars)
            text = cell_text(cell_lines, x1)
            pcells.append(PCell(text, c0, c1 - c0, (x0, top, x1, bottom), cell_lines))
        rows: list[PRow] = []
        for r in range(len(self.ys) - 1):
            seen: set[int] = set()
            cells: list[tuple[PCell, bool]] = []
            for c in range(len(self.xs) - 1):
                i = self.at.get((r, c))
                if i is None or i in seen:
                    continue
                seen.add(i)
                cells.append((pcells[i], self.place[i][0] == r))
            if cells:
                rows.append(PRow(cells, self.ys[r], self.ys[r + 1]))
        if rows:
            rows[0].open_top = any(abs(rows[0].top - y) <= SNAP for y in open_ys)
            rows[-1].open_bottom = any(abs(rows[-1].bottom - y) <= SNAP for y in open_ys)
        bbox = (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])
        return PTable(page, bbox, self.xs, rows)


def _snap(values: Iterable[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > SNAP:
            out.append(v)
    return out


def _index(grid: list[float], value: float) -> int:
    i = bisect_right(grid, value + SNAP) - 1
    return max(i, 0)


# --- rows drawn without rules ------------------------------------------------------------------


def _single_rows(row: PRow) -> list[PCell] | None:
    """The row's cells when none of them reaches into another row (no merge runs through)."""
    cells = [c for c, origin in row.cells]
    if not all(origin for _, origin in row.cells):
        return None
    if any(c.bbox[1] < row.top - SNAP or c.bbox[3] > row.bottom + SNAP for c in cells):
        return None
    return cells


def _clean_above(line: Line, every: list[Line]) -> float | None:
    """The height of the white space that runs across the row just above `line`, if any."""
    above = [ln.bottom for ln in every if ln.bottom <= line.top + 0.5 and ln is not line]
    if not above:
        return None
    y = (max(above) + line.top) / 2
    if any(ln.top < y < ln.bottom for ln in every):
        return None
    return y


def row_splits(table: PTable) -> list[float]:
    """Heights at which a rule should be drawn to split the table's rows (module docstring)."""
    out: list[float] = []
    for row in table.rows:
        cells = _single_rows(row)
        if not cells:
            continue
        filled = [c for c in cells if c.lines]
        if not filled:
            continue
        first = min(filled, key=lambda c: c.col)
        rung = row_label(first.lines[0].text)
        every = [ln for c in filled for ln in c.lines]
        for line in first.lines[1:]:
            if _starts_row(line, rung, first, filled, len(cells) == 1):
                y = _clean_above(line, every)
                if y is not None:
                    out.append(y)
    return out


def _starts_row(line: Line, rung: int | None, first: PCell, filled: list[PCell], one: bool) -> bool:
    """Does this line of the row's first filled cell start a row of its own? A heading label
    (一、, （一）) does; a task number (1, 1.) when the row starts in another column at the
    same height too, or when the row began with the same rung; a sub-item label ((1)) only
    when the row began with one and another column starts beside it."""
    level = row_label(line.text)
    if level is None:
        return False
    if level <= 2:
        return True
    if one:
        return level == rung
    beside = any(
        abs(ln.top - line.top) <= 0.5 * line.size
        for c in filled
        if c is not first
        for ln in c.lines
    )
    if level == 3:
        return beside or level == rung
    return beside and level == rung


def glued_row(table: PTable) -> PRow | None:
    """A row in which two cells start a new block of lines at the same height, after a gap
    that runs across the row: rows glued together that no number tells apart."""
    for row in table.rows:
        cells = _single_rows(row)
        if not cells or len(cells) < 2:
            continue
        every = [ln for c in cells for ln in c.lines]
        starts: list[Line] = []
        for cell in cells:
            for prev, line in zip(cell.lines, cell.lines[1:], strict=False):
                if line.top - prev.bottom >= 0.8 * line.size:
                    starts.append(line)
        for line in starts:
            others = [s for s in starts if s is not line and abs(s.top - line.top) <= 1.0]
            if others and _clean_above(line, every) is not None:
                return row
    return None


def join_continuations(table: PTable) -> int:
    """Join rows cut by a rule that should not have cut them (module docstring); returns how
    many were joined."""
    out: list[PRow] = []
    joined = 0
    for row in table.rows:
        prev = out[-1] if out else None
        if prev is not None and _continues(prev, row):
            cell = next(c for c, origin in row.cells if origin and c.text)
            above = next(c for c, o in prev.cells if o and c.col == cell.col)
            # a cut in mid-sentence runs on; after a full stop the text starts a new line
            full_stop = above.text.endswith(("。", "；", ";"))
            above.text = f"{above.text}\n{cell.text}" if full_stop else join(above.text, cell.text)
            above.lines += cell.lines
            prev.bottom = row.bottom
            prev.open_bottom = row.open_bottom
            joined += 1
            continue
        out.append(row)
    table.rows = out
    return joined


def _continues(prev: PRow, row: PRow) -> bool:
    """`row` has one filled cell of its own, not the first, under a filled cell of `prev`;
    its first cell is empty or carried from `prev`, whose first cell holds a task number."""
    own = [c for c, origin in row.cells if origin]
    filled = [c for c in own if c.text]
    first = row.cells[0][0]
    if len(filled) != 1 or filled[0] is first or (first.text and row.cells[0][1]):
        return False
    above = next((c for c, o in prev.cells if o and c.col == filled[0].col), None)
    if above is None or above.span != filled[0].span or not above.text:
        return False
    return (row_label(prev.cells[0][0].text) or 0) >= 3
