"""The plan walk: the blocks of a plan, in order, become sections, tasks and clause pieces.

Paragraphs go through the numbering ladder (一、 → （一） → 1. → （1））; in tables flattened
one cell per paragraph, a paragraph that reads as a responsibility clause is one. Table rows
give their cells by column role, from the header's words (工作任务, 责任单位, 牵头单位, 完成时限…).
What comes out (`Plan`) is still raw text; parsers/structure.py reads the clauses and names
the units.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import regex

from parsers.blocks import Block, Cell
from parsers.dates import is_deadline_cell
from parsers.ladder import Label, int_to_cn, number
from parsers.lexicon import Marker, default_lexicon
from parsers.units import Registry
from schemas import (
    NoticeWarning,
    Provenance,
    Section,
)

# Column roles, from header words; the first matching entry wins, so 责任单位和工作要求 is a
# clause column and not a 工作要求 (detail) column.
COLUMN_ROLES: list[tuple[str, tuple[str, ...]]] = [
    ("number", ("序号", "编号")),
    ("lead", ("牵头单位", "牵头部门", "主办单位", "牵头")),
    ("co", ("配合单位", "配合部门", "协办单位", "参与单位", "会办单位", "协同单位", "配合")),
    (
        "clause",
        (
            *("责任单位", "责任部门", "负责单位", "承办单位", "落实单位", "实施单位"),
            *("责任主体", "责任科室", "责任处室", "责任股室", "承办科室"),
        ),
    ),
    (
        "deadline",
        (
            "完成时限",
            "完成时间",
            "完成期限",
            "时限要求",
            "时间进度",
            "时限",
            "时间节点",
            "进度安排",
            "时间要求",
        ),
    ),
    (
        "detail",
        ("具体要求", "具体措施", "主要内容", "工作要求", "工作措施", "具体内容", "工作目标"),
    ),
    (
        "task",
        ("工作任务", "重点任务", "主要任务", "任务内容", "工作内容", "工作事项", "任务", "事项"),
    ),
    ("section", ("目标", "类别", "工作领域", "领域", "方面", "板块", "项目")),
]
_HEADER_WORDS = regex.compile("|".join(w for _, ws in COLUMN_ROLES for w in ws))
_CLAUSE_START = regex.compile(r"^(?:由|请|会同|配合)")
_HEADER_CELL = regex.compile(
    rf"(?:{_HEADER_WORDS.pattern})(?:[和及、](?:{_HEADER_WORDS.pattern}))?"
)
_FIRST_SENTENCE = regex.compile(r"[^。]*。?")
_SPACE_COLON = regex.compile(r"[\s:：]")
_CELL_SEP = regex.compile(r"[\s|｜]+")
_LIST_SEP = regex.compile(r"[、，,和及与]|以及")
_SPACES = regex.compile(r"\s+")
_NORM_DROP = regex.compile(r"[\s《》<>〈〉]")
_RULE_LINE = regex.compile(r"[\s|｜\-—=+:：]+")
_BARE_NUMBER = regex.compile(r"\s*\d{1,3}\s*[.、．]?\s*")
_NONE_CELL = regex.compile(r"\s*(?:[/／\\—–-]+|无)\s*")  # "/" in a unit column: nobody
# a bracketed remark that is not a clause although it may end in a unit suffix
_NOT_CLAUSE = regex.compile(r"(?:以下)?(?:简称|下称)|含|包括|不含|如|即")
# the role a flattened unit column forces on its pieces (责任单位 beside 牵头单位 → co later)
_COLUMN_PIECE_ROLE: dict[str, str | None] = {"lead": "lead", "co": "co", "clause": "responsible"}
_TASK_VERB_AFTER_UNIT = regex.compile(r"^(?:要|应|须|必须|均要|都要|应当|可|将|为|是|的)")


@dataclass
class Piece:
    """One responsibility text: a clause cell, or one of several role columns."""

    text: str
    role: str | None  # forced by its column (lead/co/responsible), else read from the text
    provenance: Provenance
    col: int = 0  # its table column: the clause text joins the pieces in column order


@dataclass
class RawClause:
    pieces: list[Piece]
    # pieces taken from a merged cell above (split role columns inherit one by one)
    inherited_pieces: list[Piece] = field(default_factory=list)
    clause_id: int = -1


@dataclass
class PlanTask:
    key: str
    section_key: str
    top: str  # the top-level section key: inheritance never crosses it
    label: str | None
    lines: list[str]
    provenance: Provenance
    subsection_numbered: bool = False
    detail: list[str] = field(default_factory=list)
    deadline_cell: str | None = None
    clause: RawClause | None = None
    clause_inherited: bool = False


@dataclass
class Plan:
    sections: list[Section] = field(default_factory=list)
    tasks: list[PlanTask] = field(default_factory=list)
    clauses: list[RawClause] = field(default_factory=list)
    warnings: list[NoticeWarning] = field(default_factory=list)


class Walker:
    """Walks the plan's blocks, keeping where in the ladder it stands."""

    def __init__(self, registry: Registry, merges_lost: bool = False) -> None:
        self.plan = Plan()
        self.registry = registry
        self.top: str | None = None
        self.sub: str | None = None
        self.task: PlanTask | None = None
        self.last_was_clause = False
        self.columns: dict[int, str] | None = None
        self.section_cell: str | None = None
        # a plain-text table lost its merged cells: an empty cell means "as the row above"
        self.merges_lost = merges_lost
        # the row above's cells, by column, in the same section (printed, analysed)
        self.above: dict[int, tuple[str, str]] = {}
        # the column roles of a table flattened one cell per paragraph, from its header lines
        self.flat_roles: list[str] = []
        self.pending_number: str | None = None  # a 序号 cell flattened onto its own line
        self.pending_title: str | None = None  # a flattened first row's title cell
        self.row_closed = False  # a flattened row's last cell was read
        self.keys: set[str] = set()  # the task keys taken, so a new key is checked in O(1)

    # keys ---------------------------------------------------------------------------------
    @property
    def scope(self) -> str | None:
        return self.sub or self.top

    def _unique(self, key: str) -> str:
        n = 2
        unique = key
        while unique in self.keys:
            unique = f"{key}-{n}"
            n += 1
        self.keys.add(unique)
        return unique

    # ladder -------------------------------------------------------------------------------
    def heading(self, label: Label, prov: Provenance) -> None:
        if label.level == 1:
            key = label.value
        else:
            if self.top is None:
                self.top = ""  # a plan that starts at (一): keys stay unique without a section
            key = f"{self.top}.({label.value})" if self.top else f"({label.value})"
        same = next((s for s in self.plan.sections if s.key == key), None)
        if same is not None and norm_title(same.title) == norm_title(label.rest):
            self._enter(label.level, key)  # a section cell repeated on each row: still in it
            return
        if same is not None:  # a numbering slip in the notice: keep both, keys unique
            self.plan.warnings.append(
                NoticeWarning(
                    kind="structure", message=f"section {key} appears twice", provenance=prov
                )
            )
            taken = {s.key for s in self.plan.sections}
            key = next(f"{key}-{n}" for n in range(2, 10_000) if f"{key}-{n}" not in taken)
        self._enter(label.level, key)
        self.plan.sections.append(
            Section(
                key=key, level=label.level, label=label.label, title=label.rest, provenance=prov
            )
        )

    def _enter(self, level: int, key: str) -> None:
        if level == 1:
            if key != self.top:  # unit and deadline cells never carry into another section
                keep = ("section", "task")
                roles = self.columns or {}
                self.above = {c: v for c, v in self.above.items() if roles.get(c) in keep}
            self.top, self.sub = key, None
        else:
            self.sub = key
        self.task = None
        self.last_was_clause = False

    def new_task(
        self, label: str | None, value: str | None, text: str, prov: Provenance
    ) -> PlanTask:
        self.row_closed = False
        scope = self.scope or ""
        key = self._unique(f"{scope}.{value}" if value and scope else (value or scope or "?"))
        task = PlanTask(key, scope, self.top or "", label, [text] if text else [], prov)
        self.plan.tasks.append(task)
        self.task = task
        self.last_was_clause = False
        return task

    def attach(self, clause: RawClause, task: PlanTask | None = None) -> None:
        task = task or self.task
        if task is None:
            return
        clause.clause_id = len(self.plan.clauses)
        self.plan.clauses.append(clause)
        task.clause = clause
        self.last_was_clause = True

    # paragraphs (text scrapes, flattened tables, Word paragraphs) ---------------------------
    def paragraph(self, text: str, analysed: str, prov: Provenance) -> None:
        if _RULE_LINE.fullmatch(analysed):
            return  # a lone | or ---- left between the cells of a scraped table
        label = number(analysed)
        if label and label.level == 2 and self._subsection_task(text, analysed, prov):
            return
        if label and label.level in (1, 2):
            self.heading(_as_printed(label, text), prov)
            return
        if label is None and self._header_line(analysed):
            return  # a table header, maybe flattened one cell per paragraph
        if label is None and self.flat_roles and _BARE_NUMBER.fullmatch(analysed):
            self._number_cell(analysed.strip(), prov)  # a 序号 cell on its own line
            return
        text, analysed, trailing = self._split_trailing_clause(text, analysed)
        if label and label.level == 3:
            self.new_task(_printed_label(label, text), label.value, _rest(label, text), prov)
        elif label and label.level == 4:
            if self.task is None:
                self.new_task(_printed_label(label, text), label.value, _rest(label, text), prov)
            else:  # a sub-item (1)(2) is part of its task
                self.task.lines.append(text)
        elif text.strip():
            self._unnumbered(text, analysed, prov)
        if trailing is not None and self.task is not None:
            self.attach(RawClause([Piece(trailing, None, prov)]))

    def _subsection_task(self, text: str, analysed: str, prov: Provenance) -> bool:
        """'（一）标题。正文……（X牵头，Y配合）': a subsection with a clause of its own is also
        a task, keyed as the subsection; the heading's title is its first sentence."""
        body, _, trailing = self._split_trailing_clause(text, analysed)
        printed = number(body)
        if trailing is None or printed is None or printed.level != 2:
            return False
        title = _FIRST_SENTENCE.match(printed.rest)
        self.heading(
            Label(2, printed.label, printed.value, title[0] if title else printed.rest), prov
        )
        self.new_task(None, None, printed.rest, prov)
        self.attach(RawClause([Piece(trailing, None, prov)]))
        return True

    def _number_cell(self, printed: str, prov: Provenance) -> None:
        """A flattened 序号 cell. A lone short line just before it that became an unnumbered
        task is the merged cell of a column on its left (a 工作任务/目标 title): a section."""
        self.pending_number = printed
        if self.pending_title is not None:  # the title cell of the table's first row
            title, self.pending_title = self.pending_title, None
            self._section_cell(title, title, prov)
            return
        last = self.task
        if (
            last is not None
            and last is (self.plan.tasks[-1] if self.plan.tasks else None)
            and last.label is None
            and last.clause is None
            and not last.detail
            and len(last.lines) == 1
            and len(last.lines[0]) <= 40
        ):
            self.keys.discard(self.plan.tasks.pop().key)
            self.task = None
            self._section_cell(last.lines[0], last.lines[0], last.provenance)
            self.pending_number = printed

    def _unnumbered(self, text: str, analysed: str, prov: Provenance) -> None:
        if self.pending_number is not None:
            printed, self.pending_number = self.pending_number, None
            value = unicodedata.normalize("NFKC", printed).strip(" .、")
            self.new_task(printed, value, text, prov)
            return
        if self.top is None and self.sub is None and self.task is None:
            # text between the plan title and its first heading; in a flattened table a
            # short line may be the first row's title cell, if a 序号 cell follows
            self.pending_title = text if self.flat_roles and len(text) <= 40 else None
            return
        labelled = default_lexicon().label_at(analysed, 0)
        if labelled is not None:
            self._labelled_line(text, analysed, labelled, prov)
            return
        if self.task is not None and self.task.deadline_cell is None and is_deadline_cell(analysed):
            self.task.deadline_cell = text  # a 完成时限 cell flattened onto its own line
            if self.flat_roles[-1:] == ["deadline"]:
                self.row_closed = True  # the last cell of a flattened row
            return
        if self.row_closed:
            self.row_closed = False
            self.new_task(None, None, text, prov)  # a new row (or its title cell)
            return
        if (
            "detail" in self.flat_roles
            and self.task is not None
            and not self.task.detail
            and self.task.clause is None
            and not default_lexicon().role_words.search(analysed)
            and not self._only_units(analysed)
        ):
            # the paragraph after a task in a flattened 工作任务|具体要求|责任单位 table is its
            # 具体要求 cell, even when it opens with a unit (起草部门报送…); a clause names a role
            self.task.detail.append(text)
            return
        if self.looks_like_clause(analysed):
            self._clause_line(text, prov)
            return
        if self.task is not None and not self.last_was_clause:
            if "detail" in self.flat_roles:
                self.task.detail.append(text)  # the 具体要求 cell of a flattened table
            else:
                self.task.lines.append(text)
        elif self.task is not None and self._numbered_in_scope():
            self.task.clause.pieces[-1].text += "\n" + text  # type: ignore[union-attr]
        else:
            self.new_task(None, None, text, prov)

    def _clause_line(self, text: str, prov: Provenance) -> None:
        """A clause paragraph; in a flattened table with 牵头单位/配合单位 columns the k-th
        clause paragraph of a task is the k-th of those columns."""
        if self.task is None:
            return
        columns = [r for r in self.flat_roles if r in ("lead", "co", "clause")]
        split = "lead" in columns or "co" in columns
        clause = self.task.clause if self.last_was_clause else None
        k = len(clause.pieces) if clause else 0
        if clause is not None and not (split and k < len(columns)):
            clause.pieces[-1].text += "\n" + text  # a clause over several lines
            return
        role = _COLUMN_PIECE_ROLE.get(columns[k]) if split else None
        piece = Piece(text, role, prov)
        if clause is not None:
            clause.pieces.append(piece)
        else:
            self.attach(RawClause([piece]))

    def _labelled_line(self, text: str, analysed: str, label: Marker, prov: Provenance) -> None:
        """牵头单位：X / 配合单位：Y / 责任单位：Z lines under a task are the pieces of its
        clause, like split columns; 分管领导：… gives nothing; 完成时限：… is a deadline."""
        if self.task is None:
            return
        kind = label.kind.removeprefix("label_")
        if kind == "none":
            word = _SPACE_COLON.sub("", analysed[: label.end])
            if _column_role(word) == "deadline":
                rest = text[label.end :] if len(text) == len(analysed) else analysed[label.end :]
                self.task.deadline_cell = rest.strip() or None
            return
        piece = Piece(text, kind, prov)
        if self.last_was_clause and self.task.clause is not None:
            self.task.clause.pieces.append(piece)
        else:
            self.attach(RawClause([piece]))

    def _header_line(self, analysed: str) -> bool:
        """A line of header cells (工作任务 / 责任单位和工作要求 …); before the first task its
        cells give the column roles of a table flattened into paragraphs."""
        parts = header_cells(analysed)
        if not parts:
            return False
        if not self.plan.tasks:
            self.flat_roles += [r for r in map(_column_role, parts) if r]
        return True

    def _split_trailing_clause(self, text: str, analysed: str) -> tuple[str, str, str | None]:
        """'任务正文。（市财政局牵头，市司法局配合）' → the text, and the clause without its
        brackets; a line that is only a bracketed clause is all clause."""
        cut = _trailing_brackets(analysed)
        if cut is None:
            return text, analysed, None
        open_at, close_at = cut
        inner = analysed[open_at + 1 : close_at]
        if _NOT_CLAUSE.match(inner) or not self.looks_like_clause(inner):
            return text, analysed, None
        if len(text) != len(analysed):  # the printed form differs in length: cut it on its own
            printed_cut = _trailing_brackets(text)
            if printed_cut is None:
                return text, analysed, None
            open_p, close_p = printed_cut
        else:
            open_p, close_p = open_at, close_at
        return text[:open_p].rstrip(), analysed[:open_at].rstrip(), text[open_p + 1 : close_p]

    def _numbered_in_scope(self) -> bool:
        return any(t.section_key == self.scope and t.label for t in self.plan.tasks)

    def _only_units(self, text: str) -> bool:
        """A paragraph that is nothing but unit names (办公室 / 区财政局、各镇街): a unit cell."""
        lexicon = default_lexicon()
        end = self.registry.unit_at(text, 0, lexicon)
        while end is not None:
            if not text[end:].strip(" 。.；;"):
                return True
            m = _LIST_SEP.match(text, end)
            end = self.registry.unit_at(text, m.end(), lexicon) if m else None
        return False

    def looks_like_clause(self, text: str) -> bool:
        """Does a paragraph read as a responsibility clause (区政数局牵头会各单位负责)?"""
        lexicon = default_lexicon()
        if lexicon.label_at(text, 0):
            return True
        start = _CLAUSE_START.match(text)
        pos = start.end() if start else 0
        end = self.registry.unit_at(text, pos, lexicon)
        if end is None:
            return False
        # skip the rest of a leading list of names: 区各单位、各镇街…
        while True:
            m = _LIST_SEP.match(text, end)
            nxt = self.registry.unit_at(text, m.end(), lexicon) if m else None
            if nxt is None:
                break
            end = nxt
        after = text[end:]
        return not _TASK_VERB_AFTER_UNIT.match(after)

    # table rows ---------------------------------------------------------------------------
    def row(self, block: Block, analysed_cells: list[str]) -> None:
        cells = block.cells
        texts = analysed_cells
        if self._is_header(texts):
            self.columns = _column_roles(cells, texts)
            return
        filled = [t for t in texts if t.strip()]
        if len(set(filled)) <= 1:
            # a row spanned end to end (or with one filled cell): a heading or a lone line
            if filled:
                i = next(i for i, t in enumerate(texts) if t.strip())
                self.cell_lines(cells[i].text, texts[i], block.provenance)
            return
        roles = self.columns or _guess_roles(cells)
        if self.merges_lost:
            cells, texts = self._realign(cells, texts, roles)
        by_role: dict[str, list[tuple[Cell, str]]] = {}
        for cell, analysed in zip(cells, texts, strict=True):
            role = roles.get(cell.col)
            if role:
                by_role.setdefault(role, []).append((cell, analysed))
        if self.merges_lost:
            self._fill_from_above(by_role, ("section", "task"))
        for cell, analysed in by_role.get("section", []):
            self._section_cell(cell.text, analysed, block.provenance)
        tasks = by_role.get("task", [])
        headings = [a for _, a in tasks if a.strip()]
        if headings and by_role.get("detail") and all(_is_heading(a) for a in headings):
            # the task column holds the section's heading, repeated on each row: the task
            # itself is in the 具体措施/主要内容 column
            for cell, analysed in tasks:
                self._section_cell(cell.text, analysed, block.provenance)
            tasks, by_role["detail"] = by_role["detail"], []
        if self.merges_lost:
            self._fill_from_above(by_role, ("lead", "co", "clause", "deadline"))
        before = len(self.plan.tasks)
        number_cell = next((c.text.strip() for c, _ in by_role.get("number", [])), "")
        for cell, analysed in tasks:
            if cell.origin or not self.plan.tasks:
                self.cell_lines(cell.text, analysed, block.provenance, number_cell)
        if len(self.plan.tasks) == before:
            return  # a row with no task of its own (headings only)
        task = self.plan.tasks[-1]
        task.detail += [c.text for c, _ in by_role.get("detail", []) if c.text.strip()]
        dl = [c.text for c, _ in by_role.get("deadline", []) if _filled(c.text)]
        task.deadline_cell = dl[0] if dl else None
        self._row_clause(task, by_role, block.provenance)

    def _section_cell(self, text: str, analysed: str, prov: Provenance) -> None:
        """A 目标/类别 column (or a task column holding headings): a new value is a new
        section; an unnumbered one is numbered in order (一, 二, …)."""
        if not analysed.strip() or analysed == self.section_cell:
            return
        self.section_cell = analysed
        label = number(analysed.strip())
        if label and label.level in (1, 2):
            self.cell_lines(text, analysed, prov)
            return
        n = sum(1 for s in self.plan.sections if s.level == 1) + 1
        self.heading(Label(1, "", int_to_cn(n), text.strip()), prov)

    def _realign(
        self, cells: list[Cell], texts: list[str], roles: dict[int, str]
    ) -> tuple[list[Cell], list[str]]:
        """A scraped row that lost a merged cell on its left slides its cells to the left
        (| 3.任务 | 各科室 | | under | 工作任务 | 具体要求 | 责任部门 |): when the filled cells
        are a prefix and the last of them is a clause sitting in a column that is not a unit
        column, move them right so that it lands in the last unit column."""
        filled = [i for i, t in enumerate(texts) if t.strip()]
        unit_cols = [c for c, r in sorted(roles.items()) if r in ("lead", "co", "clause")]
        if not filled or not unit_cols or filled != list(range(len(filled))):
            return cells, texts
        last = cells[filled[-1]]
        shift = unit_cols[-1] - last.col
        if (
            shift <= 0
            or roles.get(last.col) in ("lead", "co", "clause")
            or not self.looks_like_clause(texts[filled[-1]])
        ):
            return cells, texts
        moved = [Cell("", col=c) for c in range(shift)]
        moved += [Cell(c.text, c.origin, c.span, c.col + shift) for c in cells]
        return moved[: len(cells)], ([""] * shift + texts)[: len(cells)]

    def _fill_from_above(
        self, by_role: dict[str, list[tuple[Cell, str]]], fill: tuple[str, ...]
    ) -> None:
        """In a plain-text table an empty cell is a cell merged with the row above (each
        column on its own, within the section): it shows the text above, marked merged."""
        for role in fill:
            filled = []
            for cell, analysed in by_role.get(role, []):
                if not cell.text.strip() and cell.col in self.above:
                    text, analysed = self.above[cell.col]
                    cell = Cell(text, origin=False, span=cell.span, col=cell.col)
                elif cell.text.strip():
                    self.above[cell.col] = (cell.text, analysed)
                filled.append((cell, analysed))
            if role in by_role:
                by_role[role] = filled

    def _row_clause(
        self, task: PlanTask, by_role: dict[str, list[tuple[Cell, str]]], prov: Provenance
    ) -> None:
        fresh: list[Piece] = []
        merged: list[Piece] = []
        has_lead_column = "lead" in by_role
        for role in ("lead", "co", "clause"):
            for cell, _ in by_role.get(role, []):
                if not _filled(cell.text):
                    continue
                forced = {"lead": "lead", "co": "co"}.get(role)
                if role == "clause" and has_lead_column:
                    forced = "co"  # a 责任单位 column beside a 牵头单位 column assists the lead
                piece = Piece(cell.text, forced, prov, cell.col)
                (fresh if cell.origin else merged).append(piece)
        if fresh:
            self.attach(RawClause(fresh, merged), task)
        elif merged and self.plan.clauses:
            # the whole cell is merged from the row above: the same clause, inherited
            task.clause = self.plan.clauses[-1]
            task.clause_inherited = True

    def _is_header(self, texts: list[str]) -> bool:
        filled = [t.strip() for t in texts if t.strip()]
        return len(filled) >= 2 and all(
            len(t) <= 16 and _HEADER_WORDS.search(t) and not number(t) for t in filled
        )

    def cell_lines(self, text: str, analysed: str, prov: Provenance, number_cell: str = "") -> None:
        """A cell's text, line by line, through the paragraph rules; a number from a 序号
        column labels the first unnumbered line."""
        originals = text.split("\n")
        analysed_lines = analysed.split("\n")
        if len(originals) != len(analysed_lines):
            originals = analysed_lines
        for i, (line, a_line) in enumerate(zip(originals, analysed_lines, strict=True)):
            if not line.strip():
                continue
            if i == 0 and number_cell and number(a_line) is None:
                value = unicodedata.normalize("NFKC", number_cell).strip(" .、")
                if value.isdigit():
                    self.new_task(number_cell, value, line.strip(), prov)
                    continue
                # 一 / （一） in the 序号 column: the row is a section or subsection heading
                lab = number(f"{number_cell.strip()}、{a_line.strip()}")
                if lab is not None and lab.level in (1, 2):
                    self.heading(
                        Label(lab.level, number_cell.strip(), lab.value, line.strip()), prov
                    )
                    continue
            if self.task is not None and i > 0 and number(a_line) is None:
                self.task.lines.append(line.strip())
                continue
            self.paragraph(line.strip(), a_line.strip(), prov)


