"""The structure stage, shared by every format: a block stream → a Notice.

1. Split the preamble from the plan (the plan starts after its own title line, or at its
   table); read the metadata from the preamble.
2. Walk the plan: the numbering ladder gives sections, subsections and tasks; table rows
   give their cells by column role (from the header: 工作任务, 责任单位, 牵头单位, 完成时限…);
   in flattened tables a paragraph that reads as a responsibility clause is one.
3. Give each task its clause: its own, or the one above it in the same top-level section
   (a merged cell), marked inherited.
4. Read the clauses with the spaCy pipeline and name the units canonically.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field

import regex

from parsers import metadata
from parsers.blocks import Block, Cell, Document
from parsers.dates import deadline, is_deadline_cell
from parsers.ladder import Label, int_to_cn, number
from parsers.lexicon import Marker, default_lexicon
from parsers.responsibility import find_units, read_clauses
from parsers.script import is_traditional, to_simplified
from parsers.units import Registry, expand_abbreviations, load_registry
from schemas import (
    Assignment,
    Clause,
    Notice,
    NoticeMeta,
    Provenance,
    Section,
    Source,
    Task,
    Unit,
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
_END_OF_PLAN = regex.compile(
    r"^(?:公开方式|抄送|附件\s*\d*\s*[:：]|（此件|\(此件|此件|印发日期|扫一扫)"
)
_DEFINED = regex.compile(r"[(（]\s*(?:以下)?简称\s*[“\"]?([^”\"）)]{2,20})[”\"]?\s*[)）]")
_CLAUSE_START = regex.compile(r"^(?:由|请|会同|配合)")
_HEADER_CELL = regex.compile(
    rf"(?:{_HEADER_WORDS.pattern})(?:[和及、](?:{_HEADER_WORDS.pattern}))?"
)
_FIRST_SENTENCE = regex.compile(r"[^。]*。?")
_SPACE_COLON = regex.compile(r"[\s:：]")
_CELL_SEP = regex.compile(r"[\s|｜]+")
_LIST_SEP = regex.compile(r"[、，,和及与]|以及")
_SPACES = regex.compile(r"\s+")
_NORM_DROP = regex.compile(r"[\s《》<>]")
_RULE_LINE = regex.compile(r"[\s|｜\-—=+:：]+")
_BARE_NUMBER = regex.compile(r"\s*\d{1,3}\s*[.、．]?\s*")
_NONE_CELL = regex.compile(r"\s*(?:[/／\\—–-]+|无)\s*")  # "/" in a unit column: nobody
# a bracketed remark that is not a clause although it may end in a unit suffix
_NOT_CLAUSE = regex.compile(r"(?:以下)?(?:简称|下称)|含|包括|不含|如|即")
# the role a flattened unit column forces on its pieces (责任单位 beside 牵头单位 → co later)
_COLUMN_PIECE_ROLE: dict[str, str | None] = {"lead": "lead", "co": "co", "clause": "responsible"}
_TASK_VERB_AFTER_UNIT = regex.compile(r"^(?:要|应|须|必须|均要|都要|应当|可|将|为|是|的)")


@dataclass
class _Piece:
    """One responsibility text: a clause cell, or one of several role columns."""

    text: str
    role: str | None  # forced by its column (lead/co/responsible), else read from the text
    provenance: Provenance
    col: int = 0  # its table column: the clause text joins the pieces in column order


@dataclass
class _Clause:
    pieces: list[_Piece]
    # pieces taken from a merged cell above (split role columns inherit one by one)
    inherited_pieces: list[_Piece] = field(default_factory=list)
    clause_id: int = -1


@dataclass
class _Task:
    key: str
    section_key: str
    top: str  # the top-level section key: inheritance never crosses it
    label: str | None
    lines: list[str]
    provenance: Provenance
    subsection_numbered: bool = False
    detail: list[str] = field(default_factory=list)
    deadline_cell: str | None = None
    clause: _Clause | None = None
    clause_inherited: bool = False


@dataclass
class _Plan:
    sections: list[Section] = field(default_factory=list)
    tasks: list[_Task] = field(default_factory=list)
    clauses: list[_Clause] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class _Walker:
    """Walks the plan's blocks, keeping where in the ladder it stands."""

    def __init__(self, registry: Registry, merges_lost: bool = False) -> None:
        self.plan = _Plan()
        self.registry = registry
        self.top: str | None = None
        self.sub: str | None = None
        self.task: _Task | None = None
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

    # keys ---------------------------------------------------------------------------------
    @property
    def scope(self) -> str | None:
        return self.sub or self.top

    def _unique(self, key: str) -> str:
        taken = {t.key for t in self.plan.tasks}
        if key not in taken:
            return key
        n = 2
        while f"{key}-{n}" in taken:
            n += 1
        return f"{key}-{n}"

    # ladder -------------------------------------------------------------------------------
    def heading(self, label: Label, prov: Provenance) -> None:
        if label.level == 1:
            key = label.value
        else:
            if self.top is None:
                self.top = ""  # a plan that starts at (一): keys stay unique without a section
            key = f"{self.top}.({label.value})" if self.top else f"({label.value})"
        same = next((s for s in self.plan.sections if s.key == key), None)
        if same is not None and _norm(same.title) == _norm(label.rest):
            self._enter(label.level, key)  # a section cell repeated on each row: still in it
            return
        if same is not None:  # a numbering slip in the notice: keep both, keys unique
            self.plan.warnings.append(f"section {key} appears twice")
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

    def new_task(self, label: str | None, value: str | None, text: str, prov: Provenance) -> _Task:
        self.row_closed = False
        scope = self.scope or ""
        key = self._unique(f"{scope}.{value}" if value and scope else (value or scope or "?"))
        task = _Task(key, scope, self.top or "", label, [text] if text else [], prov)
        self.plan.tasks.append(task)
        self.task = task
        self.last_was_clause = False
        return task

    def attach(self, clause: _Clause, task: _Task | None = None) -> None:
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
            self.attach(_Clause([_Piece(trailing, None, prov)]))

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
        self.attach(_Clause([_Piece(trailing, None, prov)]))
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
            self.plan.tasks.pop()
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
        piece = _Piece(text, role, prov)
        if clause is not None:
            clause.pieces.append(piece)
        else:
            self.attach(_Clause([piece]))

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
        piece = _Piece(text, kind, prov)
        if self.last_was_clause and self.task.clause is not None:
            self.task.clause.pieces.append(piece)
        else:
            self.attach(_Clause([piece]))

    def _header_line(self, analysed: str) -> bool:
        """A line of header cells (工作任务 / 责任单位和工作要求 …); before the first task its
        cells give the column roles of a table flattened into paragraphs."""
        parts = _header_cells(analysed)
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
        self, task: _Task, by_role: dict[str, list[tuple[Cell, str]]], prov: Provenance
    ) -> None:
        fresh: list[_Piece] = []
        merged: list[_Piece] = []
        has_lead_column = "lead" in by_role
        for role in ("lead", "co", "clause"):
            for cell, _ in by_role.get(role, []):
                if not _filled(cell.text):
                    continue
                forced = {"lead": "lead", "co": "co"}.get(role)
                if role == "clause" and has_lead_column:
                    forced = "co"  # a 责任单位 column beside a 牵头单位 column assists the lead
                piece = _Piece(cell.text, forced, prov, cell.col)
                (fresh if cell.origin else merged).append(piece)
        if fresh:
            self.attach(_Clause(fresh, merged), task)
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


