"""Clause pieces → assignments: each piece read by the spaCy pipeline (parsers/
responsibility.py), its units named canonically (parsers/units.py), and what could not be
read said in a warning.

A piece that is a cell of a unit column or a labelled line (牵头单位：…) is a list of unit
names whatever they end with (GOLD-GUIDE, "Real-page conventions"; issue 11 layout 5): a
name there that the registry does not know (市数据共享协调机制) is still a unit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast, get_args

import regex

from parsers.lexicon import default_lexicon
from parsers.notes import Notes, read_notes
from parsers.plan import Piece, Plan, RawClause
from parsers.responsibility import Found, find_units, read_clauses
from parsers.units import Registry, expand_abbreviations, full_forms, load_registry
from schemas import Assignment, Clause, NoticeWarning, Role, Unit

_DEFINED = regex.compile(r"[(（]\s*(?:以下)?简称\s*[“\"]?([^”\"）)]{2,20})[”\"]?\s*[)）]")
_LIST_SPLIT = regex.compile(r"[、，,；;\n]")
_NAME = regex.compile(r"\p{Han}[\p{Han}()（）·]{1,29}")
_EDGE = " \t。.；;，,、：:"
_ETC = regex.compile(r"等(?:有关|相关)?(?:部门|单位)?$")


@dataclass
class Reading:
    """What the clauses of a plan give: the clauses, the assignments of each (by clause id),
    the units named, and warnings about pieces that name no unit."""

    clauses: list[Clause]
    by_clause: dict[int, list[Assignment]]
    units: list[Unit]
    warnings: list[NoticeWarning]


def defined_aliases(lines: list[str], extra_registries: tuple[str, ...]) -> dict[str, str]:
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
                tail = head[-60:]
                start = _name_start(tail, ends[-1][0], extra_registries)
                out[m[1].strip()] = tail[start:]
    return out


def _name_start(text: str, start: int, extra_registries: tuple[str, ...]) -> int:
    """Where a defined full name really starts: after the last 报/由/向/请… inside the name
    found before （以下简称…）, when what follows is still a unit name (情况报市委市政府督查室 →
    市委市政府督查室)."""
    lexicon = default_lexicon()
    registry = load_registry(extra_registries)
    best = start
    for p in range(start + 1, len(text)):
        marker = lexicon.marker_at(text, p)
        if marker is None or marker.kind not in ("object", "intro"):
            continue
        if registry.unit_at(text, marker.end, lexicon) == len(text):
            best = marker.end
    return best


def read_plan(
    plan: Plan,
    registry: Registry,
    defined: dict[str, str],
    simple: Callable[[str], str],
    extra_registries: tuple[str, ...],
    position: str | None = None,
    printed: list[str] | None = None,
) -> Reading:
    """Read every clause piece of a plan and name its units. `position` is the notice's own
    rule that the first-listed unit leads ("first", or "comma": the units before the first
    comma), from parsers/notes.position_rule. `printed` are the texts of the rest of the
    notice: a full name printed there resolves its abbreviation in a clause (GOLD-GUIDE,
    "Unit names")."""
    pieces = [
        (clause, piece)
        for clause in plan.clauses
        for piece in [*clause.pieces, *clause.inherited_pieces]
    ]
    notes = [read_notes(simple(p.text)) for _, p in pieces]
    analysed = [n.blank(simple(p.text)) for n, (_, p) in zip(notes, pieces, strict=True)]
    readings = read_clauses(analysed, extra_registries)
    found: list[tuple[RawClause, Piece, str, str, str | None, str]] = []
    warnings: list[NoticeWarning] = []
    owner = {id(t.clause): t.key for t in plan.tasks if t.clause and not t.clause_inherited}
    rules = _position_rules(plan, pieces, notes, position)
    for clause in plan.clauses:
        mine = [k for k, (c, _) in enumerate(pieces) if c is clause]
        read: list[tuple[Piece, Found, str]] = []  # (piece, unit, its role), in column order
        for k in sorted(mine, key=lambda k: pieces[k][1].col):
            piece, reading, text = pieces[k][1], readings[k], analysed[k]
            has_lead = any(p.role == "lead" for p in [*clause.pieces, *clause.inherited_pieces])
            units = list(reading.units)
            if _a_list(piece, text):
                default = piece.role or ("co" if has_lead else "responsible")
                units += [Found(text[a:b], default, a, b) for a, b in _listed_names(text, units)]
            for unit in sorted(units, key=lambda u: u.start):
                role = piece.role or unit.role
                if piece.role == "responsible" and has_lead:
                    role = "co"  # a 责任单位 column or line beside a 牵头单位 one assists the lead
                read.append((piece, unit, role))
            if not units and piece not in clause.inherited_pieces:
                warnings.append(
                    NoticeWarning(
                        kind="clause_unread",
                        message=f"no unit read in the responsibility text {piece.text[:60]!r}",
                        task_key=owner.get(id(clause)),
                        provenance=piece.provenance,
                    )
                )
        rule = rules.get(id(clause))
        roles = _by_position(read, rule, analysed, pieces) if rule else [r for _, _, r in read]
        for (piece, unit, _), role in zip(read, roles, strict=True):
            name, plate = registry.split_plate(unit.raw)
            text = analysed[next(k for k in mine if pieces[k][1] is piece)]
            # the name as printed (traditional script stays traditional)
            raw = piece.text[unit.start : unit.end] if len(text) == len(piece.text) else unit.raw
            found.append((clause, piece, raw, name, plate, role))
    # full forms printed elsewhere, looked for only in paragraphs that could print the full
    # form of a name read in a clause (finding a paragraph's units costs ~40% of a parse)
    shorts = full_forms([f[3] for f in found], registry)
    elsewhere = [
        t[a:b]
        for t in printed or []
        if shorts.may_print(t)
        for a, b in find_units(t, extra_registries)
    ]
    # a name found in running text may begin with the words before it (涉及市工业和信息化局):
    # the full form a short name abbreviates starts at a level prefix
    elsewhere += [
        name[k:]
        for name in elsewhere
        for k in range(1, len(name) - 2)
        if name[k:].startswith(tuple(registry.levels))
    ]
    expanded = expand_abbreviations([*(f[3] for f in found), *elsewhere], registry)
    aliases = {**expanded, **defined}
    by_clause: dict[int, list[Assignment]] = {}
    named: dict[str, Unit] = {}
    for clause, piece, raw, name, plate, role in found:
        org = registry.canonical(name, aliases)
        inherited = piece in clause.inherited_pieces
        lst = by_clause.setdefault(clause.clause_id, [])
        if not any(a.org == org and a.role == role for a in lst):
            lst.append(Assignment(org=org, org_raw=raw, role=_role(role), inherited=inherited))
        entry = named.setdefault(org, Unit(name=org, collective=registry.is_collective(org)))
        # the names printed here, and those the registry (built-in and the user's) knows
        for alias in (raw, name, plate, *registry.entries.get(org, [])):
            if alias and alias != org and alias not in entry.aliases:
                entry.aliases.append(alias)
    requirements: dict[int, list[str]] = {}
    for (clause, _), reading in zip(pieces, readings, strict=True):
        requirements.setdefault(clause.clause_id, []).append(reading.requirements)
    clauses = [
        Clause(
            clause_id=c.clause_id,
            text=" | ".join(
                p.text for p in sorted([*c.pieces, *c.inherited_pieces], key=lambda p: p.col)
            ),
            requirements=" ".join(r for r in requirements.get(c.clause_id, []) if r),
            assignments=by_clause.get(c.clause_id, []),
            provenance=(c.pieces or c.inherited_pieces)[0].provenance,
        )
        for c in plan.clauses
    ]
    units_named = sorted(named.values(), key=lambda u: u.name)
    return Reading(clauses, by_clause, units_named, warnings)


def _position_rules(
    plan: Plan,
    pieces: list[tuple[RawClause, Piece]],
    notes: list[Notes],
    position: str | None,
) -> dict[int, str]:
    """The lead-by-position rule that holds for each clause (by id): the notice's own, or a
    note in the clause, which with 下同 holds for the clauses below it too."""
    rules: dict[int, str] = {}
    below = position
    for clause in plan.clauses:
        said = [n for (c, _), n in zip(pieces, notes, strict=True) if c is clause]
        here = next(
            ("comma" if n.comma_leads else "first" for n in said if n.first_leads or n.comma_leads),
            None,
        )
        if here and any(n.same_below for n in said):
            below = here
        rule = here or below
        if rule:
            rules[id(clause)] = rule
    return rules


def _by_position(
    read: list[tuple[Piece, Found, str]],
    rule: str,
    analysed: list[str],
    pieces: list[tuple[RawClause, Piece]],
) -> list[str]:
    """Roles under the rule that the first-listed unit leads (GOLD-GUIDE, "Lead by
    position"): for a clause that names no lead by word or column, its first unit (or, by
    the comma rule, its units before the first comma) lead and its other responsible units
    are co; roles given by other words (技术支持, 统筹协调…) stay."""
    roles = [r for _, _, r in read]
    if not read or "lead" in roles or any(p.role in ("lead", "co") for p, _, _ in read):
        return roles
    first_piece = read[0][0]
    text = next(analysed[k] for k, (_, p) in enumerate(pieces) if p is first_piece)
    comma = regex.search(r"[，,]", text)
    out = []
    for k, ((piece, unit, role), _) in enumerate(zip(read, roles, strict=True)):
        if role != "responsible":
            out.append(role)
        elif rule == "comma" and comma is not None:
            out.append("lead" if piece is first_piece and unit.end <= comma.start() else "co")
        else:
            out.append("lead" if k == 0 else "co")
    return out


def _role(role: str) -> Role:
    """A role word read from the lexicon as the model's Role."""
    if role not in get_args(Role):
        raise ValueError(f"not a role: {role}")
    return cast(Role, role)


