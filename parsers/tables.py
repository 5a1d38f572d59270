"""The table stage: every table shape becomes rows whose cells know their column, before the
plan is walked.

Readers hand over paragraphs and, where the format has tables (HTML, Word, PDF), rows with
their merges marked. Scraped pages flatten tables into paragraphs; this stage rebuilds them
(parsers/flattened.py finds the shapes, parsers/rows.py places the cells) and gives every
cell of every row a column role (parsers/cells.py): from the header's words, and from the
cells' content where the header is missing or a row lost cells. A cell a text table left
empty is the merged cell above it (GOLD-GUIDE, "Responsibility": each column inherits on its
own, never across a top-level section) and is marked as carried (`origin=False`), as the
readers mark real merges. The walker (parsers/walker.py) then reads paragraphs and rows only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import regex

from parsers import flattened
from parsers.blocks import Block, Cell
from parsers.cells import (
    Classifier,
    Content,
    header_cells,
    header_roles,
    is_ditto,
    is_header_row,
    subheaders,
)
from parsers.columns import CARRIED, Carry, guess_roles, roles_from, topic_columns
from parsers.flattened import RawCell, RawRow
from parsers.ladder import number
from parsers.rows import align, segment, widen
from schemas import NoticeWarning, Provenance

COLUMNS_GUESSED = "a table with no header: its columns were guessed"


@dataclass
class Table:
    """What the stage found out about one table (for the walker and for messages)."""

    index: int
    shape: str  # grid (a reader's table), pipes, bars, cells (one per paragraph), lines
    header: list[str] = field(default_factory=list)
    roles: list[str | None] = field(default_factory=list)
    rows: int = 0
    numbered: bool = False  # some row prints a task number (or a 序号)

    def describe(self) -> str:
        """One line for messages: the shape and the header's columns."""
        shapes = {
            "grid": "a table",
            "pipes": "a |-separated table",
            "bars": "a table printed a cell a line",
            "cells": "a table flattened a cell a paragraph",
            "spaces": "a table set out with spaces",
            "lines": "task lines with responsibility lines",
        }
        columns = f" with columns {'|'.join(self.header)}" if self.header else ""
        numbers = "" if self.numbered else " and no task numbers"
        return f"{shapes[self.shape]}{columns} ({self.rows} rows{numbers})"


@dataclass
class Tables:
    """The rebuilt block stream, and what was found."""

    blocks: list[Block]
    tables: dict[int, Table]
    warnings: list[NoticeWarning]


def rebuild(blocks: Sequence[Block], classifier: Classifier) -> Tables:
    """Every table shape of a plan's blocks as rows with roles. `blocks` carry their
    analysis copies (Block.analysed, Cell.analysed); the result shares their paragraphs."""
    stage = _Stage(classifier)
    stage.run(flattened.unbarred(blocks))
    return Tables(stage.out, stage.tables, stage.warnings)