def _header_cells(analysed: str) -> list[str]:
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


# --- the stage -------------------------------------------------------------------------------


@dataclass
class StructureOptions:
    extra_registries: tuple[str, ...] = ()


def build_notice(doc: Document, source: Source, options: StructureOptions | None = None) -> Notice:
    options = options or StructureOptions()
    registry = load_registry(options.extra_registries)
    blocks = doc.blocks
    full_text = "\n".join(b.text for b in blocks)
    traditional = is_traditional(full_text)

    def simple(text: str) -> str:
        return to_simplified(text) if traditional else text

    analysed = [simple(b.text) for b in blocks]
    start, plan_title_line = _plan_start(blocks, analysed)
    preamble = [b.text for b in blocks[:start] if b.kind == "paragraph"]
    preamble_analysed = [
        a for b, a in zip(blocks[:start], analysed[:start], strict=True) if b.kind == "paragraph"
    ]
    meta = metadata.read_meta(
        preamble_analysed, simple(plan_title_line) if plan_title_line else None
    )
    if traditional:
        _restore_printed(meta, preamble, preamble_analysed, plan_title_line)

    walker = _Walker(registry, merges_lost=doc.format == "text")
    for block, a in zip(blocks[start:], analysed[start:], strict=True):
        if block.kind == "row":
            walker.row(block, [simple(c.text) for c in block.cells])
        else:
            if _END_OF_PLAN.match(a) and walker.plan.tasks:
                break
            walker.paragraph(block.text, a, block.provenance)
    plan = walker.plan
    if not plan.tasks:
        plan.warnings.append("no plan table or numbered task list was found")

    # every document the notice cites, in the preamble or in a task
    meta.references = metadata.references([b.text for b in blocks], meta.doc_number)
    defined = _defined_aliases(analysed, options.extra_registries)
    notice_id = _notice_id(meta, source)
    clauses, assignments_by_clause, units = _read_clauses(
        plan, registry, defined, simple, options.extra_registries
    )
    tasks = _tasks(plan, notice_id, meta, assignments_by_clause)
    return Notice(
        notice_id=notice_id,
        source=source,
        meta=meta,
        preamble=preamble,
        sections=plan.sections,
        tasks=tasks,
        clauses=clauses,
        units=units,
        warnings=doc.warnings + plan.warnings,
    )


