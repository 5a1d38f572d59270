"""The 临江区 2024 case notice as PDF files drawn with reportlab's canvas, in shapes other than the
case files (tests/forms_linjiang.py has the plan's rows and the Word forms).

The table is drawn by hand — text cell by cell, then each rule — so that each form controls
exactly which rules a viewer sees:

- `rotated_pdf`: the plan on a page stored with /Rotate 270 and its content drawn turned, so a
  viewer shows it upright in landscape; the task number in the task cell, no 序号 column;
- `hidden_rule_pdf`: rules no viewer shows drawn through the six task rows — CMYK white,
  DeviceGray white, a white filled bar, a 0-width stroke among 0.6 pt rules, a black rule
  drawn wholly outside the clipping path, a black rule with a stroke alpha of 0;
- `light_rule_pdf`: a pale but visible rule through one task's text cell (the reader cannot
  know it should not be there: the row under it, with no number and no units, is joined back);
- `pagebreak_pdf`: the page break cuts task 2 inside its 配合单位 cell (the other cells end on
  the first page); no rule closes the row; the header row is repeated on the next page;
- `norules_pdf`: column rules only, running through the whole table (no rule between rows,
  none broken at headings), headings in the task column, numbers in the task text (1.…),
  cells of two lines, rows set tight (no extra space between them).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.forms_linjiang import ADDRESSEES, HEADER, PREAMBLE, Notice, Row, linjiang

FONT = "STSong-Light"
A4 = (595.2756, 841.8898)
MARGIN = 56.7
SIZE, LEADING, PAD = 10.0, 14.0, 4.0


def _canvas(path: Path) -> Any:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont(FONT, SIZE)
    return c


def _wrap(text: str, width: float, size: float = SIZE) -> list[str]:
    """CJK text broken into lines character by character, as wide as `width` allows."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    out, line = [], ""
    for ch in text:
        if line and stringWidth(line + ch, FONT, size) > width:
            out.append(line)
            line = ""
        line += ch
    return [*out, line] if line else out


@dataclass
class _Cell:
    x0: float
    x1: float
    lines: list[str]


@dataclass
class _Drawn:
    """A table row laid out: its cells (one for a heading), top and bottom (y down)."""

    cells: list[_Cell]
    top: float = 0.0
    bottom: float = 0.0

    @property
    def height(self) -> float:
        return max(len(c.lines) for c in self.cells) * LEADING + 2 * PAD


def _columns(left: float, widths: list[float]) -> list[float]:
    xs = [left]
    for w in widths:
        xs.append(xs[-1] + w)
    return xs


def _layout(rows: list[list[str] | str], xs: list[float]) -> list[_Drawn]:
    out = []
    for row in rows:
        if isinstance(row, str):  # a heading across the table
            out.append(_Drawn([_Cell(xs[0], xs[-1], _wrap(row, xs[-1] - xs[0] - 2 * PAD))]))
        else:
            cells = [
                _Cell(x0, x1, _wrap(text, x1 - x0 - 2 * PAD))
                for x0, x1, text in zip(xs[:-1], xs[1:], row, strict=True)
            ]
            out.append(_Drawn(cells))
    return out


def _place(drawn: list[_Drawn], y: float) -> float:
    for row in drawn:
        row.top, row.bottom = y, y + row.height
        y = row.bottom
    return y


def _text(c: Any, height: float, cell: _Cell, top: float, lines: list[str] | None = None) -> None:
    for i, line in enumerate(cell.lines if lines is None else lines):
        c.drawString(cell.x0 + PAD, height - (top + PAD + SIZE + i * LEADING), line)


def _texts(c: Any, height: float, drawn: list[_Drawn]) -> None:
    for row in drawn:
        for cell in row.cells:
            _text(c, height, cell, row.top)


