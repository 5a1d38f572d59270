"""What a PDF page really draws: its layout read with the clipping path kept, and the ruling
lines a viewer shows, as the edges pdfplumber builds table grids from.

pdfminer, under pdfplumber, ignores clipping paths (`W`, `W*`) and the `gs` operator, and
starts the line width at 0 where the PDF Reference starts it at 1.0 (8.4.1); `layout(page)`
reads the page with an interpreter that keeps the clip as a box and paints no path that lies
wholly outside it or is fully transparent (`gs` with CA/ca 0), takes a line width set by `gs`
(LW), and starts the width at 1.0, so that an explicit `0 w` can be told apart.

`rules(page)` turns the page's lines, rectangles and curves into horizontal and vertical edges:

- only what shows: not a white stroke or fill (gray 1, RGB 1 1 1, CMYK 0 0 0 0), not a path
  outside the clip or fully transparent, not a filled rectangle of no area; a stroke of zero
  width (a device hairline) is left out when the page draws its other rules wider: a stray
  line, not a rule;
- read as displayed: a page stored rotated (/Rotate) with its content drawn turned comes out of
  pdfminer upright but with rounding residue (a horizontal rule 6e-14 pt high, which
  pdfplumber takes for a vertical one): orientation is decided with a tolerance;
- closed: rules that stop together where no rule joins them (a row left open at the page edge,
  a table drawn with column rules only) get a synthetic rule across their ends, reaching the
  rules that run on past that height, so the open row is still a row.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdftypes import resolve1
from pdfminer.psparser import literal_name
from pdfminer.utils import Matrix, apply_matrix_pt
from pdfplumber.page import PDFPageAggregatorWithMarkedContent

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF user space (y up)
TILT = 0.5  # points: a rule this far off horizontal or vertical is still read as one
MIN_RULE = 1.0  # points: shorter strokes are dots, not rules
THIN = 2.0  # points: a filled rectangle this thin is a rule drawn as a bar
ENDS = 2.0  # points: rule ends this close are one end; a joining rule this close joins them


def layout(page: Any) -> None:
    """Lay the pdfplumber page out with the clip-aware interpreter. pdfplumber 0.11 caches
    the layout in `page._layout`; filled here, every later `page.chars`, `page.lines`… reads
    from it. Raises what pdfminer raises on a damaged page."""
    device = PDFPageAggregatorWithMarkedContent(
        page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams
    )
    interpreter = _Interpreter(page.pdf.rsrcmgr, device)
    interpreter.process_page(page.page_obj)
    page._layout = device.get_result()


class _Interpreter(PDFPageInterpreter):
    """pdfminer's interpreter with the clipping path kept as a device-space box (the bounding
    box of the clip paths intersected; exact for the rectangles that clip tables) and the
    `gs` operator read for what makes a path unseen or thin: stroke and fill alpha (CA, ca),
    line width (LW). The clip and the alphas are saved and restored with q/Q."""

    inherited: tuple[Box | None, float, float] = (None, 1.0, 1.0)

    def init_state(self, ctm: Matrix) -> None:
        super().init_state(ctm)
        self.graphicstate.linewidth = 1.0  # the PDF Reference's initial value
        self.clip, self.stroke_alpha, self.fill_alpha = self.inherited
        self.saved: list[tuple[Box | None, float, float]] = []
        self.clipping = False

    def dup(self) -> PDFPageInterpreter:
        """A form XObject's interpreter: its content is clipped by the clip in force."""
        other = super().dup()
        assert isinstance(other, _Interpreter)
        other.inherited = (self.clip, self.stroke_alpha, self.fill_alpha)
        return other

    def do_q(self) -> None:
        super().do_q()
        self.saved.append((self.clip, self.stroke_alpha, self.fill_alpha))

    def do_Q(self) -> None:
        if self.gstack and self.saved:
            self.clip, self.stroke_alpha, self.fill_alpha = self.saved.pop()
        super().do_Q()

    def do_gs(self, name: object) -> None:
        states = self.resources.get("ExtGState") if isinstance(self.resources, dict) else None
        try:
            params = resolve1(resolve1(states)[literal_name(name)])
        except (KeyError, TypeError, AttributeError):
            return
        if not isinstance(params, dict):
            return
        for key, value in params.items():
            value = resolve1(value)
            if not isinstance(value, int | float):
                continue
            if key == "CA":
                self.stroke_alpha = float(value)
            elif key == "ca":
                self.fill_alpha = float(value)
            elif key == "LW":
                self.graphicstate.linewidth = float(value)

    def do_W(self) -> None:
        self.clipping = True

    def do_W_a(self) -> None:
        self.clipping = True

    def _paint(self, paint: Callable[[], None], stroke: bool = False, fill: bool = False) -> None:
        clip = self.clip
        box = _path_box(self.curpath, self.ctm) if clip is not None or self.clipping else None
        unseen = (not stroke or self.stroke_alpha <= 0) and (not fill or self.fill_alpha <= 0)
        outside = box is not None and clip is not None and not _overlap(box, clip)
        if ((stroke or fill) and unseen) or outside:
            self.curpath = []  # transparent, or wholly outside the clip: nothing shows
        else:
            paint()
        if self.clipping:  # the clip applies to what is painted after this operator
            self.clipping = False
            if box is not None:
                self.clip = box if clip is None else _intersect(box, clip)

    def do_n(self) -> None:
        self._paint(super().do_n)

    def do_S(self) -> None:
        self._paint(super().do_S, stroke=True)

    def do_f(self) -> None:
        self._paint(super().do_f, fill=True)

    def do_F(self) -> None:
        self._paint(super().do_f, fill=True)  # pdfminer leaves the obsolete F undone; it is f

    def do_f_a(self) -> None:
        self._paint(super().do_f_a, fill=True)

    def do_B(self) -> None:
        self._paint(super().do_B, stroke=True, fill=True)

    def do_B_a(self) -> None:
        self._paint(super().do_B_a, stroke=True, fill=True)


