"""The plan walk: numbered paragraphs and table rows, in order, become sections, tasks and
clause pieces.

Paragraphs go through the numbering ladder (一、 → （一） → 1. → （1））. Rows come from the
table stage (parsers/tables.py) with a role on every cell (section, number, task, detail,
lead, co, clause, deadline, leader, note) and the cells merged from above marked; the walker
reads them by role and knows nothing of how the table was printed. What comes out (`Plan`)
is still raw text; parsers/structure.py reads the clauses and names the units.
"""

from __future__ import annotations

import unicodedata

import regex

from parsers import flattened
from parsers.blocks import Block, Cell
from parsers.cells import Classifier, filled, is_bare_number
from parsers.flattened import is_rule
from parsers.ladder import Label, int_to_cn, number
from parsers.notes import only_note
from parsers.plan import Piece, Plan, PlanTask, RawClause, norm_title
from parsers.tables import Table
from schemas import NoticeWarning, Provenance, Section

_FIRST_SENTENCE = regex.compile(r"[^。]*。?")
# a sentence: up to 。；！？, or a half-width full stop between two characters (…信息.区财政局…)
_SENTENCE = regex.compile(r"(?:[^。；;！!？?.]|\.(?!\p{Han}))+(?:[。；;！!？?]+|\.(?=\p{Han}))?")
# a bracketed remark that is not a clause although it may end in a unit suffix
_NOT_CLAUSE = regex.compile(r"(?:以下)?(?:简称|下称)|含|包括|不含|如|即")
# GOLD-GUIDE, "Framing paragraphs are not tasks": the headings whose plain paragraphs frame
# the plan
_FRAMING = regex.compile(
    r"^(?:指导思想|总体要求|工作目标|主要目标|总体目标|基本原则|工作原则|目标要求|总体思路)"
)
_PIECE_ROLES = {"lead": "lead", "co": "co", "clause": None}
_NOTE_LINE = regex.compile(r"^\s*(?:注|说明|备注|附注)\s*[:：]")