def header_cells(analysed: str) -> list[str]:
    """The cells of a header line (工作任务 | 责任单位…), or [] when it is not one."""
    parts = [p for p in _CELL_SEP.split(analysed.strip()) if p]
    if parts and all(len(p) <= 20 and _HEADER_CELL.fullmatch(p) for p in parts):
        return parts
    return []


def _column_role(header: str) -> str | None:
    norm = _SPACES.sub("", header)
    return next((role for role, words in COLUMN_ROLES if any(w in norm for w in words)), None)


def _column_roles(cells: list[Cell], texts: list[str]) -> dict[int, str]:
    roles: dict[int, str] = {}
    for cell, text in zip(cells, texts, strict=True):
        role = _column_role(text)
        if role:
            roles[cell.col] = role
    return roles


def _trailing_brackets(text: str) -> tuple[int, int] | None:
    """Offsets of the opening and closing bracket of a bracketed part ending the line."""
    body = text.rstrip().rstrip("。.；;")
    if not body.endswith((")", "）")):
        return None
    depth = 0
    for j in range(len(body) - 1, -1, -1):
        if body[j] in ")）":
            depth += 1
        elif body[j] in "(（":
            depth -= 1
            if depth == 0:
                return j, len(body) - 1
    return None


def _filled(text: str) -> bool:
    """A cell with content; "/" or 无 in a unit or deadline column says: nobody, no date."""
    return bool(text.strip()) and not _NONE_CELL.fullmatch(text)


def _is_heading(analysed: str) -> bool:
    lines = analysed.strip().split("\n")
    label = number(lines[0].strip())
    return len(lines) == 1 and label is not None and label.level in (1, 2)


def _guess_roles(cells: list[Cell]) -> dict[int, str]:
    """A table without a header: the last column holds the clause, the rest the task."""
    if not cells:
        return {}
    last = max(c.col for c in cells)
    return {c.col: ("clause" if c.col == last else "task") for c in cells}


def _printed_label(label: Label, text: str) -> str:
    return text[: len(label.label)] if text.startswith(label.label) else label.label


def _rest(label: Label, text: str) -> str:
    """The line as printed without its label (the label was read on the analysis copy)."""
    lab = number(text)
    return lab.rest if lab else label.rest


def _as_printed(label: Label, text: str) -> Label:
    printed = number(text)
    return printed if printed and printed.level == label.level else label


def norm_title(text: str) -> str:
    """A title for comparison: NFKC, without spaces and 《》 brackets."""
    return _NORM_DROP.sub("", unicodedata.normalize("NFKC", text))