def _path_box(path: list[Any], ctm: Matrix) -> Box | None:
    points = []
    for segment in path:
        coords = segment[1:]
        for i in range(0, len(coords) - 1, 2):
            x, y = coords[i], coords[i + 1]
            if isinstance(x, int | float) and isinstance(y, int | float):
                points.append(apply_matrix_pt(ctm, (x, y)))
    if not points:
        return None
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def _overlap(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _intersect(a: Box, b: Box) -> Box:
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))


# --- the rules a viewer shows ----------------------------------------------------------------


@dataclass(slots=True)
class Rule:
    """A horizontal (`at` = y, `start`/`end` = x) or vertical (`at` = x, `start`/`end` = y)
    rule in pdfplumber's page coordinates (top-down); `drawn` False for a synthetic rule."""

    horizontal: bool
    at: float
    start: float
    end: float
    width: float = 1.0
    drawn: bool = True

    def edge(self) -> dict[str, Any]:
        """The rule as a pdfplumber edge, for the `explicit` table strategy."""
        if self.horizontal:
            x0, x1, top, bottom = self.start, self.end, self.at, self.at
        else:
            x0, x1, top, bottom = self.at, self.at, self.start, self.end
        return {
            "object_type": "rule_edge",
            "orientation": "h" if self.horizontal else "v",
            "x0": x0,
            "x1": x1,
            "top": top,
            "bottom": bottom,
            "width": x1 - x0,
            "height": bottom - top,
        }


def rules(page: Any) -> list[Rule]:
    """The visible ruling lines of a laid-out page, with open ends closed (module docstring)."""
    found: list[Rule] = []
    for obj in page.lines:
        if _stroke_shows(obj):
            found += _segments([obj["pts"][0], obj["pts"][-1]], obj["linewidth"])
    for obj in page.rects:
        found += _rect_rules(obj)
    for obj in page.curves:
        if _stroke_shows(obj) or (obj["fill"] and not _white(obj.get("non_stroking_color"))):
            width = obj["linewidth"] if obj["stroke"] else 1.0
            found += _segments(obj["pts"], width)
    if any(r.width > 0 for r in found):
        found = [r for r in found if r.width > 0]  # hairlines beside real rules: stray lines
    return found + _closers(found)


