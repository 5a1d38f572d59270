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
from parsers.dates import deadline
from parsers.ladder import Label, number
from parsers.lexicon import default_lexicon
from parsers.responsibility import read_clauses
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
    ("co", ("配合单位", "配合部门", "协办单位", "参与单位", "会办单位", "协同单位")),
    (
        "clause",
        ("责任单位", "责任部门", "负责单位", "承办单位", "落实单位", "实施单位", "责任主体"),
    ),
    ("deadline", ("完成时限", "完成时间", "时间进度", "时限", "时间节点", "进度安排")),
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
_TASK_VERB_AFTER_UNIT = regex.compile(r"^(?:要|应|须|必须|均要|都要|应当|可|将|为|是|的)")


@dataclass
class _Piece:
    """One responsibility text: a clause cell, or one of several role columns."""

    text: str
    role: str | None  # forced by its column (lead/co/responsible), else read from the text
    provenance: Provenance


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

    def __init__(self, analysis: list[str], registry: Registry) -> None:
        self.plan = _Plan()
        self.registry = registry
        self.top: str | None = None
        self.sub: str | None = None
        self.task: _Task | None = None
        self.last_was_clause = False
        self.columns: dict[int, str] | None = None
        self.section_cell: str | None = None
        self.analysis = analysis

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
            self.top, self.sub = label.value, None
            key = label.value
        else:
            if self.top is None:
                self.top = ""  # a plan that starts at (一): keys stay unique without a section
            self.sub = f"{self.top}.({label.value})" if self.top else f"({label.value})"
            key = self.sub
        if any(s.key == key for s in self.plan.sections):
            self.plan.warnings.append(f"section {key} appears twice")
        self.plan.sections.append(
            Section(
                key=key, level=label.level, label=label.label, title=label.rest, provenance=prov
            )
        )
        self.task = None
        self.last_was_clause = False

    def new_task(self, label: str | None, value: str | None, text: str, prov: Provenance) -> _Task:
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
        label = number(analysed)
        if label and label.level in (1, 2):
            self.heading(_as_printed(label, text), prov)
            return
        if label and label.level == 3:
            self.new_task(_printed_label(label, text), label.value, _rest(label, text), prov)
            return
        if label and label.level == 4:
            if self.task is not None and not self.last_was_clause:
                self.task.lines.append(text)
            elif self.task is None:
                self.new_task(_printed_label(label, text), label.value, _rest(label, text), prov)
            else:
                self.task.lines.append(text)
            return
        if self.top is None and self.sub is None:
            return  # text between the plan title and its first heading (a table header)
        if _HEADER_WORDS.fullmatch(analysed.strip()) or analysed.strip() in _HEADERS_JOINED:
            return
        if self.looks_like_clause(analysed):
            if self.last_was_clause and self.task and self.task.clause:
                self.task.clause.pieces[-1].text += "\n" + text  # a clause over several lines
            elif self.task is not None:
                self.attach(_Clause([_Piece(text, None, prov)]))
            return
        if self.task is not None and not self.last_was_clause:
            self.task.lines.append(text)
        elif self.task is not None and self._numbered_in_scope():
            self.task.clause.pieces[-1].text += "\n" + text  # type: ignore[union-attr]
        else:
            self.new_task(None, None, text, prov)

    def _numbered_in_scope(self) -> bool:
        return any(t.section_key == self.scope and t.label for t in self.plan.tasks)

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
            m = regex.match(r"[、，,和及与]|以及", text[end:])
            nxt = self.registry.unit_at(text, end + m.end(), lexicon) if m else None
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
        by_role: dict[str, list[tuple[Cell, str]]] = {}
        for cell, analysed in zip(cells, texts, strict=True):
            role = roles.get(cell.col)
            if role:
                by_role.setdefault(role, []).append((cell, analysed))
        for cell, analysed in by_role.get("section", []):
            if analysed.strip() and analysed != self.section_cell:
                self.section_cell = analysed
                self.cell_lines(cell.text, analysed, block.provenance)
        before = len(self.plan.tasks)
        number_cell = next((c.text.strip() for c, _ in by_role.get("number", [])), "")
        for cell, analysed in by_role.get("task", []):
            if cell.origin or not self.plan.tasks:
                self.cell_lines(cell.text, analysed, block.provenance, number_cell)
        if len(self.plan.tasks) == before:
            return  # a row with no task of its own (headings only)
        task = self.plan.tasks[-1]
        task.detail += [c.text for c, _ in by_role.get("detail", []) if c.text.strip()]
        dl = [c.text for c, _ in by_role.get("deadline", []) if c.text.strip()]
        task.deadline_cell = dl[0] if dl else None
        self._row_clause(task, by_role, block.provenance)

    def _row_clause(
        self, task: _Task, by_role: dict[str, list[tuple[Cell, str]]], prov: Provenance
    ) -> None:
        fresh: list[_Piece] = []
        merged: list[_Piece] = []
        has_lead_column = "lead" in by_role
        for role in ("lead", "co", "clause"):
            for cell, _ in by_role.get(role, []):
                if not cell.text.strip():
                    continue
                forced = {"lead": "lead", "co": "co"}.get(role)
                if role == "clause" and has_lead_column:
                    forced = "co"  # a 责任单位 column beside a 牵头单位 column assists the lead
                piece = _Piece(cell.text, forced, prov)
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
            if self.task is not None and i > 0 and number(a_line) is None:
                self.task.lines.append(line.strip())
                continue
            self.paragraph(line.strip(), a_line.strip(), prov)


