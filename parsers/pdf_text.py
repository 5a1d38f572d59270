"""PDF text: characters into lines, lines into a cell's paragraphs or the page's paragraphs.

A PDF holds characters at positions, no words, lines or paragraphs. Characters are grouped
into lines by their vertical centre and read left to right (the same glyph drawn twice for fake
bold counts once; CJK runs on without the spaces a layout gap would suggest). Lines join into
a paragraph when they wrap: the line above runs to the right edge, the next is not indented and
starts no numbered item (`parsers/ladder.py`).
"""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass
from typing import Any

import regex

from parsers.blocks import Block
from parsers.ladder import number
from schemas import Provenance

# A line that stops this many characters short of the right edge ends its paragraph. CJK line
# breaking pushes a character or two to the next line (no 。 or ） at a line's start, no （ at
# its end; a number is not split), so a wrapped line can stop short by that much.
SHORT_LINE = 2.5

_CJK = r"\p{Han}\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2014\u2026"
_SPACE_NEAR_CJK = regex.compile(rf"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}])")

Char = dict[str, Any]  # a pdfplumber char: text, x0, x1, top, bottom, size…


@dataclass(slots=True)
class Line:
    """One line of text as drawn; positions in points from the page's top-left corner."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


def lines(chars: list[Char]) -> list[Line]:
    """Characters grouped into lines by their vertical position, each read left to right."""
    if not chars:
        return []
    chars = sorted(chars, key=lambda c: (c["top"], c["x0"]))
    groups: list[list[Char]] = []
    mid = -1e9
    for ch in chars:
        size = ch["bottom"] - ch["top"]
        centre = (ch["top"] + ch["bottom"]) / 2
        if groups and abs(centre - mid) <= max(size, 1.0) * 0.5:
            groups[-1].append(ch)
        else:
            groups.append([ch])
            mid = centre
    out = []
    for group in groups:
        group.sort(key=lambda c: c["x0"])
        parts: list[str] = []
        prev: Char | None = None
        for ch in group:
            if prev is not None:
                if ch["text"] == prev["text"] and abs(ch["x0"] - prev["x0"]) < 1:
                    continue  # the same glyph drawn twice (fake bold)
                if ch["x0"] - prev["x1"] > 0.25 * ch["size"]:
                    parts.append(" ")
            parts.append(ch["text"])
            prev = ch
        text = str(_SPACE_NEAR_CJK.sub("", "".join(parts))).strip()
        if text:
            out.append(
                Line(
                    text,
                    min(c["x0"] for c in group),
                    max(c["x1"] for c in group),
                    min(c["top"] for c in group),
                    max(c["bottom"] for c in group),
                    statistics.median(c["size"] for c in group),
                )
            )
    return out


def join(a: str, b: str) -> str:
    """Two pieces of one wrapped paragraph: CJK runs on without a space, Latin words with one."""
    if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return f"{a} {b}"
    return a + b


def cell_text(cell_lines: list[Line], right: float) -> str:
    """A cell's lines as paragraphs: a wrapped line runs on; a line that starts a numbered
    item, or follows a line that stopped short of the cell's right edge, starts a new one."""
    if not cell_lines:
        return ""
    reach = max(line.x1 for line in cell_lines)
    paragraphs = [cell_lines[0].text]
    for prev, line in itertools.pairwise(cell_lines):
        short = prev.x1 < min(reach, right) - SHORT_LINE * prev.size
        if short or number(line.text) is not None:
            paragraphs.append(line.text)
        else:
            paragraphs[-1] = join(paragraphs[-1], line.text)
    return "\n".join(paragraphs)


def paragraphs(page_lines: list[Line], body: float, table_edges: list[float]) -> list[list[Line]]:
    """A page's lines outside tables grouped into paragraphs by layout; `body` is the body
    text size, `table_edges` the tops and bottoms of the page's tables, which cut paragraphs."""
    if not page_lines:
        return []
    normal = [line for line in page_lines if abs(line.size - body) < 1] or page_lines
    left = min(line.x0 for line in normal)
    right = max(line.x1 for line in normal)
    centre = (left + right) / 2

    def centred(line: Line) -> bool:
        return abs((line.x0 + line.x1) / 2 - centre) < 2 * line.size and line.x0 > left + line.size

    def runs_on(a: Line, b: Line) -> bool:
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

    out = [[page_lines[0]]]
    for a, b in itertools.pairwise(page_lines):
        if runs_on(a, b):
            out[-1].append(b)
        else:
            out.append([b])
    return out


def paragraph_block(para: list[Line], page: int) -> Block:
    """A paragraph's lines as one paragraph block, with its page and box as provenance."""
    text = para[0].text
    for line in para[1:]:
        text = join(text, line.text)
    bbox = (min(ln.x0 for ln in para), para[0].top, max(ln.x1 for ln in para), para[-1].bottom)
    return Block("paragraph", text, Provenance(page=page, bbox=rounded(bbox)))


def rounded(bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """A box (x0, top, x1, bottom, points) to a tenth of a point, for provenance."""
    return (round(bbox[0], 1), round(bbox[1], 1), round(bbox[2], 1), round(bbox[3], 1))
