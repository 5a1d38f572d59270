"""The plan as the walk leaves it: sections, tasks and their raw clause pieces, still text.

parsers/walker.py builds it; parsers/structure.py reads the clauses and names the units.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import regex

from schemas import NoticeWarning, Provenance, Section

_NORM_DROP = regex.compile(r"[\s《》<>〈〉]")


@dataclass
class Piece:
    """One responsibility text: a clause cell, a labelled line, or one of several role
    columns."""

    text: str
    role: str | None  # forced by its column or label (lead/co/responsible), else read
    provenance: Provenance
    col: int = 0  # its table column: the clause text joins the pieces in column order
    # a cell of a unit column or a labelled line: a list of names, each a unit whatever it
    # ends with (parsers/assign.py)
    unit_list: bool = False


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


def norm_title(text: str) -> str:
    """A title for comparison: NFKC, without spaces and 《》 brackets."""
    return str(_NORM_DROP.sub("", unicodedata.normalize("NFKC", text)))