class _Stage:
    def __init__(self, classifier: Classifier) -> None:
        self.classifier = classifier
        self.out: list[Block] = []
        self.tables: dict[int, Table] = {}
        self.warnings: list[NoticeWarning] = []
        self.last_header: Table | None = None  # a table's header holds for its continuation
        self.lines_table: Table | None = None

    def run(self, blocks: Sequence[Block]) -> None:
        i = 0
        while i < len(blocks):
            b = blocks[i]
            if b.kind == "row":
                j = i
                while j < len(blocks) and blocks[j].kind == "row" and blocks[j].table == b.table:
                    j += 1
                self._grid(blocks[i:j])
            elif flattened.is_pipe_row(b.analysed) or flattened.loose_pipe_rows(blocks, i):
                rows, j = flattened.pipe_rows(blocks, i, loose=True)
                self._text_table(rows, "pipes")
            elif flattened.spaced_header(b.analysed):
                rows, j = flattened.spaced_rows(blocks, i)
                self._text_table(rows, "spaces")
            elif (found := _bar_table(blocks, i))[0]:
                rows, j = found
                self._text_table(rows, "bars")
            elif (header_end := self._header_run(blocks, i)) > i:
                j = self._cells_table(blocks, i, header_end)
            else:
                row, j = flattened.line_group(blocks, i, self.classifier)
                if row is not None:
                    self._line_row(row)
                else:
                    if not flattened.is_rule(b.analysed):
                        self.out.append(b)
                    j = i + 1
            i = j

    # headers ------------------------------------------------------------------------------
    def _new_table(self, shape: str, header: list[str], roles: list[str | None]) -> Table:
        table = Table(len(self.tables), shape, header, roles)
        self.tables[table.index] = table
        if header:
            self.last_header = table
        return table

    def _header_run(self, blocks: Sequence[Block], i: int) -> int:
        """The end of a run of paragraphs that are a header flattened a cell a paragraph
        (工作任务 / 责任单位和工作要求 …, two cells at least), or i when there is none."""
        cells = 0
        j = i
        while j < len(blocks) and blocks[j].kind == "paragraph":
            if flattened.is_rule(blocks[j].analysed):
                j += 1
                continue
            parts = header_cells(blocks[j].analysed)
            if not parts:
                break
            cells += len(parts)
            j += 1
        return j if cells >= 2 else i

    # a reader's table ---------------------------------------------------------------------
    def _grid(self, rows: Sequence[Block]) -> None:
        width = max((c.col + c.span for r in rows for c in r.cells), default=0)
        headers: list[list[str]] = []
        for r in rows:
            texts = [""] * width
            for c in r.cells:
                texts[c.col] = c.analysed
            if not is_header_row(texts) or len(headers) == 2:
                break
            headers.append(texts)
        if headers:
            table = self._new_table(
                "grid", [t for t in headers[-1] if t.strip()], roles_from(headers, width)
            )
        elif self.last_header is not None and len(self.last_header.roles) == width:
            table = self._new_table("grid", [], list(self.last_header.roles))
        else:
            table = self._new_table("grid", [], guess_roles(rows, width, self.classifier))
            self._guessed(table, rows[0].provenance)
        body = list(rows[len(headers) :])
        topic_columns(
            table.roles,
            [[(c.col, c.analysed, c.origin) for c in r.cells] for r in body],
            self.classifier,
        )
        above: dict[int, Cell] = {}
        for r in body:
            for k, c in enumerate(r.cells):
                c.role = table.roles[c.col] if c.col < len(table.roles) else None
                if is_ditto(c.analysed) and c.col in above and c.role in CARRIED:
                    up = above[c.col]  # 同上: the cell above, as if merged over this one
                    r.cells[k] = Cell(
                        up.text, origin=False, col=c.col, analysed=up.analysed, role=c.role
                    )
                elif c.analysed.strip():
                    above[c.col] = c
            r.table = table.index
            self.out.append(r)
        self._finish(table, body)

    # a text table: pipes or bars ----------------------------------------------------------
    def _text_table(self, rows: list[RawRow], shape: str) -> None:
        headers = []
        while rows and is_header_row([c.analysed for c in rows[0].cells]):
            headers.append(_trimmed([c.analysed for c in rows[0].cells]))
            rows = rows[1:]
        if len(headers) == 2 and len(headers[1]) < len(headers[0]):
            headers = [subheaders([*headers[0], *headers[1]])]  # 责任单位 over 牵头|配合
        width = max((len(h) for h in headers), default=0)
        rows = _continued(rows)
        cells = [_trimmed_cells(r.cells) for r in rows]
        if headers:
            table = self._new_table(shape, headers[-1], roles_from(headers, width))
            self._unknown_columns(table, cells)
        elif self.last_header is not None:
            table = self._new_table(shape, [], list(self.last_header.roles))
        else:
            width = max(len(c) for c in cells)
            grid = [
                Block("row", "", r.provenance, _cells(c)) for r, c in zip(rows, cells, strict=True)
            ]
            table = self._new_table(shape, [], guess_roles(grid, width, self.classifier))
            self._guessed(table, rows[0].provenance)
        kinds = [[self.classifier.content(c.analysed) for c in row] for row in cells]
        for row_kinds in kinds:  # a row wider than the header: columns the header left out
            if len(row_kinds) > len(table.roles) and (wider := widen(row_kinds, table.roles)):
                table.roles, places = wider
                for place in places:
                    if table.header:
                        table.header.insert(place, "")
        # rows as wide as the table say which column holds what; the short ones follow them
        needed = len(table.roles) - (table.roles[-1] == "note")  # a 备注 cell is often empty
        complete = [
            [(c, cell.analysed, True) for c, cell in enumerate(row)]
            for row in cells
            if len(row) >= needed
        ]
        topic_columns(
            table.roles,
            complete or [[(0, c.analysed, True) for c in row] for row in cells],
            self.classifier,
        )
        prefer = {"detail": -1.0} if {"task", "detail"} <= set(table.roles) else {}
        placed = [
            self._place(row, row_cells, row_kinds, table, prefer)
            for row, row_cells, row_kinds in zip(rows, cells, kinds, strict=True)
        ]
        carry = Carry(table.roles)
        blocks = []
        for row, placed_cells in zip(rows, placed, strict=True):
            block = Block("row", " | ".join(c.text for _, c in placed_cells), row.provenance)
            block.analysed = " | ".join(c.analysed for _, c in placed_cells)
            block.cells = carry.fill(placed_cells, table.roles)
            block.table = table.index
            blocks.append(block)
        self.out.extend(blocks)
        self._finish(table, blocks)

    def _place(
        self,
        row: RawRow,
        cells: list[RawCell],
        kinds: list[Content],
        table: Table,
        prefer: dict[str, float],
    ) -> list[tuple[int, RawCell]]:
        """The columns of a text row's cells: all of them when the row is complete; else the
        alignment that fits best (a missing cell is most likely a merged one on the left)."""
        lone = [c for c in cells if c.analysed.strip()]
        if len(lone) <= 1:  # a heading row, or one line across the table
            return [(0, lone[0])] if lone else []
        width = len(table.roles)
        found = align(kinds, table.roles, prefer)
        if found is None:  # more cells than columns: keep the right ones where they are
            extra = len(cells) - width
            self.warnings.append(
                NoticeWarning(
                    kind="row_misfit",
                    message=f"a row of {len(cells)} cells under a header of {width} columns; "
                    f"its first {extra + 1} cells were read as one",
                    provenance=row.provenance,
                )
            )
            head = RawCell(
                "\n".join(c.text for c in cells[: extra + 1]),
                "\n".join(c.analysed for c in cells[: extra + 1]),
            )
            return [(0, head), *((k + 1, c) for k, c in enumerate(cells[extra + 1 :]))]
        return list(zip(found[0], cells, strict=True))

    # a table flattened a cell a paragraph ---------------------------------------------------
    def _cells_table(self, blocks: Sequence[Block], start: int, header_end: int) -> int:
        header = [
            p
            for b in blocks[start:header_end]
            if not flattened.is_rule(b.analysed)
            for p in header_cells(b.analysed)
        ]
        header = subheaders(header)
        table = self._new_table("cells", header, header_roles(header))
        end = header_end
        while end < len(blocks) and blocks[end].kind == "paragraph":
            a = blocks[end].analysed
            if flattened.is_pipe_row(a) or _bar_table(blocks, end)[0]:
                break
            end += 1
        body: list[Block] = []
        breaks: set[int] = set()  # paragraphs a row ends after (the page marked it: … | ||)
        for b in blocks[header_end:end]:
            if b.analysed == flattened.ROW_END and body:
                breaks.add(len(body) - 1)
            elif not flattened.is_rule(b.analysed):
                body.append(b)
        contents = [self.classifier.content(b.analysed) for b in body]
        table.roles, placed = segment(contents, table.roles, breaks)
        if len(table.roles) > len(table.header):  # a 序号 column the header did not name
            table.header.insert(table.roles.index("number"), "")
        grouped: dict[int, list[tuple[int, Block]]] = {}
        for p in placed:
            grouped.setdefault(p.row, []).append((p.column, body[p.index]))
        raw_rows = [_merge_row(members) for _, members in sorted(grouped.items())]
        topic_columns(
            table.roles,
            [[(c, cell.analysed, True) for c, cell in r[0]] for r in raw_rows],
            self.classifier,
        )
        rows = []
        for cells, prov, lone in raw_rows:
            if lone is not None:  # a heading (or a lone line) on its own
                self.out.append(lone)
                continue
            block = Block("row", " | ".join(c.text for _, c in cells), prov)
            block.analysed = " | ".join(c.analysed for _, c in cells)
            block.cells = [
                Cell(c.text, col=col, analysed=c.analysed, role=table.roles[col])
                for col, c in cells
            ]
            block.table = table.index
            rows.append(block)
            self.out.append(block)
        self._finish(table, rows)
        return end

    # a task line and its responsibility lines -----------------------------------------------
    def _line_row(self, row: RawRow) -> None:
        if self.lines_table is None:
            self.lines_table = self._new_table("lines", [], [])
        table = self.lines_table
        block = Block("row", " | ".join(c.text for c in row.cells), row.provenance)
        block.analysed = " | ".join(c.analysed for c in row.cells)
        block.cells = [
            Cell(c.text, col=k, analysed=c.analysed, role=role)
            for k, (c, role) in enumerate(zip(row.cells, row.roles, strict=True))
        ]
        block.table = table.index
        self.out.append(block)
        table.rows += 1
        table.numbered |= number(row.cells[0].analysed.strip()) is not None

    def _unknown_columns(self, table: Table, cells: list[list[RawCell]]) -> None:
        """Columns whose header word fengong does not know (时间安排) take the role of what
        they hold, as a table without a header does."""
        if None not in table.roles:
            return
        width = len(table.roles)
        grid = [Block("row", "", Provenance(), _cells(row)) for row in cells if len(row) == width]
        guessed = guess_roles(grid, width, self.classifier)
        for col, role in enumerate(table.roles):
            if role is None and guessed[col] not in (None, "task", "detail"):
                table.roles[col] = guessed[col]

    def _guessed(self, table: Table, prov: Provenance) -> None:
        """A table with no header to name its columns: they were guessed from their content."""
        named = "|".join(r or "?" for r in table.roles)
        self.warnings.append(
            NoticeWarning(
                kind="structure",
                message=f"{COLUMNS_GUESSED} from what they hold ({named})",
                provenance=prov,
            )
        )

    def _finish(self, table: Table, rows: Sequence[Block]) -> None:
        table.rows += len(rows)
        table.numbered |= any(_numbered(r) for r in rows)


