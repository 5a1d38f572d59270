"""The structure stage, shared by every format: a block stream → a Notice.

1. Split the preamble from the plan (the plan starts after its own title line, or at its
   table); read the metadata from the preamble.
2. The table stage (parsers/tables.py): every table shape, real or flattened, becomes rows
   whose cells know their column role (工作任务, 责任单位, 牵头单位, 完成时限…).
3. Walk the plan (parsers/walker.py): the numbering ladder gives sections, subsections and
   tasks; rows give their cells by role.
4. Give each task its clause: its own, or the one above it in the same top-level section
   (a merged cell), marked inherited.
5. Read the clauses with the spaCy pipeline and name the units canonically; say what could
   not be read (warnings).
"""

from __future__ import annotations

import hashlib
import itertools
import unicodedata
from dataclasses import dataclass

import regex

from parsers import metadata
from parsers.assign import defined_aliases, read_plan
from parsers.blocks import Block, Document
from parsers.cells import classifier_for, header_cells
from parsers.clean import clean
from parsers.comparable import with_compared_forms
from parsers.dates import deadline
from parsers.flattened import is_pipe_row
from parsers.ladder import number
from parsers.notes import position_rule
from parsers.plan import Plan, RawClause, norm_title
from parsers.script import is_traditional, to_simplified
from parsers.tables import Table, rebuild
from parsers.units import load_registry
from parsers.walker import Walker
from schemas import (
    Assignment,
    Notice,
    NoticeMeta,
    NoticeWarning,
    Source,
    Task,
)

_SPACES = regex.compile(r"\s+")
# the office that prints the notice, and when: 盐城市人民政府办公室　2023年3月21日印发
_PRINTED_ON = regex.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*印发\s*$")
_END_OF_PLAN = regex.compile(
    r"^(?:公开方式|抄送|附件\s*\d*\s*[:：]|（此件|\(此件|此件|印发日期|扫一扫)"
)


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

    for b in blocks:  # text that is not text goes before anything reads it
        b.text = clean(b.text)
        for c in b.cells:
            c.text = clean(c.text)
    analysed = [simple(b.text) for b in blocks]
    # metadata blocks (索引号/发布机构/文号… tables and lines) are set aside: never the plan
    page = metadata.set_aside(blocks, analysed, doc.page)
    blocks = page.blocks
    for b, a in zip(blocks, page.analysed, strict=True):  # the analysis copies later steps read
        b.analysed = a
        for c in b.cells:
            c.analysed = simple(c.text)
    analysed = [b.analysed for b in blocks]
    start, plan_title_line = _plan_start(blocks, analysed)
    preamble = [b.text for b in blocks[:start] if b.kind == "paragraph"]
    preamble_analysed = [b.analysed for b in blocks[:start] if b.kind == "paragraph"]
    meta = metadata.read_meta(
        preamble_analysed,
        simple(plan_title_line) if plan_title_line else None,
        page.fields,
        page.warnings,
    )
    if traditional:
        metadata.restore_printed(meta, preamble, preamble_analysed, plan_title_line)

    classifier = classifier_for(options.extra_registries)
    found = rebuild(blocks[start : _plan_end(blocks, start)], classifier)
    numbered = any(t.numbered for t in found.tables.values()) or any(
        (lab := number(b.analysed)) is not None and lab.level == 3
        for b in found.blocks
        if b.kind == "paragraph"
    )
    walker = Walker(classifier, found.tables, numbered)
    for block in found.blocks:
        if block.kind == "row":
            walker.row(block)
        else:
            walker.paragraph(block)
    plan = walker.plan
    plan.warnings[:0] = found.warnings
    if not plan.tasks:
        plan.warnings.append(NoticeWarning(kind="structure", message=_nothing_found(found.tables)))

    # every document the notice cites, in the preamble or in a task
    meta.references = metadata.references([b.text for b in blocks], meta.doc_number)
    defined = defined_aliases(analysed, options.extra_registries)
    notice_id = _notice_id(meta, source)
    # the notice's own rule that the first-listed unit leads: preamble or table headers
    headers = [" ".join(t.header) for t in found.tables.values()]
    framing = [  # paragraphs before the plan's first heading or row
        b.analysed
        for b in itertools.takewhile(
            lambda b: b.kind == "paragraph" and number(b.analysed) is None, found.blocks
        )
    ]
    position = position_rule([*preamble_analysed, *headers, *framing])
    printed = [b.analysed for b in blocks if b.kind == "paragraph"]
    reading = read_plan(
        plan, registry, defined, simple, options.extra_registries, position, printed
    )
    clauses, assignments_by_clause, units = reading.clauses, reading.by_clause, reading.units
    tasks = _tasks(plan, notice_id, meta, assignments_by_clause)
    notice = Notice(
        notice_id=notice_id,
        source=source,
        meta=meta,
        preamble=preamble,
        sections=plan.sections,
        tasks=tasks,
        clauses=clauses,
        units=units,
        warnings=[
            *doc.warnings,
            *page.warnings,
            *plan.warnings,
            *reading.warnings,
            *_unassigned(tasks),
        ],
    )
    # what the warehouse compares years on (plan kind, simplified forms), read here
    return with_compared_forms(notice)


