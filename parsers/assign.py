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
from parsers.plan import Piece, Plan, RawClause
from parsers.responsibility import Found, find_units, read_clauses
from parsers.units import Registry, expand_abbreviations
from schemas import Assignment, Clause, NoticeWarning, Role, Unit

_DEFINED = regex.compile(r"[(（]\s*(?:以下)?简称\s*[“\"]?([^”\"）)]{2,20})[”\"]?\s*[)）]")
_LIST_SPLIT = regex.compile(r"[、，,；;\n]")
_NAME = regex.compile(r"\p{Han}[\p{Han}()（）·]{1,29}")
_EDGE = " \t。.；;，,、：:"


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
                start = ends[-1][0]
                out[m[1].strip()] = head[-60:][start:]
    return out


def read_plan(
    plan: Plan,
    registry: Registry,
    defined: dict[str, str],
    simple: Callable[[str], str],
    extra_registries: tuple[str, ...],
) -> Reading:
    """Read every clause piece of a plan and name its units."""
    pieces = [
        (clause, piece)
        for clause in plan.clauses
        for piece in [*clause.pieces, *clause.inherited_pieces]
    ]
    analysed = [simple(p.text) for _, p in pieces]
    readings = read_clauses(analysed, extra_registries)
    found: list[tuple[RawClause, Piece, str, str, str | None, str]] = []
    warnings: list[NoticeWarning] = []
    owner = {id(t.clause): t.key for t in plan.tasks if t.clause and not t.clause_inherited}
    for (clause, piece), reading, text in zip(pieces, readings, analysed, strict=True):
        every = [*clause.pieces, *clause.inherited_pieces]
        has_lead = any(p.role == "lead" for p in every)
        units = list(reading.units)
        if _a_list(piece, text):
            default = piece.role or ("co" if has_lead else "responsible")
            units += [Found(text[a:b], default, a, b) for a, b in _listed_names(text, units)]
        for unit in units:
            name, plate = registry.split_plate(unit.raw)
            role = piece.role or unit.role
            if piece.role == "responsible" and has_lead:
                role = "co"  # a 责任单位 column or line beside a 牵头单位 one assists the lead
            # the name as printed (traditional script stays traditional)
            raw = piece.text[unit.start : unit.end] if len(text) == len(piece.text) else unit.raw
            found.append((clause, piece, raw, name, plate, role))
        if not units and piece not in clause.inherited_pieces:
            warnings.append(
                NoticeWarning(
                    kind="clause_unread",
                    message=f"no unit read in the responsibility text {piece.text[:60]!r}",
                    task_key=owner.get(id(clause)),
                    provenance=piece.provenance,
                )
            )
    expanded = expand_abbreviations([f[3] for f in found], registry)
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
