"""Notes inside responsibility clauses, and the notice's rule that the first-listed unit leads.

GOLD-GUIDE, "Notes are not units": text inside a clause that assigns nothing — 列第一位者为牵头
单位，下同; 以下任务均需各区县政府落实，不再一一列出; （排名不分先后）; （按职责分工） — gives no
assignment and no unit. The clause reader reads the clause with its notes blanked out (the
offsets stay, so the names as printed can still be cut from the clause).

GOLD-GUIDE, "Lead by position": when the notice states that the first-listed unit leads (in the
preamble, a table header or a note with 下同), a clause that names no lead by word or column
gets its first unit as lead and the others as co; "逗号前为牵头单位" makes the units before the
first comma the leads.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

# the first-listed unit leads: 列第一位的责任单位为牵头单位, 排在首位的为牵头单位, 第一个单位为
# 牵头单位, 表中…排在第一位的为牵头单位, 逗号前为牵头单位
_FIRST_LEADS = regex.compile(
    r"(?:列|排|位)?(?:在|于)?(?:第一位|首位|第一个|最前)(?:的|者)?(?:责任)?(?:单位|部门)?"
    r"(?:为|是)(?:牵头|主办)(?:单位|部门)?"
)
_COMMA_LEADS = regex.compile(r"(?:逗号|，号)前(?:的)?(?:责任)?(?:单位|部门)?(?:为|是)(?:牵头|主办)")
_SAME_BELOW = regex.compile(r"下同|以下同|后同")
# a sentence of a clause that only tells how to read the plan
_STANDING = regex.compile(
    r"不再(?:一一|单独|另行|逐一|重复)?(?:列出|列举|通知|标注|注明)|下同|不分先后|"
    r"为(?:长期|常态化)(?:任务|工作)|参照执行"
)
# a bracket that only qualifies what is before it
_ASIDE = regex.compile(r"按职责分工|排名不分先后|不分先后|按职责|各自职责")
_SENTENCE = regex.compile(r"[^。；;]+[。；;]?")
_BRACKET = regex.compile(r"[(（][^()（）]*[)）]")


@dataclass(frozen=True)
class Notes:
    """A clause's notes: where they are, and what they say about reading it."""

    spans: tuple[tuple[int, int], ...]
    first_leads: bool  # a note says the first-listed unit leads
    comma_leads: bool  # … the units before the first comma lead
    same_below: bool  # … and so in the clauses below (下同)

    def blank(self, text: str) -> str:
        """The text with its notes blanked out (spaces; offsets kept)."""
        chars = list(text)
        for a, b in self.spans:
            chars[a:b] = " " * (b - a)
        return "".join(chars)


def read_notes(text: str) -> Notes:
    """The notes of one clause text: bracketed asides and rules, and sentences that only
    instruct (以下任务均需…落实，不再一一列出)."""
    spans: list[tuple[int, int]] = []
    first = comma = below = False
    for m in _BRACKET.finditer(text):
        inner = m[0][1:-1]
        rule = _FIRST_LEADS.search(inner) or _COMMA_LEADS.search(inner)
        if rule or _STANDING.search(inner) or _ASIDE.fullmatch(inner.strip()):
            spans.append((m.start(), m.end()))
            first |= bool(_FIRST_LEADS.search(inner))
            comma |= bool(_COMMA_LEADS.search(inner))
            below |= bool(_SAME_BELOW.search(inner))
    unbracketed = Notes(tuple(spans), False, False, False).blank(text)
    for m in _SENTENCE.finditer(unbracketed):
        sentence = m[0]
        rule = _FIRST_LEADS.search(sentence) or _COMMA_LEADS.search(sentence)
        if rule or _STANDING.search(sentence):
            spans.append((m.start(), m.end()))
            first |= bool(_FIRST_LEADS.search(sentence))
            comma |= bool(_COMMA_LEADS.search(sentence))
            below |= bool(_SAME_BELOW.search(sentence))
    return Notes(tuple(sorted(spans)), first, comma, below)


def only_note(text: str) -> bool:
    """Is all of a text notes (（列第一位的为牵头单位，下同）, 排名不分先后)?"""
    return not read_notes(text).blank(text).strip(" \t\n。；;，,、（）()")


def position_rule(lines: list[str]) -> str | None:
    """Whether the notice states, outside its clauses (preamble, table headers), that the
    first-listed unit leads: "first", "comma" (the units before the first comma), or None."""
    for line in lines:
        if _COMMA_LEADS.search(line):
            return "comma"
        if _FIRST_LEADS.search(line):
            return "first"
    return None