def _plan_start(blocks: list[Block], analysed: list[str]) -> tuple[int, str | None]:
    """Index of the plan's first block, and the plan's own title line when there is one."""
    paragraphs = [i for i, b in enumerate(blocks) if b.kind == "paragraph"]
    texts = [analysed[i] for i in paragraphs]
    title_at = metadata.find_title(texts)
    title = texts[title_at] if title_at is not None else ""
    printed = metadata.PRINTED.search(title)
    wanted = _norm(printed[1]) if printed else None
    first_row = next((i for i, b in enumerate(blocks) if b.kind == "row"), None)
    candidate = None
    for n, i in enumerate(paragraphs):
        if title_at is not None and n <= title_at and not (wanted is None and n == title_at):
            continue
        if first_row is not None and i > first_row:
            break
        text = analysed[i].strip()
        if (wanted and _norm(text) == wanted) or (
            wanted is None
            and metadata.is_plan_title(text)
            and _heading_follows(blocks, analysed, i)
        ):
            candidate = i
    if candidate is not None:
        return candidate + 1, blocks[candidate].text.strip()
    if first_row is not None:
        return first_row, None
    # no title line: the plan starts at the first top-level heading after the signature
    sign = max((i for i in paragraphs if metadata.is_sign_date(analysed[i])), default=-1)
    for i in paragraphs:
        lab = number(analysed[i])
        if i > sign and lab and lab.level == 1:
            return i, None
    return len(blocks), None


def _heading_follows(blocks: list[Block], analysed: list[str], i: int) -> bool:
    for j in range(i + 1, min(i + 6, len(blocks))):
        if blocks[j].kind == "row" or _header_cells(analysed[j]):
            return True  # a table, or its header flattened into paragraphs
        lab = number(analysed[j])
        if lab and lab.level in (1, 2):
            return True
    return False


def _norm(text: str) -> str:
    return _NORM_DROP.sub("", unicodedata.normalize("NFKC", text))


def _restore_printed(
    meta: NoticeMeta, preamble: list[str], analysed: list[str], plan_title_line: str | None
) -> None:
    """Titles keep the script they were printed in; the analysis ran on a simplified copy."""
    back = dict(zip(analysed, preamble, strict=True))
    if meta.title in back:
        meta.title = back[meta.title]
    if meta.doc_number:  # the number as printed: 廈思政辦〔2017〕25號
        for simple_line, printed in back.items():
            at = simple_line.find(meta.doc_number)
            if at >= 0 and len(simple_line) == len(printed):
                meta.doc_number = printed[at : at + len(meta.doc_number)]
                break
    if plan_title_line:
        meta.plan_title = plan_title_line


def _defined_aliases(lines: list[str], extra_registries: tuple[str, ...]) -> dict[str, str]:
    """(以下简称区政数局) after a full name defines an abbreviation for the whole notice; the
    full name is the unit the clause reader finds right before the bracket."""
    out: dict[str, str] = {}
    for line in lines:
        for m in _DEFINED.finditer(line):
            head = line[: m.start()]
            ends = [
                (a, b)
                for a, b in find_units(head[-60:] + "，", extra_registries)
                if b == len(head[-60:])
            ]
            if ends:
                start = ends[-1][0]
                out[m[1].strip()] = head[-60:][start:]
    return out


def _notice_id(meta: NoticeMeta, source: Source) -> str:
    """The same notice gets the same id whatever file it arrives in; a notice with no title
    falls back to its file's content hash."""
    title = meta.plan_title or meta.title
    basis = f"{meta.region}|{meta.year}|{_norm(title)}" if title else source.sha256
    return hashlib.sha256(basis.encode()).hexdigest()[:16]