def _front(c: Any, notice: Notice, width: float, height: float) -> float:
    """Title, number, addressees, preamble, signature and date; returns the y (down) below."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    y = 70.0
    c.setFont(FONT, 16)
    for line in _wrap(notice.title, width - 2 * MARGIN - 40, 16):
        c.drawCentredString(width / 2, height - y, line)
        y += 24
    c.setFont(FONT, 12)
    c.drawCentredString(width / 2, height - y, notice.doc_number)
    y += 30
    c.drawString(MARGIN, height - y, ADDRESSEES)
    y += 20
    for line in _wrap("\u3000\u3000" + PREAMBLE, width - 2 * MARGIN, 12):
        c.drawString(MARGIN, height - y, line)
        y += 20
    y += 20
    for text in (notice.issuer, notice.sign_date):
        c.drawString(width - MARGIN - stringWidth(text, FONT, 12), height - y, text)
        y += 20
    c.setFont(FONT, SIZE)
    return y + 20


def _plan_title(c: Any, notice: Notice, width: float, height: float, y: float) -> float:
    c.setFont(FONT, 16)
    c.drawCentredString(width / 2, height - y, notice.plan_title)
    c.setFont(FONT, SIZE)
    return y + 20


def _five(row: Row) -> list[str] | str:
    return [row.label, row.text, row.lead, row.co, row.due] if row.kind == "task" else row.heading


def _four(row: Row) -> list[str] | str:
    if row.kind != "task":
        return row.heading
    return [f"{row.label}.{row.text}", row.lead, row.co, row.due]


def _grid(c: Any, height: float, drawn: list[_Drawn], xs: list[float]) -> None:
    """Every rule of a fully ruled table: row rules, column rules except across headings."""
    top, bottom = drawn[0].top, drawn[-1].bottom
    c.line(xs[0], height - top, xs[-1], height - top)
    for row in drawn:
        c.line(xs[0], height - row.bottom, xs[-1], height - row.bottom)
        inner = xs[1:-1] if len(row.cells) > 1 else []
        for x in inner:
            c.line(x, height - row.top, x, height - row.bottom)
    for x in (xs[0], xs[-1]):
        c.line(x, height - top, x, height - bottom)


def rotated_pdf(path: Path) -> Path:
    notice = linjiang()
    c = _canvas(path)
    width, height = A4
    _front(c, notice, width, height)
    c.showPage()
    # page 2: stored portrait with /Rotate 270, drawn turned: landscape (X, Y) is (Y, H - X)
    c.setPageRotation(270)  # reportlab stores a 90/270 page's size turned: ask for landscape
    c.setPageSize((height, width))  # to store the page portrait, as the case files have it
    c.saveState()
    c.translate(0, height)
    c.rotate(-90)  # cos/sin of 90° leave the rounding residue real files carry
    land_w, land_h = height, width
    y = _plan_title(c, notice, land_w, land_h, 60)
    xs = _columns(50, [330, 150, 170, 92])
    drawn = _layout([HEADER[1:], *[_four(r) for r in notice.rows]], xs)
    _place(drawn, y)
    _texts(c, land_h, drawn)
    c.setLineWidth(0.5)
    _grid(c, land_h, drawn, xs)
    c.restoreState()
    c.showPage()
    c.save()
    return path


def _ruled_five(c: Any, notice: Notice, y: float) -> tuple[list[_Drawn], list[float]]:
    height = A4[1]
    xs = _columns(MARGIN, [34, 205, 84, 88, 71])
    drawn = _layout([HEADER, *[_five(r) for r in notice.rows]], xs)
    _place(drawn, y)
    _texts(c, height, drawn)
    c.setLineWidth(0.6)
    _grid(c, height, drawn, xs)
    return drawn, xs


def _mid_text(row: _Drawn) -> float:
    """A height (y down) inside a task cell's text, between its first and second lines."""
    return row.top + PAD + LEADING + 1


def hidden_rule_pdf(path: Path) -> Path:
    notice = linjiang()
    c = _canvas(path)
    width, height = A4
    y = _plan_title(c, notice, width, height, _front(c, notice, width, height))
    drawn, xs = _ruled_five(c, notice, y)
    tasks = [d for d in drawn if len(d.cells) == 5][1:]  # the header row is not a task
    x0, x1 = xs[1], xs[2]
    ys = [height - _mid_text(t) for t in tasks]
    c.saveState()
    c.setStrokeColorCMYK(0, 0, 0, 0)  # CMYK white
    c.line(x0, ys[0], x1, ys[0])
    c.setStrokeGray(1)  # DeviceGray white
    c.line(x0, ys[1], x1, ys[1])
    c.setFillColorRGB(1, 1, 1)  # a white bar, filled, not stroked
    c.rect(x0, ys[2] - 0.4, x1 - x0, 0.8, stroke=0, fill=1)
    c.restoreState()
    c.saveState()
    c.setLineWidth(0)  # a 0-width stroke among the table's 0.6 pt rules
    c.line(x0, ys[3], x1, ys[3])
    c.restoreState()
    c.saveState()  # a black rule, clipped away: the clip is a box in the bottom margin
    clip = c.beginPath()
    clip.rect(MARGIN, 10, 100, 20)
    c.clipPath(clip, stroke=0, fill=0)
    c.line(x0, ys[4], x1, ys[4])
    c.restoreState()
    c.saveState()
    c.setStrokeAlpha(0)  # a black rule, fully transparent (an ExtGState with CA 0)
    c.line(x0, ys[5], x1, ys[5])
    c.restoreState()
    c.showPage()
    c.save()
    return path


