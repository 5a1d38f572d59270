"""Titles: the notice's own title (…关于…的通知) and the plan's heading (…方案/分工/分解/安排/
计划/要点/清单/台账), also when the page breaks either over several lines.

GOLD-GUIDE, "Metadata wherever the page prints it": a title broken over several lines is one
title; plan_title is the plan's own heading whatever it ends with, as printed, 《》 inside it
kept. Lines are joined only where the pieces cannot stand alone (a piece without 关于 before a
title's end, an issuer line above 关于…, a heading whose pieces together are the name the
preamble prints in 《》), so that two real lines are never glued.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import regex

from parsers.dates import DATE_CN, DATE_ISO
from parsers.docnumbers import DOC_NUMBER
from parsers.ladder import number

_KINDS = r"(?:通知|通报|意见|决定|函|批复|报告|通告|公告|请示|决议)"
TITLE = regex.compile(rf"(?:关于|印发).{{2,120}}的{_KINDS}$")
_TITLE_END = regex.compile(rf"{_KINDS}$")
PLAN_WORDS = regex.compile(
    r"(?:方案|要点|计划|清单|台账|安排|分工|分解|分解表|细则|任务表|责任表|一览表|任务书)"
    r"(?:[(（].{1,12}[)）])?》?$"
)
_KIND_END = frozenset("知报见定函复告示议")  # the last characters of _KINDS
_PLAN_END = frozenset("案点划单账排工解则表书)）》")  # … of PLAN_WORDS
# 印发《X》的通知, 印发X的通知, 关于X的通知 for a notice that is itself the plan
# (a 《 is taken off only with the 》 that closes it right before 的通知: 印发《政府工作报告》
# 2024年…方案的通知 prints the name 《政府工作报告》2024年…方案)
PRINTED = regex.compile(r"印发\s*(?:《(?=[^《》]*》\s*的(?:通知|函)))?(.+?)》?\s*的(?:通知|函)")
_NAMED = regex.compile(r"《([^《》]{4,80}(?:《[^《》]*》[^《》]*)*)》")
_BETWEEN_HAN = regex.compile(r"(?<=[\p{Han}《》“”])\s+(?=[\p{Han}《》“”])")
_SENTENCE = regex.compile(r"[。；;！!？?：:，,]")
_ORG_LINE = regex.compile(
    r"(?:人民政府|政府|办公室|办公厅|委员会|领导小组|小组|局|委|厅|办|部|中心|院|署)$"
)
_PLACE_OR_YEAR = regex.compile(
    r"(?:(?:19|20)\d{2}\s*年|\p{Han}{1,8}?(?:省|市|区|县|州|旗|盟|自治区|自治州|自治县))"
)
# 附件, 附件1：, 附件：1. before a plan's name in an attachment line
_ATTACHMENT = regex.compile(r"^附\s*件\s*\d*\s*[:：]?\s*(?:\d{1,2}\s*[.、．]\s*(?!\d))?")
MAX_PIECES = 4


def norm(text: str) -> str:
    """A line for matching: NFKC, without white space."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def tidy(text: str) -> str:
    """A title as printed, without the spaces a layout leaves between its characters
    (封丘县人民政府办公室 关于…的 通 知)."""
    return str(_BETWEEN_HAN.sub("", text.strip()))


def is_plan_title(line: str) -> bool:
    """A plan's heading: short, no sentence, not a numbered item, ending in a plan word
    (方案, 分工, 分解, 安排, 计划, 要点, 清单, 台账 …), possibly inside 《》."""
    text = norm(line).strip("|｜")  # a heading cell of a table scraped one cell a line
    text = _ATTACHMENT.sub("", text)
    return (
        4 <= len(text) <= 80
        and bool(PLAN_WORDS.search(text))
        and "。" not in text
        and number(line) is None
        and not TITLE.search(text)
    )