_SENTENCE_END = regex.compile(r"[。！？；;.!?）)]\s*$")


def _bar_table(blocks: Sequence[Block], i: int) -> tuple[list[RawRow], int]:
    """A table printed a cell a line whose rows are told apart by double bars (two rows at
    least); bars with no row breaks only separate cells (read as a cell per paragraph)."""
    if not flattened.is_bar(blocks[i].analysed):
        return [], i
    rows, end = flattened.bar_rows(blocks, i)
    return (rows, end) if len(rows) >= 2 else ([], i)


def _numbered(row: Block) -> bool:
    """Does a row print a task number (in a 序号 cell, or at the start of its task)?"""
    for c in row.cells:
        if not c.origin:
            continue
        if c.role == "number" and c.analysed.strip():
            return True
        if c.role in ("task", "detail"):
            label = number(c.analysed.strip())
            if label is not None and label.level >= 3:
                return True
    return False


def _merge_row(
    members: list[tuple[int, Block]],
) -> tuple[list[tuple[int, RawCell]], Provenance, Block | None]:
    """A segmented row's paragraphs joined per column; a row that is one heading alone comes
    back as that paragraph."""
    if len(members) == 1 and number(members[0][1].analysed.strip()) is not None:
        label = number(members[0][1].analysed.strip())
        if label is not None and label.level in (1, 2):
            return [], members[0][1].provenance, members[0][1]
    by_col: dict[int, list[Block]] = {}
    for col, b in members:
        by_col.setdefault(col, []).append(b)
    cells = [
        (col, RawCell("\n".join(b.text for b in bs), "\n".join(b.analysed for b in bs)))
        for col, bs in sorted(by_col.items())
    ]
    first, last = members[0][1].provenance, members[-1][1].provenance
    prov = first.model_copy(update={"line_end": last.line_end})
    return cells, prov, None