def _read_clauses(
    plan: _Plan,
    registry: Registry,
    defined: dict[str, str],
    simple: object,
    extra_registries: tuple[str, ...],
) -> tuple[list[Clause], dict[int, list[Assignment]], list[Unit]]:
    assert callable(simple)
    pieces = [
        (clause, piece)
        for clause in plan.clauses
        for piece in [*clause.pieces, *clause.inherited_pieces]
    ]
    analysed = [simple(p.text) for _, p in pieces]
    readings = read_clauses(analysed, extra_registries)
    found: list[tuple[_Clause, _Piece, str, str, str | None, str]] = []
    for (clause, piece), reading, text in zip(pieces, readings, analysed, strict=True):
        has_lead = any(p.role == "lead" for p in [*clause.pieces, *clause.inherited_pieces])
        for unit in reading.units:
            name, plate = registry.split_plate(unit.raw)
            role = piece.role or unit.role
            if piece.role == "responsible" and has_lead:
                role = "co"  # a 责任单位 column or line beside a 牵头单位 one assists the lead
            # the name as printed (traditional script stays traditional)
            raw = piece.text[unit.start : unit.end] if len(text) == len(piece.text) else unit.raw
            found.append((clause, piece, raw, name, plate, role))
    expanded = expand_abbreviations([f[3] for f in found], registry)
    aliases = {**expanded, **defined}
    by_clause: dict[int, list[Assignment]] = {}
    units: dict[str, Unit] = {}
    for clause, piece, raw, name, plate, role in found:
        org = registry.canonical(name, aliases)
        inherited = piece in clause.inherited_pieces
        lst = by_clause.setdefault(clause.clause_id, [])
        if not any(a.org == org and a.role == role for a in lst):
            lst.append(Assignment(org=org, org_raw=raw, role=role, inherited=inherited))  # type: ignore[arg-type]
        unit = units.setdefault(org, Unit(name=org, collective=registry.is_collective(org)))
        # the names printed here, and those the registry (built-in and the user's) knows
        for alias in (raw, name, plate, *registry.entries.get(org, [])):
            if alias and alias != org and alias not in unit.aliases:
                unit.aliases.append(alias)
    reading_by_clause: dict[int, list[str]] = {}
    for (clause, _), reading in zip(pieces, readings, strict=True):
        reading_by_clause.setdefault(clause.clause_id, []).append(reading.requirements)
    clauses = [
        Clause(
            clause_id=c.clause_id,
            text=" | ".join(
                p.text for p in sorted([*c.pieces, *c.inherited_pieces], key=lambda p: p.col)
            ),
            requirements=" ".join(r for r in reading_by_clause.get(c.clause_id, []) if r),
            assignments=by_clause.get(c.clause_id, []),
            provenance=c.pieces[0].provenance,
        )
        for c in plan.clauses
    ]
    return clauses, by_clause, sorted(units.values(), key=lambda u: u.name)


def _tasks(
    plan: _Plan, notice_id: str, meta: NoticeMeta, by_clause: dict[int, list[Assignment]]
) -> list[Task]:
    out: list[Task] = []
    last_in_top: dict[str, _Clause] = {}
    seen_text: dict[str, int] = {}
    for t in plan.tasks:
        clause, inherited = t.clause, t.clause_inherited
        if clause is None and t.top in last_in_top:
            clause, inherited = last_in_top[t.top], True
        if clause is not None:
            last_in_top[t.top] = clause
        assignments = (
            [
                a.model_copy(update={"inherited": a.inherited or inherited})
                for a in by_clause.get(clause.clause_id, [])
            ]
            if clause
            else []
        )
        text = "\n".join(t.lines).strip()
        # a deadline column or line wins; then the task's own words; then its clause's
        if t.deadline_cell:
            due, due_text = deadline(t.deadline_cell, meta.year)
            due_text = due_text or t.deadline_cell.strip()
        else:
            due, due_text = deadline("\n".join([text, *t.detail]), meta.year)
            if due_text is None and clause is not None:
                said = "\n".join(p.text for p in [*clause.pieces, *clause.inherited_pieces])
                due, due_text = deadline(said, meta.year)
        norm = _SPACES.sub("", unicodedata.normalize("NFKC", text))
        n = seen_text.get(norm, 0)
        seen_text[norm] = n + 1
        task_id = hashlib.sha256(f"{notice_id}|{norm}|{n}".encode()).hexdigest()[:16]
        out.append(
            Task(
                task_id=task_id,
                key=t.key,
                section_key=t.section_key,
                label=t.label,
                text=text,
                detail="\n".join(t.detail) or None,
                deadline=due,
                deadline_text=due_text,
                clause_id=clause.clause_id if clause else None,
                inherited=inherited and bool(clause),
                assignments=assignments,
                provenance=t.provenance,
            )
        )
    return out
