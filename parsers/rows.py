"""Cells to columns: where each cell of a flattened table belongs.

Two questions, one scoring (`cells.fit`: how well a content kind fits a column role):

* `align` — a row whose cells are known (pipes, bars) but fewer than the header's columns: a
  scraped table drops merged cells, so which columns are missing? The cells keep their order;
  a missing cell costs nothing on the left (a cell merged from the row above, the common case),
  a little on the right (an empty last cell) and more in the middle.
* `segment` — a run of paragraphs, one cell each, under a header: where does each row start,
  and which column is each paragraph? A Viterbi pass over (paragraph, column) keeps the reading
  whose cells fit their columns best; task numbers, 序号 cells and headings start rows.

Both are exact dynamic programs over at most a few thousand paragraphs and a dozen columns.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from parsers.cells import Content, fit

SKIP_LEFT = 0.0  # a cell merged from the row above
SKIP_RIGHT = 0.5  # an empty cell at the end of a row
SKIP_MIDDLE = 2.0  # an empty cell between two filled ones
CONTINUE = 2.0  # a paragraph that continues the cell above it (a cell over two lines)
STARTS_ROW = 4.0  # a task number, 序号 or heading opening a row
UNSTARTED_ROW = 2.0  # a row that opens without one, in a table whose rows have them
NO_TASK = 3.0  # a row that opens after the task columns: it would have no task
NEW_ROW = 0.5  # every row: of two readings that fit as well, the one with fewer rows
TEXT_COLUMNS = frozenset({"number", "section", "task", "detail"})
STARTERS = frozenset({Content.NUMBER, Content.TASK, Content.HEADING})


TEXTS = frozenset({Content.TEXT, Content.TASK, Content.TITLE, Content.SUBITEM, Content.HEADING})


def align(
    contents: Sequence[Content],
    roles: Sequence[str | None],
    prefer: Mapping[str, float] | None = None,
) -> tuple[list[int], float] | None:
    """The columns of k cells under n ≥ k column roles, in order, with the best fit, and its
    score; None when k > n (the row does not fit its header). `prefer` adds to the fit of
    text in the columns it names (a table known to hold its tasks in one text column)."""
    found = _align(contents, roles, prefer or {})
    if found is None or "task" not in roles or roles.index("task") in found[0]:
        return found
    if not any(roles[j] in UNIT_ROLES for j in found[0]):
        return found
    # a row that names who does the work has work of its own: its text is the task, not a
    # topic merged over the rows below (1 | 扎实做好疫苗接种… | 疾控处 under 序号|工作任务|细化分工)
    forced = _align(contents, roles, {**(prefer or {}), "task": MUST})
    if forced is None or roles.index("task") not in forced[0]:
        return found
    return forced[0], forced[1] - MUST


MUST = 10.0  # a bonus no fit outweighs
UNIT_ROLES = ("lead", "co", "clause")


def _align(
    contents: Sequence[Content], roles: Sequence[str | None], prefer: Mapping[str, float]
) -> tuple[list[int], float] | None:
    k, n = len(contents), len(roles)
    if k > n:
        return None

    def gain(c: Content, role: str | None) -> float:
        return fit(c, role) + (prefer.get(role or "", 0.0) if c in TEXTS else 0.0)

    if k == n:
        return list(range(n)), sum(gain(c, r) for c, r in zip(contents, roles, strict=True))
    neg = float("-inf")
    # best[i][j]: the best score of cells[:i] with cell i-1 in column j-1 (j = 0: none yet)
    best = [[neg] * (n + 1) for _ in range(k + 1)]
    back = [[0] * (n + 1) for _ in range(k + 1)]
    best[0][0] = 0.0
    for i in range(1, k + 1):
        for j in range(i, n - (k - i) + 1):
            g = gain(contents[i - 1], roles[j - 1])
            for prev in range(i - 1, j):
                if best[i - 1][prev] == neg:
                    continue
                skipped = j - prev - 1
                cost = skipped * (SKIP_LEFT if prev == 0 else SKIP_MIDDLE)
                score = best[i - 1][prev] + g - cost
                if score > best[i][j]:
                    best[i][j], back[i][j] = score, prev
    end = max(range(k, n + 1), key=lambda j: best[k][j] - (n - j) * SKIP_RIGHT)
    score = best[k][end] - (n - end) * SKIP_RIGHT
    columns = [end - 1]
    for i in range(k, 1, -1):
        end = back[i][end]
        columns.append(end - 1)
    return columns[::-1], score


VIRTUAL = ("section", "number")  # what a column a header does not name may hold


def widen(
    contents: Sequence[Content], roles: Sequence[str | None]
) -> tuple[list[str | None], tuple[int, ...]] | None:
    """Roles for a row wider than its header (一、… | （一）… | 1 | 任务 | 单位 under
    工作任务 | 具体要求 | 责任单位): the header's roles with section or 序号 columns put in
    where the row fits best, and where they were put; None when more than three are
    missing."""
    missing = len(contents) - len(roles)
    if missing <= 0 or missing > 3:
        return None
    best: tuple[float, list[str | None], tuple[int, ...]] | None = None
    width = len(roles) + missing
    for places in itertools.combinations(range(width), missing):
        for kinds in itertools.product(VIRTUAL, repeat=missing):
            inserted = dict(zip(places, kinds, strict=True))
            rest = iter(roles)
            trial = [inserted[i] if i in inserted else next(rest) for i in range(width)]
            found = align(contents, trial)
            if found is not None and (best is None or found[1] > best[0]):
                best = (found[1], trial, places)
    return (best[1], best[2]) if best else None


@dataclass(frozen=True, slots=True)
class Placed:
    """Paragraph `index` opens (or, with `continues`, goes on with) column `column` of row
    `row` of a flattened table."""

    index: int
    row: int
    column: int
    continues: bool


def segment(
    contents: Sequence[Content],
    roles: Sequence[str | None],
    breaks: AbstractSet[int] = frozenset(),
) -> tuple[list[str | None], list[Placed]]:
    """Rows and columns for a run of paragraphs flattened one cell each under n columns.

    Rows open at a task number, a 序号 cell or a heading when the run has them. A run with
    序号 cells under a header that names no 序号 column gets one, where it fits best.
    `breaks` are paragraphs after which the page ends a row. Returns the roles (with that
    column) and where each paragraph goes."""
    if "number" in roles or sum(c is Content.NUMBER for c in contents) < 2:
        return list(roles), _segment(contents, roles, breaks)[1]
    tries = []
    for k in range(len(roles) + 1):
        with_number = [*roles[:k], "number", *roles[k:]]
        score, placed = _segment(contents, with_number, breaks)
        tries.append((score, -k, with_number, placed))
    _, _, best_roles, placed = max(tries, key=lambda t: (t[0], t[1]))
    return best_roles, placed


def _segment(
    contents: Sequence[Content], roles: Sequence[str | None], breaks: AbstractSet[int]
) -> tuple[float, list[Placed]]:
    m, n = len(contents), len(roles)
    if m == 0 or n == 0:
        return 0.0, []
    numbered = any(c in STARTERS for c in contents)
    neg = float("-inf")
    # best[i][j][w]: paragraphs[:i+1] read, paragraph i in column j; w = 1 when it continues
    # the cell above (then it is not the column's first paragraph)
    best = [[[neg, neg] for _ in range(n)] for _ in range(m)]
    back: list[list[list[tuple[int, int, bool]]]] = [
        [[(-1, -1, False), (-1, -1, False)] for _ in range(n)] for _ in range(m)
    ]
    last_text = max((j for j, r in enumerate(roles) if r in TEXT_COLUMNS), default=0)

    def opening(c: Content, j: int) -> float:
        """The score of a row that opens with content c in column j."""
        bonus = STARTS_ROW if c in STARTERS else (-UNSTARTED_ROW if numbered else 0.0)
        late = NO_TASK if j > last_text else 0.0
        return fit(c, roles[j]) + bonus - j * SKIP_LEFT - late - NEW_ROW

    for j in range(n):
        best[0][j][0] = opening(contents[0], j)
    for i in range(1, m):
        c = contents[i]
        starter = c in STARTERS
        for j in range(n):
            gain = fit(c, roles[j])
            for pj in range(n):
                for pw in (0, 1):
                    prev = best[i - 1][pj][pw]
                    if prev == neg:
                        continue
                    # a new row
                    score = prev + opening(c, j)
                    if score > best[i][j][0]:
                        best[i][j][0], back[i][j][0] = score, (pj, pw, True)
                    if i - 1 in breaks:
                        continue  # the page ended the row
                    # the next cell of the same row; a number or heading only after the 序号
                    if j > pj and (not starter or roles[pj] == "number"):
                        score = prev + gain - (j - pj - 1) * SKIP_MIDDLE
                        if score > best[i][j][0]:
                            best[i][j][0], back[i][j][0] = score, (pj, pw, False)
                    # the same cell, over one more paragraph (a heading is a line of its own)
                    if j == pj and not starter and contents[i - 1] is not Content.HEADING:
                        score = prev + gain - CONTINUE
                        if score > best[i][j][1]:
                            best[i][j][1], back[i][j][1] = score, (pj, pw, False)
    end_j, end_w = max(
        ((j, w) for j in range(n) for w in (0, 1)), key=lambda s: best[m - 1][s[0]][s[1]]
    )
    score = best[m - 1][end_j][end_w]
    path: list[tuple[int, int, bool]] = []  # (column, continues, new row opens here)
    j, w = end_j, end_w
    for i in range(m - 1, -1, -1):
        pj, pw, new_row = back[i][j][w] if i else (-1, -1, True)
        path.append((j, w, new_row))
        j, w = pj, pw
    path.reverse()
    out: list[Placed] = []
    row = -1
    for i, (column, cont, new_row) in enumerate(path):
        if new_row and not cont:
            row += 1
        out.append(Placed(i, row, column, bool(cont)))
    return score, out