def _continued(rows: list[RawRow]) -> list[RawRow]:
    """Rows with a row that only goes on with the one above joined to it: | | 乱停乱放等行为。 | |
    under a cell ending without a sentence's end (…规范占道经营、). A lone cell after a cell
    that ended its sentence is a row of its own (its other cells merged from above)."""
    out: list[RawRow] = []
    for row in rows:
        filled_at = [k for k, c in enumerate(row.cells) if c.analysed.strip()]
        if out and len(filled_at) == 1 and filled_at[0] > 0:
            k = filled_at[0]
            up = out[-1].cells
            if k < len(up) and up[k].analysed.strip() and not _SENTENCE_END.search(up[k].analysed):
                joined = RawCell(
                    up[k].text + "\n" + row.cells[k].text,
                    up[k].analysed + "\n" + row.cells[k].analysed,
                )
                cells = [*up[:k], joined, *up[k + 1 :]]
                out[-1] = RawRow(cells, out[-1].provenance, out[-1].roles)
                continue
        out.append(row)
    return out


def _trimmed(texts: list[str]) -> list[str]:
    """A header row without its empty last cells (工作任务 | … | 时限要求 | ||)."""
    while len(texts) > 1 and not texts[-1].strip():
        texts = texts[:-1]
    return texts


def _trimmed_cells(cells: list[RawCell]) -> list[RawCell]:
    """A row without its empty last cells: | a | b | | says nothing of b's column."""
    while len(cells) > 1 and not cells[-1].analysed.strip():
        cells = cells[:-1]
    return cells


def _cells(raw: list[RawCell]) -> list[Cell]:
    return [Cell(c.text, col=k, analysed=c.analysed) for k, c in enumerate(raw)]