def light_rule_pdf(path: Path) -> Path:
    notice = linjiang()
    c = _canvas(path)
    width, height = A4
    y = _plan_title(c, notice, width, height, _front(c, notice, width, height))
    drawn, xs = _ruled_five(c, notice, y)
    task = [d for d in drawn if len(d.cells) == 5][2]  # task 2: two lines of text
    c.saveState()
    c.setStrokeGray(0.85)
    c.setLineWidth(0.6)
    c.line(xs[1], height - _mid_text(task), xs[2], height - _mid_text(task))
    c.restoreState()
    c.showPage()
    c.save()
    return path


def pagebreak_pdf(path: Path) -> Path:
    notice = linjiang()
    c = _canvas(path)
    width, height = A4
    below_front = _front(c, notice, width, height)
    xs = _columns(MARGIN, [30, 240, 78, 56, 78])
    drawn = _layout([HEADER, *[_five(r) for r in notice.rows]], xs)
    cut = next(i for i, d in enumerate(drawn) if d.cells[0].lines == ["2"])
    row = drawn[cut]
    shown = max(len(cell.lines) for i, cell in enumerate(row.cells) if i != 3)
    assert len(row.cells[3].lines) > shown  # only the 配合单位 cell runs over the break
    # the table starts low enough for the break to fall at the page's bottom margin
    y = height - 60 - sum(d.height for d in drawn[:cut]) - (PAD + shown * LEADING + 2)
    assert y >= below_front + 20
    _plan_title(c, notice, width, height, y - 20)
    _place(drawn, y)
    # page 1: up to task 2, whose 配合单位 cell is cut after the other cells have ended
    c.setLineWidth(0.6)
    _texts(c, height, drawn[:cut])
    _grid(c, height, drawn[:cut], xs)
    for cell in row.cells:
        _text(c, height, cell, row.top, cell.lines[:shown])
    open_bottom = row.top + PAD + shown * LEADING + 2
    for x in xs:  # the column rules run to the page's edge; no rule closes the row
        c.line(x, height - row.top, x, height - open_bottom)
    c.showPage()
    # page 2: the header again, then the rest of the 配合单位 cell, then the other rows
    c.setFont(FONT, SIZE)
    c.setLineWidth(0.6)
    header = _layout([HEADER], xs)
    y2 = _place(header, 60)
    rest = _Drawn([_Cell(cell.x0, cell.x1, cell.lines[shown:]) for cell in row.cells])
    y2 = _place([rest], y2)
    _place(drawn[cut + 1 :], y2)
    later = [*header, rest, *drawn[cut + 1 :]]
    _texts(c, height, later)
    _grid(c, height, later, xs)
    c.showPage()
    c.save()
    return path


def norules_pdf(path: Path, numbered: bool = True, row_gap: float = 0.0) -> Path:
    """`numbered` False leaves the task numbers out (the rows cannot be told apart then);
    `row_gap` puts space between rows."""
    notice = linjiang()
    c = _canvas(path)
    width, height = A4
    y = _plan_title(c, notice, width, height, _front(c, notice, width, height))
    xs = _columns(MARGIN, [200, 90, 110, 82])
    rows: list[list[str] | str] = [HEADER[1:]]
    for r in notice.rows:
        if r.kind != "task":
            rows.append([r.heading, "", "", ""])
        else:
            rows.append([f"{r.label}.{r.text}" if numbered else r.text, r.lead, r.co, r.due])
    drawn = _layout(rows, xs)
    top = y
    for row in drawn:  # rows set tight: no space between one row's text and the next
        row.top = y
        row.bottom = y + max(len(cell.lines) for cell in row.cells) * LEADING
        y = row.bottom + (2 * PAD if row is drawn[0] else row_gap)
    for row in drawn:
        for cell in row.cells:
            _text(c, height, cell, row.top - (0 if row is drawn[0] else PAD))
    c.setLineWidth(0.6)
    c.line(xs[0], height - top, xs[-1], height - top)
    under_header = drawn[0].bottom + 2 * PAD
    c.line(xs[0], height - under_header, xs[-1], height - under_header)
    c.line(xs[0], height - y - PAD, xs[-1], height - y - PAD)
    for x in xs:
        c.line(x, height - top, x, height - y - PAD)
    c.showPage()
    c.save()
    return path