_HEADERS_JOINED = {"工作任务 责任单位和工作要求", "工作任务责任单位和工作要求"}


def _column_roles(cells: list[Cell], texts: list[str]) -> dict[int, str]:
    roles: dict[int, str] = {}
    for cell, text in zip(cells, texts, strict=True):
        norm = regex.sub(r"\s+", "", text)
        for role, words in COLUMN_ROLES:
            if any(w in norm for w in words):
                roles[cell.col] = role
                break
    return roles


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

    walker = _Walker(analysed, registry)
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

    defined = _defined_aliases(analysed, registry)
    notice_id = _notice_id(meta, source)
    clauses, assignments_by_clause, units = _read_clauses(plan, registry, defined, simple)
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
    printed = regex.search(r"印发\s*《?(.+?)》?\s*的(?:通知|函)", title)
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
        if blocks[j].kind == "row":
            return True
        lab = number(analysed[j])
        if lab and lab.level in (1, 2):
            return True
    return False


def _norm(text: str) -> str:
    return regex.sub(r"[\s《》<>]", "", unicodedata.normalize("NFKC", text))


def _restore_printed(
    meta: NoticeMeta, preamble: list[str], analysed: list[str], plan_title_line: str | None
) -> None:
    """Titles keep the script they were printed in; the analysis ran on a simplified copy."""
    back = dict(zip(analysed, preamble, strict=True))
    if meta.title in back:
        meta.title = back[meta.title]
    if plan_title_line:
        meta.plan_title = plan_title_line


def _defined_aliases(lines: list[str], registry: Registry) -> dict[str, str]:
    """(以下简称区政数局) after a full name defines an abbreviation for the whole notice."""
    out: dict[str, str] = {}
    lexicon = default_lexicon()
    for line in lines:
        for m in _DEFINED.finditer(line):
            short = m[1].strip()
            head = line[: m.start()]
            for start in range(max(0, len(head) - 40), len(head)):
                end = registry.unit_at(head + "，", start, lexicon)
                if end == len(head):
                    out[short] = head[start:end]
                    break
    return out


def _notice_id(meta: NoticeMeta, source: Source) -> str:
    """The same notice gets the same id whatever file it arrives in; a notice with no title
    falls back to its file's content hash."""
    title = meta.plan_title or meta.title
    basis = f"{meta.region}|{meta.year}|{_norm(title)}" if title else source.sha256
    return hashlib.sha256(basis.encode()).hexdigest()[:16]


def _read_clauses(
    plan: _Plan, registry: Registry, defined: dict[str, str], simple: object
) -> tuple[list[Clause], dict[int, list[Assignment]], list[Unit]]:
    assert callable(simple)
    pieces = [
        (clause, piece)
        for clause in plan.clauses
        for piece in [*clause.pieces, *clause.inherited_pieces]
    ]
    readings = read_clauses([simple(p.text) for _, p in pieces])
    found: list[tuple[_Clause, _Piece, str, str, str | None, str]] = []
    for (clause, piece), reading in zip(pieces, readings, strict=True):
        for unit in reading.units:
            name, plate = registry.split_plate(unit.raw)
            role = piece.role or unit.role
            found.append((clause, piece, unit.raw, name, plate, role))
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
        for alias in (raw, name, plate):
            if alias and alias != org and alias not in unit.aliases:
                unit.aliases.append(alias)
    reading_by_clause: dict[int, list[str]] = {}
    for (clause, _), reading in zip(pieces, readings, strict=True):
        reading_by_clause.setdefault(clause.clause_id, []).append(reading.requirements)
    clauses = [
        Clause(
            clause_id=c.clause_id,
            text=" | ".join(p.text for p in [*c.pieces, *c.inherited_pieces]),
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
        if t.deadline_cell:
            due, due_text = deadline(t.deadline_cell, meta.year)
            due_text = due_text or t.deadline_cell.strip()
        else:
            due, due_text = deadline(text, meta.year)
        norm = regex.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
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