def _plan_end(blocks: list[Block], start: int) -> int:
    """Where the plan ends: the first 抄送/公开方式/附件… line after a numbered line or a row,
    or a signature (a short line above a date standing alone) after one."""
    seen = False
    for i in range(start, len(blocks)):
        b = blocks[i]
        if (
            b.kind == "paragraph"
            and seen
            and (_END_OF_PLAN.match(b.analysed) or _PRINTED_ON.search(b.analysed))
        ):
            return i
        if (
            seen
            and b.kind == "paragraph"
            and len(b.analysed.strip()) <= 30
            and i + 1 < len(blocks)
            and blocks[i + 1].kind == "paragraph"
            and metadata.is_sign_date(blocks[i + 1].analysed)
        ):
            return i
        seen = seen or b.kind == "row" or number(b.analysed) is not None or _bars(b.analysed)
    return len(blocks)


def _bars(analysed: str) -> bool:
    """A line of a pipe table (two bars at least), with or without its outer bars."""
    return is_pipe_row(analysed) or analysed.count("|") + analysed.count("｜") >= 2


def _nothing_found(tables: dict[int, Table]) -> str:
    """Why no task was found, naming what was: for the "no plan found" refusal."""
    shapes = [t.describe() for t in tables.values() if t.shape != "lines" and t.header]
    if shapes:
        return "no task found in " + "; ".join(shapes[:3])
    return "no plan table or numbered task list found"


def _plan_start(blocks: list[Block], analysed: list[str]) -> tuple[int, str | None]:
    """Index of the plan's first block, and the plan's own title line when there is one."""
    paragraphs = [i for i, b in enumerate(blocks) if b.kind == "paragraph"]
    texts = [analysed[i] for i in paragraphs]
    title_at = metadata.find_title(texts)
    title = texts[title_at] if title_at is not None else ""
    printed = metadata.PRINTED.search(title)
    wanted = norm_title(printed[1]) if printed else None
    first_row = next(
        (i for i, b in enumerate(blocks) if b.kind == "row" or is_pipe_row(b.analysed)), None
    )
    candidate = None
    for n, i in enumerate(paragraphs):
        if title_at is not None and n <= title_at and not (wanted is None and n == title_at):
            continue
        if first_row is not None and i > first_row:
            break
        text = analysed[i].strip()
        if (wanted and _names_plan(norm_title(text), wanted)) or (
            wanted is None
            and number(text) is None
            and metadata.is_plan_title(text)
            and _heading_follows(blocks, analysed, i)
            and not metadata.addressees_follow(analysed, i)
        ):
            candidate = i
    if candidate is not None:
        return candidate + 1, blocks[candidate].text.strip()
    # no title line: the plan starts at its table, or at the first top-level heading after
    # the signature, or at a table header flattened one cell per paragraph (a page that
    # opens with its table), whichever comes first
    sign = max((i for i in paragraphs if metadata.is_sign_date(analysed[i])), default=-1)
    after = max(sign, paragraphs[title_at] if title_at is not None else -1)
    for n, i in enumerate(paragraphs):
        if first_row is not None and i > first_row:
            break
        lab = number(analysed[i])
        if i > after and ((lab and lab.level == 1) or _flat_header(texts[n : n + 8])):
            return i, None
    if first_row is not None:
        return first_row, None
    return len(blocks), None


def _names_plan(line: str, wanted: str) -> bool:
    """Whether a line is the plan's title printed in the notice's title: the same, or with the
    issuing office before it (某市某局2022年…方案 for 2022年…方案)."""
    return line == wanted or (line.endswith(wanted) and len(line) - len(wanted) <= 20)


def _flat_header(texts: list[str]) -> bool:
    """Whether texts open with a header row flattened into paragraphs: two header cells at
    least (工作任务, 责任单位…), the lone | between scraped cells skipped."""
    cells = 0
    for text in (t for t in texts if t.strip() not in ("|", "｜")):
        parts = header_cells(text)
        if not parts:
            break
        cells += len(parts)
    return cells >= 2


def _heading_follows(blocks: list[Block], analysed: list[str], i: int) -> bool:
    for j in range(i + 1, min(i + 6, len(blocks))):
        if blocks[j].kind == "row" or header_cells(analysed[j]):
            return True  # a table, or its header flattened into paragraphs
        lab = number(analysed[j])
        if lab and lab.level in (1, 2):
            return True
    return False


def _notice_id(meta: NoticeMeta, source: Source) -> str:
    """The same notice gets the same id whatever file it arrives in; a notice with no title
    falls back to its file's content hash."""
    title = meta.plan_title or meta.title
    basis = f"{meta.region}|{meta.year}|{norm_title(title)}" if title else source.sha256
    return hashlib.sha256(basis.encode()).hexdigest()[:16]


def _tasks(
    plan: Plan, notice_id: str, meta: NoticeMeta, by_clause: dict[int, list[Assignment]]
) -> list[Task]:
    out: list[Task] = []
    last_in_top: dict[str, RawClause] = {}
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
            due, due_text = deadline(t.deadline_cell, meta.year, cell=True)
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


def _unassigned(tasks: list[Task]) -> list[NoticeWarning]:
    """A task left without units in a plan where most tasks have them: its clause was not
    found or not read (issue 11, "Never silently wrong")."""
    with_units = sum(1 for t in tasks if t.assignments)
    if with_units * 2 <= len(tasks):
        return []
    return [
        NoticeWarning(
            kind="task_unassigned",
            message="a task with no responsible unit in a plan whose other tasks have them",
            task_key=t.key,
            provenance=t.provenance,
        )
        for t in tasks
        if not t.assignments
    ]
