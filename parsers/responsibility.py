"""Responsibility clauses → (unit, role) assignments, as pipeline components.

Two components read a clause, one character a token (the way spaCy's blank Chinese pipeline
with fengong's tokenizer reads it), after a sentencizer that splits at 。；! ? and line breaks:

* ``UnitFinder`` (spaCy: ``fengong_units``) — finds unit names (registry + the shape of
  Chinese unit names) and the role-lexicon words between them, as ``doc.spans["units"]`` and
  ``doc.spans["markers"]``; names in quotes are skipped, so a platform “…平台” is never an
  assignee;
* ``RoleTagger`` (spaCy: ``fengong_roles``) — reads each sentence as a sequence of units and
  markers and gives each unit its role (``span._.role``), leaving out names in the object of
  the clause (按国家有关主管部门制定的规定…); the text after the roles is
  ``doc._.requirements``.

Parsing runs them on parsers/clause_doc.ClauseDoc, which gives them what they read of a spaCy
``Doc`` without importing spaCy (~0.45 s a process); ``build_nlp()`` gives the same
components as a spaCy pipeline (parsers/spacy_pipeline.py), which reads every clause alike
(tests/test_clauses.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import regex

from parsers.clause_doc import ClauseDoc, ClauseSpan
from parsers.lexicon import ROLE_KINDS, Lexicon, Marker, default_lexicon
from parsers.units import Registry, load_registry

if TYPE_CHECKING:
    from spacy.language import Language

# The components take a spaCy Doc as well as a ClauseDoc (duck-typed: the same attributes).
Doc = ClauseDoc
Span = ClauseSpan

_QUOTES = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", '"': '"'}
# marker words read before any name is tried at the same place: 牵头会区各单位 is 牵头 + 会 + …
_ROLE_FIRST = {*ROLE_KINDS, "tail"}
_SUBCLAUSE = regex.compile(r"[，,]")
_STOP = regex.compile(r"^[\p{P}\s]*$")
_PUNCT = regex.compile(r"[\p{P}\p{Sm}]")
_LABEL_AFTER = frozenset("\n；;，,。 \u3000（(")


class UnitFinder:
    def __init__(self, registry: Registry, lexicon: Lexicon) -> None:
        self.registry = registry
        self.lexicon = lexicon

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        units: list[Span] = []
        markers: list[Span] = []
        pos, n = 0, len(text)
        can_start = True  # a name starts only after punctuation, a marker or another name
        while pos < n:
            ch = text[pos]
            if ch in _QUOTES:
                close = text.find(_QUOTES[ch], pos + 1)
                pos = n if close < 0 else close + 1
                can_start = False
                continue
            if pos == 0 or ch == "\n" or text[pos - 1] in _LABEL_AFTER:
                # 牵头单位：X；配合单位：Y — a label opens the clause, a line or a part of it
                label = self.lexicon.label_at(text, pos)
                if label:
                    markers.append(self._span(doc, label.start, label.end, label.kind))
                    pos, can_start = label.end, True
                    continue
            if not ch.strip() or _PUNCT.match(ch):
                pos, can_start = pos + 1, True
                continue
            marker = self.lexicon.marker_at(text, pos)
            if (
                marker
                and marker.kind == "co_prefix"
                and marker.end - marker.start > 1
                and (marker.end >= n or _PUNCT.match(text[marker.end]) or text[marker.end] == "\n")
            ):
                # …局会办。: 会办/会同 ending the clause is the role word of the names before it
                markers.append(self._span(doc, marker.start, marker.end, "co"))
                pos, can_start = marker.end, True
                continue
            if marker and marker.kind in _ROLE_FIRST:
                markers.append(self._span(doc, marker.start, marker.end, marker.kind))
                pos, can_start = marker.end, True
                continue
            if (
                marker
                and marker.kind in ("intro", "co_prefix", "object", "conj")
                and self.registry.unit_at(text, marker.end, self.lexicon) is not None
            ):
                markers.append(self._span(doc, marker.start, marker.end, marker.kind))
                pos, can_start = marker.end, True
                continue
            if marker and marker.kind == "boundary":  # 将/要/应…: never the start of a name
                pos, can_start = marker.end, False
                continue
            end = self.registry.unit_at(text, pos, self.lexicon) if can_start else None
            if end is not None:
                end = self._collective_end(text, pos, end)
                units.append(self._span(doc, pos, end, "UNIT"))
                pos, can_start = end, True
                continue
            if marker and marker.kind == "object":
                markers.append(self._span(doc, marker.start, marker.end, marker.kind))
                pos, can_start = marker.end, True
                continue
            pos, can_start = pos + 1, False
        doc.spans["units"] = units
        doc.spans["markers"] = markers
        return doc

    def _collective_end(self, text: str, start: int, end: int) -> int:
        """A collective goes on over 、 and a name that cannot stand alone: 市直有关部门、单位
        is one unit (GOLD-GUIDE, "Notes are not units")."""
        if not self.registry.is_collective(text[start:end]):
            return end
        levels = tuple(self.registry.levels)
        while end < len(text) and text[end] == "、":
            bare = self.registry.places(text[start:end])  # 各县、…: places, no unit yet
            # 各县、市、区政府: a level word alone goes on with the list of places
            word = next((lv for lv in levels if text.startswith(lv + "、", end + 1)), None)
            if bare and word:
                end += 1 + len(word)
                continue
            nxt = self.registry.unit_at(text, end + 1, self.lexicon)
            if nxt is None:
                break
            name = text[end + 1 : nxt]
            # 各市、县（市、区）人民政府: the places go on into the unit they name
            places_go_on = bare and name.startswith(levels) and "各" not in name
            if not (places_go_on or self.registry.generic(name)):
                break
            end = nxt
        return end

    @staticmethod
    def _span(doc: Doc, start: int, end: int, label: str) -> Span:
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        assert span is not None  # zh tokens are single characters, so every offset aligns
        return span


class RoleTagger:
    def __call__(self, doc: Doc) -> Doc:
        spans = sorted([*doc.spans["units"], *doc.spans["markers"]], key=lambda s: s.start_char)
        last_role_end = 0
        # labelled lines (牵头单位：… / 责任单位：…) are one clause over several sentences
        lead_named = False
        for sent in doc.sents:
            in_sent = [s for s in spans if sent.start_char <= s.start_char < sent.end_char]
            end, lead_named = self._sentence(doc, sent, in_sent, lead_named)
            last_role_end = max(last_role_end, end)
        doc._.requirements = doc.text[last_role_end:].lstrip("，,、；;。 \n").strip()
        return doc

    def _sentence(
        self, doc: Doc, sent: Span, spans: list[Span], lead_named: bool
    ) -> tuple[int, bool]:
        """Tag the units of one sentence; return where its last role-bearing span ends, and
        whether a 牵头单位 label has been read so far."""
        text = doc.text
        # subclauses: split at commas outside any unit name
        cuts = [m.start() + sent.start_char for m in _SUBCLAUSE.finditer(sent.text)]
        cuts = [c for c in cuts if not any(u.start_char <= c < u.end_char for u in spans)]
        bounds = list(
            zip([sent.start_char, *[c + 1 for c in cuts]], [*cuts, sent.end_char], strict=True)
        )
        state = _State(lead_named=lead_named)
        for start, end in bounds:
            sub = [s for s in spans if start <= s.start_char < end]
            state.subclause(text, sub, end)
        state.finish()
        return state.last_end, state.lead_named


@dataclass
class _State:
    """The reading of one sentence: units wait in `pending` until a role word claims them."""

    # a lead (牵头…) was named in this sentence: a bare 负责 after it assists that lead.
    # 统筹协调 and 组织实施 name no lead, and neither does X会同Y (GOLD-GUIDE: a lead is
    # named only by 牵头-family words or a 牵头单位 column or line).
    anchor: bool = False
    last_end: int = 0
    forced: str | None = None  # from a 牵头单位： label, until the sentence ends
    lead_named: bool = False  # a lead was named earlier in this clause (牵头, 牵头单位：)

    def __post_init__(self) -> None:
        self.pending: list[Span] = []

    def subclause(self, text: str, spans: list[Span], end: int) -> None:
        co_mode = False
        obj_mode = False
        carried = bool(self.pending)
        for span in spans:
            kind = span.label_
            if kind.startswith("label_"):
                self._flush(self._default())
                self.forced = kind.removeprefix("label_")
                if self.forced == "responsible" and (self.anchor or self.lead_named):
                    self.forced = "co"  # 责任单位 beside a 牵头单位 line assists the lead
                self.lead_named |= self.forced == "lead"
                self.last_end = span.end_char
            elif kind == "UNIT":
                if obj_mode:
                    continue
                if self.forced:
                    if self.forced != "none":
                        self._set(span, self.forced)
                        self.anchor |= self.forced == "lead"
                elif co_mode:
                    self._set(span, "co")
                else:
                    self.pending.append(span)
            elif kind == "lead":
                self.anchor |= bool(self.pending)
                self.lead_named |= bool(self.pending)
                if _bracketed(text, span) and len(self.pending) > 1:
                    # 市医保局、市卫生健康委（牵头）: the bracket marks the name before it only
                    last = self.pending.pop()
                    self._set(last, "lead")
                    self._flush("co", span)  # the others listed with it assist it
                else:
                    self._flush("lead", span)
            elif kind in ("coordinator", "implementer"):
                self._flush(kind, span)
            elif kind == "support":
                self._flush("support", span)
            elif kind == "co_prefix":
                if self.pending:  # X会同Y负责: X is responsible, Y joins (no lead named)
                    self._flush("responsible", span)
                co_mode = True
            elif kind == "co":
                if self.pending:
                    self._flush("co", span)  # Y配合
                else:
                    co_mode = True  # 配合Y
            elif kind == "responsible":
                bare = _STOP.match(text[span.end_char : end]) is not None
                # X牵头…；Y按职责分工负责: Y assists the lead named before, in any sentence
                lead = self.anchor or self.lead_named
                self._flush("co" if lead and bare else "responsible", span)
            elif kind == "object":
                obj_mode = True
        # a list of names (with 等部门 after them) may take its role from the next subclause
        only_names = (
            all(s.label_ in ("UNIT", "tail") for s in spans)
            and not carried
            and (not spans or _STOP.match(text[spans[-1].end_char : end]) is not None)
        )
        if not only_names:
            # names followed by work of their own (各镇街要按要求…) are responsible for it
            names_end = max(
                (s.end_char for s in spans if s.label_ == "tail" and self.pending), default=0
            )
            names_last = max(names_end, self.pending[-1].end_char) if self.pending else 0
            bare = not self.pending or _STOP.match(text[names_last:end]) is not None
            self._flush(self._default() if bare else "responsible")

    def finish(self) -> None:
        self._flush(self._default())

    def _default(self) -> str:
        """The role of names no role word claims: they assist a lead named in the clause
        (区政数局（牵头）、区司法局), else they are responsible (区委宣传部、区政数局)."""
        return "co" if self.anchor or self.lead_named else "responsible"

    def _flush(self, role: str, marker: Span | None = None) -> None:
        for unit in self.pending:
            self._set(unit, role)
        self.pending = []
        if marker is not None:
            self.last_end = max(self.last_end, marker.end_char)

    def _set(self, unit: Span, role: str) -> None:
        unit._.role = role
        self.last_end = max(self.last_end, unit.end_char)


def _bracketed(text: str, span: Span) -> bool:
    """Is a marker word alone in brackets: 区财政局（牵头）?"""
    before = text[span.start_char - 1 : span.start_char]
    after = text[span.end_char : span.end_char + 1]
    return before in ("（", "(") and after in ("）", ")")


@dataclass(frozen=True, slots=True)
class Found:
    raw: str  # as printed
    role: str
    start: int = 0  # offsets in the clause text
    end: int = 0


@dataclass(frozen=True, slots=True)
class ClauseReading:
    units: tuple[Found, ...]
    requirements: str


@cache
def components(extra_registries: tuple[str, ...] = ()) -> tuple[UnitFinder, RoleTagger]:
    """The two components, built once per set of unit files."""
    registry = load_registry(Path(p) for p in extra_registries)
    return UnitFinder(registry, default_lexicon()), RoleTagger()


def read_doc(text: str, extra_registries: tuple[str, ...] = ()) -> ClauseDoc:
    """One clause through the components, as the spaCy pipeline would read it."""
    finder, tagger = components(extra_registries)
    return tagger(finder(ClauseDoc(text)))


def build_nlp(extra_registries: tuple[str, ...] = ()) -> Language:
    """The same components as a spaCy pipeline: ``spacy.blank("zh")`` with one token per
    character, the sentencizer, ``fengong_units`` and ``fengong_roles`` (imports spaCy)."""
    from parsers.spacy_pipeline import build_nlp as build

    return build(extra_registries)


def read_clauses(
    texts: Iterable[str], extra_registries: tuple[str, ...] = ()
) -> list[ClauseReading]:
    """Each clause text's reading (read_clause), in order."""
    return [read_clause(text, extra_registries) for text in texts]


@lru_cache(maxsize=16_384)
def read_clause(text: str, extra_registries: tuple[str, ...] = ()) -> ClauseReading:
    """One clause's units, roles and requirements. Kept for the process's next notices: the
    genre repeats its clauses (区各单位负责。, 各镇街按职责分工负责。) within a notice, from year
    to year and from place to place, and a reading depends on its text and unit files alone."""
    doc = read_doc(text, extra_registries)
    found = tuple(
        Found(s.text, s._.role, s.start_char, s.end_char) for s in doc.spans["units"] if s._.role
    )
    return ClauseReading(found, doc._.requirements)


def find_units(text: str, extra_registries: tuple[str, ...] = ()) -> list[tuple[int, int]]:
    """Unit names in any text (for deciding whether a paragraph is a clause)."""
    finder, _ = components(extra_registries)
    doc = finder(ClauseDoc(text))
    return [(s.start_char, s.end_char) for s in doc.spans["units"]]


def leading_marker(text: str) -> Marker | None:
    return default_lexicon().marker_at(text, 0)