def _a_list(piece: Piece, text: str) -> bool:
    """Is the piece a list of names: a 牵头单位/配合单位 cell, a labelled line, or a 责任单位
    cell that holds no role word (a cell with 负责/牵头… is a clause, read as such)?"""
    if not piece.unit_list:
        return False
    lexicon = default_lexicon()
    return (
        piece.role in ("lead", "co")
        or lexicon.label_at(text, 0) is not None
        or not lexicon.role_words.search(text)
    )


def _listed_names(text: str, found: list[Found]) -> list[tuple[int, int]]:
    """The names of a unit list (a unit column's cell, a labelled line) that the reader did
    not find: each part between 、，；or line breaks, its label left out, that looks like a
    name and holds no role word."""
    lexicon = default_lexicon()
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        label = lexicon.label_at(line, 0)
        pos = label.end if label else 0
        parts = _split_outside_brackets(line, pos)
        for a, b in parts:
            while a < b and line[a] in _EDGE:
                a += 1
            while b > a and line[b - 1] in _EDGE:
                b -= 1
            if (tail := _ETC.search(line, a, b)) is not None:
                b = tail.start()  # …、商贸物流园等: the list ends with the last name
            start, end = offset + a, offset + b
            name = line[a:b]
            if (
                _NAME.fullmatch(name)
                and not lexicon.role_words.search(name)
                and not any(u.start < end and start < u.end for u in found)
            ):
                spans.append((start, end))
        offset += len(line) + 1
    return spans


def _split_outside_brackets(line: str, pos: int) -> list[tuple[int, int]]:
    """Offsets of the parts of line[pos:] between list separators outside brackets."""
    parts: list[tuple[int, int]] = []
    depth = 0
    start = pos
    for i in range(pos, len(line)):
        ch = line[i]
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        elif depth == 0 and _LIST_SPLIT.match(ch):
            parts.append((start, i))
            start = i + 1
    parts.append((start, len(line)))
    return parts