class Walker:
    """Walks the plan's paragraphs and rows, keeping where in the ladder it stands.

    `tables` is what the table stage found (by Block.table); `numbered` says whether the
    plan prints task numbers anywhere: where it prints none, unnumbered tasks are keyed by
    position (GOLD-GUIDE, "Plans that print no numbers")."""

    def __init__(
        self, classifier: Classifier, tables: dict[int, Table], numbered: bool = True
    ) -> None:
        self.plan = Plan()
        self.classifier = classifier
        self.tables = tables
        self.numbered = numbered
        self.top: str | None = None
        self.top_printed = False  # the top-level section is a printed 一、 heading
        self.top_title = ""
        self.sub: str | None = None
        self.task: PlanTask | None = None
        self.keys: set[str] = set()  # the task keys taken, so a new key is checked in O(1)
        self.section_cell: dict[int | None, str] = {}  # the last topic cell of each table
        self.positions: dict[str, int] = {}  # tasks keyed by position, per scope
        # an unnumbered paragraph right under a heading: framing if numbered tasks follow
        self.provisional: PlanTask | None = None
        self.after_row = False  # the last block was a table's row

    # keys ---------------------------------------------------------------------------------
    @property
    def scope(self) -> str:
        return self.sub or self.top or ""

    def _unique(self, key: str) -> str:
        n = 2
        unique = key
        while unique in self.keys:
            unique = f"{key}-{n}"
            n += 1
        self.keys.add(unique)
        return unique

    def _position(self) -> str:
        n = self.positions.get(self.scope, 0) + 1
        self.positions[self.scope] = n
        return str(n)

    # the ladder ---------------------------------------------------------------------------
    def heading(self, label: Label, prov: Provenance) -> None:
        if label.level == 1:
            key = label.value
        else:
            if self.top is None:
                self.top = ""  # a plan that starts at (一): keys stay unique without a section
            key = f"{self.top}.({label.value})" if self.top else f"({label.value})"
        same = next((s for s in self.plan.sections if s.key == key), None)
        if same is not None and norm_title(same.title) == norm_title(label.rest):
            self._enter(label, key)  # a section cell repeated on each row: still in it
            return
        if same is not None:  # a numbering slip in the notice: keep both, keys unique
            self.plan.warnings.append(
                NoticeWarning(
                    kind="structure", message=f"section {key} appears twice", provenance=prov
                )
            )
            taken = {s.key for s in self.plan.sections}
            key = next(f"{key}-{n}" for n in range(2, 10_000) if f"{key}-{n}" not in taken)
        self._enter(label, key)
        self.plan.sections.append(
            Section(
                key=key, level=label.level, label=label.label, title=label.rest, provenance=prov
            )
        )

    def _enter(self, label: Label, key: str) -> None:
        if label.level == 1:
            self.top, self.sub = key, None
            self.top_printed = bool(label.label)
            self.top_title = label.rest
        else:
            self._drop_provisional()
            self.sub = key
        self.task = None

    def new_task(
        self, label: str | None, value: str | None, text: str, prov: Provenance
    ) -> PlanTask:
        if value is not None:
            self._drop_provisional()
        scope = self.scope
        key = self._unique(f"{scope}.{value}" if value and scope else (value or scope or "?"))
        task = PlanTask(key, scope, self.top or "", label, [text] if text else [], prov)
        self.plan.tasks.append(task)
        self.task = task
        return task

    def _drop_provisional(self) -> None:
        """GOLD-GUIDE, "Framing paragraphs are not tasks": a plain paragraph right under a
        heading, with no clause, before the numbered tasks of its section, frames them."""
        task, self.provisional = self.provisional, None
        if task is None or task.clause is not None or task.detail or task.top != self.top:
            return
        if self.plan.tasks and self.plan.tasks[-1] is task:
            self.plan.tasks.pop()
            self.keys.discard(task.key)
            self.task = None

    def attach(self, clause: RawClause, task: PlanTask) -> None:
        clause.clause_id = len(self.plan.clauses)
        self.plan.clauses.append(clause)
        task.clause = clause

    # paragraphs ---------------------------------------------------------------------------
    def paragraph(self, block: Block) -> None:
        self.line(block.text, block.analysed, block.provenance)
        if number(block.analysed) is not None:
            self.after_row = False  # a heading or task line: the plan goes on

    def line(self, text: str, analysed: str, prov: Provenance) -> None:
        """One paragraph (or a lone line of a table): a heading, a task, a sub-item, or the
        continuation of what is above it."""
        if is_rule(analysed) or _NOTE_LINE.match(analysed):
            return  # 注：各单位于每季度末报送进展 tells how to report, it is no task or clause
        if self.after_row and self.numbered and number(analysed) is None:
            # a plain line after a table's rows in a plan that numbers its tasks: a note or
            # the page's furniture, never the last row's clause going on
            return
        text, analysed, trailing = self._split_trailing_clause(text, analysed)
        if trailing is None:
            text, analysed, trailing = self._split_trailing_sentences(text, analysed)
        label = number(analysed)
        clause, deadline = self._trailing(trailing, prov) if trailing is not None else (None, None)
        if clause is not None and not analysed.strip():  # （责任单位：…） on its own line
            if self.task is not None and self.task.clause is None:
                self.attach(clause, self.task)
            return
        if label is not None and label.level in (1, 2):
            printed = _as_printed(label, text)
            if clause is not None:
                self._heading_task(printed, [printed.rest], clause, prov).deadline_cell = deadline
            else:
                self.heading(printed, prov)
            return
        if label is not None and (label.level == 3 or self.task is None):
            task = self.new_task(_printed_label(label, text), label.value, _rest(label, text), prov)
        elif label is not None:  # a sub-item (1)(2) is part of its task
            assert self.task is not None
            task = self.task
            task.lines.append(text)
        elif self.task is not None and self.task.clause is None and clause is None:
            self.task.lines.append(text)  # the task's text goes on
            return
        elif self.task is not None and self.task.clause is not None and clause is None:
            if any(t.section_key == self.scope and t.label for t in self.plan.tasks):
                self.task.clause.pieces[-1].text += "\n" + text  # the clause goes on
                return
            task = self._unnumbered(text, prov, self.numbered)
        else:
            if self.task is None and clause is None and _FRAMING.match(self.top_title):
                return  # under 工作目标, 指导思想…: the plan's framing
            if clause is None and self.top is None and not self.plan.tasks:
                return  # text between the plan's title and its first heading or task
            task = self._unnumbered(text, prov, self.numbered)
            if clause is None and self.sub is None and self.task is task:
                self.provisional = task
        if clause is not None:
            self.attach(clause, task)
            task.deadline_cell = task.deadline_cell or deadline

    def _trailing(self, trailing: str, prov: Provenance) -> tuple[RawClause, str | None]:
        """The clause a line ends with, and its deadline: labelled parts (牵头单位：X；配合单位：
        Y；完成时限：Z) become pieces as labelled lines do, the deadline its own field."""
        parts = flattened.labelled_parts(trailing, trailing, self.classifier)
        if len(parts) < 2:
            return RawClause([Piece(trailing, None, prov)]), None
        cells: list[Cell] = []
        deadline = None
        for col, (printed, _) in enumerate(parts):
            marker = self.classifier.lexicon.label_at(printed, 0)
            role = flattened.label_role(printed, marker) if marker else "clause"
            if role == "deadline":
                deadline = printed
            cells.append(Cell(printed, col=col, analysed=printed, role=role))
        pieces, _ = self._pieces(cells, prov)  # as the same labels on lines of their own
        if not pieces:
            return RawClause([Piece(trailing, None, prov)]), None
        return RawClause(pieces), deadline

    def _unnumbered(self, text: str, prov: Provenance, numbered: bool) -> PlanTask:
        """An unnumbered task: under its scope's key in a plan that numbers its tasks, else
        numbered by position (GOLD-GUIDE, "Plans that print no numbers")."""
        return self.new_task(None, None if numbered else self._position(), text, prov)

    def _heading_task(
        self, label: Label, lines: list[str], clause: RawClause | None, prov: Provenance
    ) -> PlanTask:
        """'（一）标题。正文……' with a clause of its own: a heading that is also a task, keyed as
        the heading; the heading's title is its first sentence."""
        title = _FIRST_SENTENCE.match(label.rest)
        self.heading(Label(label.level, label.label, label.value, title[0] if title else ""), prov)
        task = self.new_task(None, None, "\n".join(lines), prov)
        if clause is not None:
            self.attach(clause, task)
        return task

    def _split_trailing_sentences(self, text: str, analysed: str) -> tuple[str, str, str | None]:
        """'任务正文。区财政局牵头，区审计局配合。' → the text, and the clause: the last sentences
        of a line, when each reads as a clause (names with role words, or a label) and a
        sentence of the task stays before them."""
        cuts = [m.end() for m in _SENTENCE.finditer(analysed) if _depth(analysed, m.end()) == 0]
        if len(cuts) < 2 or len(text) != len(analysed):
            return text, analysed, None
        at = None
        for k in range(len(cuts) - 2, -1, -1):  # the clause starts after cuts[k]
            sentence = analysed[cuts[k] : cuts[k + 1]].strip()
            if (
                not sentence
                or is_bare_number(analysed[: cuts[k]])  # the task keeps its first sentence
                or not self.classifier.looks_like_clause(sentence)
            ):
                break
            at = cuts[k]
        if at is None or number(analysed[at:].strip()) is not None:
            return text, analysed, None
        return text[:at].rstrip(), analysed[:at].rstrip(), text[at:].strip()

    def _split_trailing_clause(self, text: str, analysed: str) -> tuple[str, str, str | None]:
        """'任务正文。（市财政局牵头，市司法局配合）' → the text, and the clause without its
        brackets; a line that is only a bracketed clause is all clause."""
        cut = _trailing_brackets(analysed)
        if cut is None:
            return text, analysed, None
        open_at, close_at = cut
        inner = analysed[open_at + 1 : close_at]
        if (
            _NOT_CLAUSE.match(inner)
            or only_note(inner)  # （列第一位的为牵头单位，下同）: a note, not a clause
            or not self.classifier.looks_like_clause(inner, strict=False)
        ):
            return text, analysed, None
        if len(text) != len(analysed):  # the printed form differs in length: cut it on its own
            printed_cut = _trailing_brackets(text)
            if printed_cut is None:
                return text, analysed, None
            open_p, close_p = printed_cut
        else:
            open_p, close_p = open_at, close_at
        return text[:open_p].rstrip(), analysed[:open_at].rstrip(), text[open_p + 1 : close_p]

    # rows ---------------------------------------------------------------------------------
    def row(self, block: Block) -> None:
        """A row whose cells carry their column roles (parsers/tables.py)."""
        prov = block.provenance
        self.after_row = block.table is not None and (
            block.table not in self.tables or self.tables[block.table].shape != "lines"
        )
        own = [c for c in block.cells if c.origin and c.analysed.strip()]
        carried = [c for c in block.cells if not c.origin and c.analysed.strip()]
        if not carried and len({c.analysed.strip() for c in own}) <= 1:
            if own and own[0].role == "section":  # a topic cell merged over the rows below
                self._section_cell(own[0], block.table, prov)
            elif own:  # a heading row, or one line across the table
                self.line(own[0].text, own[0].analysed, prov)
            return
        table = self.tables.get(block.table) if block.table is not None else None
        by_role: dict[str | None, list[Cell]] = {}
        for cell in block.cells:
            by_role.setdefault(cell.role, []).append(cell)
        for cell in by_role.get("section", []):
            if cell.origin:
                self._section_cell(cell, block.table, prov)
        fresh, merged = self._pieces(block.cells, prov)
        number_cell = next(
            (c.text.strip() for c in by_role.get("number", []) if c.origin and c.text.strip()),
            "",
        )
        numbered = self.numbered if table is None or table.shape == "lines" else table.numbered
        before = len(self.plan.tasks)
        for cell in by_role.get("task", []):
            if cell.origin:
                self._task_cell(cell, prov, number_cell, numbered, fresh)
        created = self.plan.tasks[before:]
        if not created:
            if fresh and any(c.role in ("lead", "co", "clause") for c in own):
                self.plan.warnings.append(
                    NoticeWarning(
                        kind="row_misfit",
                        message="a row with units but no task of its own: its units were "
                        f"not assigned ({block.analysed[:60]})",
                        provenance=prov,
                    )
                )
            return
        first = created[0]
        first.detail += [c.text for c in by_role.get("detail", []) if c.origin and c.text.strip()]
        deadline = next((c.text for c in by_role.get("deadline", []) if filled(c.text)), None)
        for task in created:
            task.deadline_cell = deadline
        if fresh:
            self.attach(RawClause(fresh, merged), first)
        elif merged and self.plan.clauses:
            # the whole cell is merged from the row above: the same clause, inherited
            first.clause = self.plan.clauses[-1]
            first.clause_inherited = True

    def _pieces(self, cells: list[Cell], prov: Provenance) -> tuple[list[Piece], list[Piece]]:
        """The row's responsibility pieces, its own and those carried from above, in column
        order. A 责任单位 column or line beside a 牵头单位 one assists the lead (GOLD-GUIDE,
        "Roles": co); beside a 配合单位 one, its list of names is the lead those assist."""
        has_lead = any(c.role == "lead" for c in cells)
        has_co = any(c.role == "co" for c in cells)
        role_words = self.classifier.lexicon.role_words
        fresh: list[Piece] = []
        merged: list[Piece] = []
        for cell in sorted(cells, key=lambda c: c.col):
            if cell.role not in _PIECE_ROLES or not filled(cell.text):
                continue
            forced = _PIECE_ROLES[cell.role]
            if cell.role == "clause" and has_lead:
                forced = "co"
            elif cell.role == "clause" and has_co and not role_words.search(cell.analysed):
                forced = "lead"
            piece = Piece(cell.text, forced, prov, cell.col, unit_list=True)
            (fresh if cell.origin else merged).append(piece)
        return fresh, merged

    def _task_cell(
        self, cell: Cell, prov: Provenance, number_cell: str, numbered: bool, fresh: list[Piece]
    ) -> None:
        """A task cell, line by line: numbered lines are tasks (or headings), the others go
        on with the line above; a 序号 cell numbers the first line."""
        printed = cell.text.split("\n")
        analysed = cell.analysed.split("\n")
        if len(printed) != len(analysed):
            printed = analysed
        lines = [
            (p.strip(), a.strip()) for p, a in zip(printed, analysed, strict=True) if a.strip()
        ]
        if not lines:
            return
        labels = [number(a) for _, a in lines]
        head = labels[0]
        if (
            fresh
            and not number_cell
            and head is not None
            and head.level in (1, 2)
            and all(lab is None for lab in labels[1:])
        ):
            # （一）… with a clause of its own in the row: a heading that is also a task
            heading = _as_printed(head, lines[0][0])
            body = [heading.rest] + [p for p, _ in lines[1:]]
            self._heading_task(heading, body, None, prov)  # the row gives the clause
            return
        made: PlanTask | None = None
        for i, ((text, a), label) in enumerate(zip(lines, labels, strict=True)):
            if i == 0 and number_cell and label is None:
                value = unicodedata.normalize("NFKC", number_cell).strip(" .、")
                if value.isdigit():
                    made = self.new_task(number_cell, value, text, prov)
                    continue
                # 一 / （一） in the 序号 column: the row is a section or subsection heading
                lab = number(f"{number_cell}、{a}")
                if lab is not None and lab.level in (1, 2):
                    self.heading(Label(lab.level, number_cell, lab.value, text), prov)
                    continue
                if lab is not None:  # （1） in the 序号 column: the task's number as printed
                    made = self.new_task(number_cell, lab.value, text, prov)
                    continue
            if label is None:
                if made is not None:
                    made.lines.append(text)
                elif i == 0:
                    made = self._unnumbered(text, prov, numbered)
                elif self.task is not None:
                    self.task.lines.append(text)
                continue
            if label.level in (1, 2):
                self.heading(_as_printed(label, text), prov)
            elif label.level == 3 or made is None:
                made = self.new_task(
                    _printed_label(label, text), label.value, _rest(label, text), prov
                )
            else:
                made.lines.append(text)

    def _section_cell(self, cell: Cell, table: int | None, prov: Provenance) -> None:
        """A section or topic cell: a new value is a new section; an unnumbered one is
        numbered by position — a subsection when the table sits under a printed 一、
        heading (GOLD-GUIDE, "Plans that print no numbers")."""
        analysed = cell.analysed.strip()
        if not analysed or self.section_cell.get(table) == analysed:
            return
        self.section_cell[table] = analysed
        label = number(analysed)
        if label is not None and label.level in (1, 2):
            self.heading(_as_printed(label, cell.text.strip()), prov)
            return
        if self.top is not None and self.top_printed:
            n = sum(1 for s in self.plan.sections if s.key.startswith(f"{self.top}.(")) + 1
            self.heading(Label(2, "", int_to_cn(n), cell.text.strip()), prov)
            return
        n = sum(1 for s in self.plan.sections if s.level == 1) + 1
        self.heading(Label(1, "", int_to_cn(n), cell.text.strip()), prov)


def _depth(text: str, end: int) -> int:
    """How many brackets are open at text[end]."""
    depth = 0
    for ch in text[:end]:
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
    return depth


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


def _printed_label(label: Label, text: str) -> str:
    return text[: len(label.label)] if text.startswith(label.label) else label.label


def _rest(label: Label, text: str) -> str:
    """The line as printed without its label (the label was read on the analysis copy)."""
    lab = number(text)
    return lab.rest if lab else label.rest


def _as_printed(label: Label, text: str) -> Label:
    printed = number(text)
    return printed if printed and printed.level == label.level else label