def plan_heading(line: str) -> str:
    """The heading as the plan title: an 附件 label before it and 《》 around it taken off."""
    text = _ATTACHMENT.sub("", line.strip(" |｜\t\u3000")).strip()
    if text.startswith("《") and text.endswith("》") and text.count("《") == 1:
        text = text[1:-1]
    return tidy(text)


def find_title(lines: Sequence[str]) -> int | None:
    """Index of the notice's title among the first 40 lines (…关于…的通知)."""
    for i, line in enumerate(lines[:40]):
        if TITLE.search(norm(line)):
            return i
    return None


def _piece(line: str) -> bool:
    """A line that may be part of a title or heading broken over lines."""
    if len(line) > 60 or _SENTENCE.search(line):
        return False
    text = norm(line)
    return (
        0 < len(text) <= 40
        and not _SENTENCE.search(text)
        and DOC_NUMBER.search(text) is None
        and DATE_CN.search(text) is None
        and DATE_ISO.search(text) is None
        and number(line) is None
        and not _ATTACHMENT.fullmatch(text)
    )


def title_span(lines: Sequence[str]) -> tuple[int, int] | None:
    """The lines (first, last) of a notice title broken over several lines, or None when no
    title is broken: pieces before a line that ends the title (…的通知) are joined back to
    the one holding 关于/印发, and an issuer line right above a title that starts with 关于
    belongs to it (驻马店市人民政府 / 关于印发…的通知)."""
    for end, line in enumerate(lines[:40]):
        tail = line.rstrip()
        if tail[-1:] not in _KIND_END or len(line) > 160 or not _TITLE_END.search(tail):
            continue
        text = norm(line)
        if len(text) > 120 or _SENTENCE.search(text):
            continue
        start = end
        joined = text
        while not regex.search(r"关于|印发", joined) and start > 0 and end - start < MAX_PIECES:
            if not _piece(lines[start - 1]):
                break
            start -= 1
            joined = norm(lines[start]) + joined
        if not TITLE.search(joined):
            continue
        if regex.match(r"关于|印发", joined) and start > 0:
            above = norm(lines[start - 1])
            if _piece(lines[start - 1]) and _ORG_LINE.search(above) and len(above) <= 30:
                start -= 1
        return (start, end) if start < end else None
    return None


def _names(lines: Sequence[str]) -> set[str]:
    """The names a notice prints in 《》 or in its title (印发X的通知)."""
    named = set()
    for line in lines:
        for m in _NAMED.finditer(line):
            named.add(norm(m[1]))
        printed = PRINTED.search(norm(line))
        if printed:
            named.add(printed[1].strip("《》"))
    return named


def heading_spans(lines: Sequence[str]) -> list[tuple[int, int]]:
    """Pairs of lines that are one plan heading broken in two: together they are a name the
    notice prints in 《》 (or in its title), or the second alone ends in a plan word but names
    no place or year while the first does (新乡市…规范化 / 工作实施方案)."""
    named: set[str] | None = None
    spans = []
    i = 0
    while i + 1 < len(lines):
        a, b = lines[i], lines[i + 1]
        end = b.rstrip(" |｜\t\u3000")
        if (
            end[-1:] not in _PLAN_END
            or not PLAN_WORDS.search(end)
            or not _piece(a)
            or not _piece(b)
        ):
            i += 1
            continue
        if named is None:
            named = _names(lines[:60])
        joined = norm(a) + norm(b)
        if not TITLE.search(joined):
            strip = joined.replace("《", "").replace("》", "")
            named_here = any(n.replace("《", "").replace("》", "") == strip for n in named)
            unguided = (
                is_plan_title(b)
                and not _PLACE_OR_YEAR.search(norm(b))
                and _PLACE_OR_YEAR.search(norm(a)) is not None
                and not _ORG_LINE.search(norm(a))
                and not is_plan_title(a)
            )
            if is_plan_title(joined) and (named_here or unguided):
                spans.append((i, i + 1))
                i += 2
                continue
        i += 1
    return spans
