"""Which column holds what: roles from header rows, a task column that holds topics, roles
guessed from content for a table without a header, and the cells a text table lost to a
merge, carried from the row above (GOLD-GUIDE, "Responsibility": each column inherits on
its own, never across a top-level section)."""

from __future__ import annotations

from collections.abc import Sequence

from parsers.blocks import Block, Cell
from parsers.cells import Classifier, Content, header_roles, is_ditto
from parsers.flattened import RawCell
from parsers.ladder import number

# Columns whose empty cell in a text table is the merged cell above it.
CARRIED = ("section", "task", "lead", "co", "clause", "deadline")


def roles_from(header_rows: list[list[str]], width: int) -> list[str | None]:
    """Column roles from one or more header rows (a later row names the columns a merged
    header cell above it spans: 责任单位 over 牵头单位 | 配合单位)."""
    roles: list[str | None] = [None] * width
    for texts in header_rows:
        for c, role in enumerate(header_roles(texts[:width])):
            if role:
                roles[c] = role
    return roles


class Carry:
    """A text table lost its merged cells: an empty cell shows the text of the cell above it
    (marked carried), column by column, until the top-level section changes."""

    def __init__(self, roles: list[str | None]) -> None:
        self.above: dict[int, RawCell] = {}
        self.top: str | None = None

    def fill(self, cells: list[tuple[int, RawCell]], roles: list[str | None]) -> list[Cell]:
        filled_cells = [(col, c) for col, c in cells if c.analysed.strip()]
        top = self._top_of(filled_cells, roles)
        if top is not None and top != self.top:
            self.top = top
            self.above = {
                c: v for c, v in self.above.items() if c < len(roles) and roles[c] == "section"
            }
        if len(filled_cells) <= 1:  # a heading row, or one line across the table
            return [Cell(c.text, col=col, analysed=c.analysed, role=None) for col, c in cells]
        out: dict[int, Cell] = {}
        for col, c in cells:
            role = roles[col] if col < len(roles) else None
            if role in CARRIED and is_ditto(c.analysed) and col in self.above:
                continue  # 同上: the cell above, carried
            if c.analysed.strip():
                out[col] = Cell(c.text, col=col, analysed=c.analysed, role=role)
                if role in CARRIED:
                    self.above[col] = c
        for col, role in enumerate(roles):
            if col in out or role not in CARRIED or col not in self.above:
                continue
            up = self.above[col]
            out[col] = Cell(up.text, origin=False, col=col, analysed=up.analysed, role=role)
        return [out[c] for c in sorted(out)]

    @staticmethod
    def _top_of(cells: list[tuple[int, RawCell]], roles: list[str | None]) -> str | None:
        """The top-level section a row opens: a 一、 heading row, or a new section cell."""
        for col, c in cells:
            label = number(c.analysed.strip())
            role = roles[col] if col < len(roles) else None
            if label is not None and label.level == 1:
                return c.analysed.strip()
            if role == "section" and label is None and len(cells) > 1:
                return c.analysed.strip()
        return None


def topic_columns(
    roles: list[str | None], rows: list[list[tuple[int, str, bool]]], classifier: Classifier
) -> None:
    """A task column that holds topics, with the work in a 具体内容/具体措施 column beside it
    (推进政策公开 | 及时公开惠农补贴发放信息。), is a section column, and that column the
    task column: no task-column cell prints a task number, and each is a heading (一、…,
    （一）…) or — when no other column holds sections — a short title."""
    if "task" not in roles or "detail" not in roles:
        return
    task_col, detail_col = roles.index("task"), roles.index("detail")
    tops = [a.strip() for r in rows for col, a, origin in r if col == task_col and origin]
    details = [a for r in rows for col, a, _ in r if col == detail_col and a.strip()]
    if not tops or len(details) < len(tops):
        return
    kinds = {classifier.content(t) for t in tops if t}
    allowed = {Content.HEADING} if "section" in roles else {Content.HEADING, Content.TITLE}
    if kinds and kinds <= allowed:
        roles[task_col], roles[detail_col] = "section", "task"


def guess_roles(rows: Sequence[Block], width: int, classifier: Classifier) -> list[str | None]:
    """Roles for a table without a header, from what its columns hold: numbers, unit lists
    or clauses, deadlines; the first column of text is the task, the others detail."""
    roles: list[str | None] = [None] * width
    for col in range(width):
        kinds = [
            classifier.content(c.analysed)
            for r in rows
            for c in r.cells
            if c.col == col and c.analysed.strip()
        ]
        if not kinds:
            continue
        share = {k: kinds.count(k) / len(kinds) for k in set(kinds)}
        if share.get(Content.NUMBER, 0) >= 0.5:
            roles[col] = "number"
        elif share.get(Content.UNITS, 0) + share.get(Content.CLAUSE, 0) >= 0.5:
            roles[col] = "clause"
        elif share.get(Content.DEADLINE, 0) >= 0.5:
            roles[col] = "deadline"
        else:
            roles[col] = "detail" if "task" in roles else "task"
    if "clause" not in roles and width >= 2 and any(roles):
        roles[width - 1] = "clause"  # the last column holds who does it
    return roles
