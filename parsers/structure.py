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
from dataclasses import dataclass

import regex

from parsers import metadata
from parsers.blocks import Block, Document
from parsers.comparable import with_compared_forms
from parsers.dates import deadline
from parsers.ladder import number
from parsers.responsibility import find_units, read_clauses
from parsers.script import is_traditional, to_simplified
from parsers.units import Registry, expand_abbreviations, load_registry
from parsers.walker import Piece, Plan, RawClause, Walker, header_cells, norm_title
from schemas import (
    Assignment,
    Clause,
    Notice,
    NoticeMeta,
    NoticeWarning,
    Source,
    Task,
    Unit,
)

_SPACES = regex.compile(r"\s+")
_DEFINED = regex.compile(r"[(（]\s*(?:以下)?简称\s*[“\"]?([^”\"）)]{2,20})[”\"]?\s*[)）]")
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

    analysed = [simple(b.text) for b in blocks]
    # metadata blocks (索引号/发布机构/文号… tables and lines) are set aside: never the plan
    page = metadata.set_aside(blocks, analysed, doc.page)
    blocks, analysed = page.blocks, page.analysed
    start, plan_title_line = _plan_start(blocks, analysed)
    preamble = [b.text for b in blocks[:start] if b.kind == "paragraph"]
    preamble_analysed = [
        a for b, a in zip(blocks[:start], analysed[:start], strict=True) if b.kind == "paragraph"
    ]
    meta = metadata.read_meta(
        preamble_analysed,
        simple(plan_title_line) if plan_title_line else None,
        page.fields,
        page.warnings,
    )
    if traditional:
        metadata.restore_printed(meta, preamble, preamble_analysed, plan_title_line)

    walker = Walker(registry, merges_lost=doc.format == "text")
    for block, a in zip(blocks[start:], analysed[start:], strict=True):
        if block.kind == "row":
            walker.row(block, [simple(c.text) for c in block.cells])
        else:
            if _END_OF_PLAN.match(a) and walker.plan.tasks:
                break
            walker.paragraph(block.text, a, block.provenance)
    plan = walker.plan
    if not plan.tasks:
        plan.warnings.append(
            NoticeWarning(kind="structure", message="no plan table or numbered task list found")
        )

    # every document the notice cites, in the preamble or in a task
    meta.references = metadata.references([b.text for b in blocks], meta.doc_number)
    defined = _defined_aliases(analysed, options.extra_registries)
    notice_id = _notice_id(meta, source)
    clauses, assignments_by_clause, units = _read_clauses(
        plan, registry, defined, simple, options.extra_registries
    )
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
        warnings=doc.warnings + page.warnings + plan.warnings,
    )
    # what the warehouse compares years on (plan kind, simplified forms), read here
    return with_compared_forms(notice)


def _plan_start(blocks: list[Block], analysed: list[str]) -> tuple[int, str | None]:
    """Index of the plan's first block, and the plan's own title line when there is one."""
    paragraphs = [i for i, b in enumerate(blocks) if b.kind == "paragraph"]
    texts = [analysed[i] for i in paragraphs]
    title_at = metadata.find_title(texts)
    title = texts[title_at] if title_at is not None else ""
    printed = metadata.PRINTED.search(title)
    wanted = norm_title(printed[1]) if printed else None
    first_row = next((i for i, b in enumerate(blocks) if b.kind == "row"), None)
    candidate = None
    for n, i in enumerate(paragraphs):
        if title_at is not None and n <= title_at and not (wanted is None and n == title_at):
            continue
        if first_row is not None and i > first_row:
            break
        text = analysed[i].strip()
        if (wanted and norm_title(text) == wanted) or (
            wanted is None
            and metadata.is_plan_title(text)
            and _heading_follows(blocks, analysed, i)
            and not metadata.addressees_follow(analysed, i)
        ):
            candidate = i
    if candidate is not None:
        return candidate + 1, blocks[candidate].text.strip()
    if first_row is not None:
        return first_row, None
    # no title line: the plan starts at the first top-level heading after the signature, or
    # at a table header flattened one cell per paragraph (a page that opens with its table)
    sign = max((i for i in paragraphs if metadata.is_sign_date(analysed[i])), default=-1)
    for n, i in enumerate(paragraphs):
        lab = number(analysed[i])
        if i > sign and ((lab and lab.level == 1) or _flat_header(texts[n : n + 8])):
            return i, None
    return len(blocks), None


def _flat_header(texts: list[str]) -> bool:
    """Whether texts open with a header row flattened into paragraphs: two header cells at
    least (工作任务, 责任单位…), the lone | between scraped cells skipped."""
    cells = [t for t in texts if t.strip() not in ("|", "｜")]
    run = 0
    for text in cells:
        if not header_cells(text):
            break
        run += 1
    return run >= 2


def _heading_follows(blocks: list[Block], analysed: list[str], i: int) -> bool:
    for j in range(i + 1, min(i + 6, len(blocks))):
        if blocks[j].kind == "row" or header_cells(analysed[j]):
            return True  # a table, or its header flattened into paragraphs
        lab = number(analysed[j])
        if lab and lab.level in (1, 2):
            return True
    return False


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
    basis = f"{meta.region}|{meta.year}|{norm_title(title)}" if title else source.sha256
    return hashlib.sha256(basis.encode()).hexdigest()[:16]


def _read_clauses(
    plan: Plan,
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
    found: list[tuple[RawClause, Piece, str, str, str | None, str]] = []
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