def _stroke_shows(obj: dict[str, Any]) -> bool:
    return bool(obj["stroke"]) and not _white(obj.get("stroking_color"))


def _rect_rules(obj: dict[str, Any]) -> list[Rule]:
    x0, top, x1, bottom = obj["x0"], obj["top"], obj["x1"], obj["bottom"]
    stroked = _stroke_shows(obj)
    filled = bool(obj["fill"]) and not _white(obj.get("non_stroking_color"))
    if not stroked and not (filled and (x1 - x0 > 0 and bottom - top > 0)):
        return []
    width = obj["linewidth"] if stroked else 1.0
    if not stroked and bottom - top <= THIN:  # a bar: one horizontal rule
        return [Rule(True, (top + bottom) / 2, x0, x1, width)]
    if not stroked and x1 - x0 <= THIN:
        return [Rule(False, (x0 + x1) / 2, top, bottom, width)]
    return [
        Rule(True, top, x0, x1, width),
        Rule(True, bottom, x0, x1, width),
        Rule(False, x0, top, bottom, width),
        Rule(False, x1, top, bottom, width),
    ]


def _segments(points: list[tuple[float, float]], width: float) -> list[Rule]:
    out = []
    for (ax, ay), (bx, by) in itertools.pairwise(points):
        dx, dy = abs(bx - ax), abs(by - ay)
        if dy <= TILT and dx >= MIN_RULE:
            out.append(Rule(True, (ay + by) / 2, min(ax, bx), max(ax, bx), width))
        elif dx <= TILT and dy >= MIN_RULE:
            out.append(Rule(False, (ax + bx) / 2, min(ay, by), max(ay, by), width))
    return out


def _white(color: Any) -> bool:
    """White in DeviceGray, DeviceRGB or DeviceCMYK; None is the default black."""
    if isinstance(color, int | float):
        values: tuple[Any, ...] = (color,)
    elif isinstance(color, tuple | list):
        values = tuple(color)
    else:
        return False
    if not values or not all(isinstance(v, int | float) for v in values):
        return False
    if len(values) == 4:
        return all(v <= 0.02 for v in values)
    return all(v >= 0.98 for v in values)


def _closers(found: list[Rule]) -> list[Rule]:
    """Synthetic horizontal rules across vertical rules that stop together, at the top or the
    bottom, where no horizontal rule meets them."""
    verticals = [r for r in found if not r.horizontal]
    horizontals = [r for r in found if r.horizontal]
    out: list[Rule] = []
    for ends in (lambda r: r.start, lambda r: r.end):
        for y, group in _groups(verticals, ends):
            if len(group) < 2:
                continue
            x0 = min(r.at for r in group)
            x1 = max(r.at for r in group)
            if _covered(
                [(h.start, h.end) for h in horizontals + out if abs(h.at - y) <= ENDS], x0, x1
            ):
                continue
            # reach out to the rules that run on past this height (the table's sides)
            across = [v.at for v in verticals if v.start < y - ENDS and v.end > y + ENDS]
            left = max((x for x in across if x < x0 - ENDS), default=x0)
            right = min((x for x in across if x > x1 + ENDS), default=x1)
            out.append(Rule(True, y, left, right, drawn=False))
    return out


def _covered(spans: list[tuple[float, float]], x0: float, x1: float) -> bool:
    """Do these pieces of rule, joined where they meet, run from x0 to x1?"""
    reach = x0 + ENDS
    for start, end in sorted(spans):
        if start > reach:
            break
        reach = max(reach, end + ENDS)
    return reach >= x1


def _groups(rules: list[Rule], key: Callable[[Rule], float]) -> Iterable[tuple[float, list[Rule]]]:
    """Rules whose `key` ends lie within ENDS of each other, as (mean end, rules)."""
    ordered = sorted(rules, key=key)
    group: list[Rule] = []
    for rule in ordered:
        if group and key(rule) - key(group[-1]) > ENDS:
            yield sum(map(key, group)) / len(group), group
            group = []
        group.append(rule)
    if group:
        yield sum(map(key, group)) / len(group), group
