"""The numbering ladder of a plan: 一、 → （一） → 1. → （1）, in full- and half-width forms.

`number(line)` reads the label at the start of a line and says which rung it is on. Matching
runs on an NFKC copy, so （一） and (一), １． and 1. are the same rung; the label and the rest
are cut from the line as printed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import regex

CN_DIGITS = "零〇○一二三四五六七八九十百两"

# (level, pattern on the NFKC text). Level 1 = section, 2 = subsection, 3 = task, 4 = sub-item.
_RUNGS: list[tuple[int, regex.Pattern[str]]] = [
    (1, regex.compile(rf"^第([{CN_DIGITS}]+)(?:部分|章|篇)\s*[、.,:]?\s*")),
    (1, regex.compile(rf"^([{CN_DIGITS}]+)\s*[、.,]\s*")),
    (2, regex.compile(rf"^\(\s*([{CN_DIGITS}]+)\s*\)\s*[、.,]?\s*")),
    (3, regex.compile(rf"^第([{CN_DIGITS}\d]+)条\s*")),
    # 1. / 1、 / 1． but not a decimal such as 1.5; a year may follow the dot (4.2020年底前…);
    # any number of digits (a plan of 10,000 tasks has a task 1000.); a year (2022年) has no dot
    (3, regex.compile(r"^(\d+)\s*(?:[、]|\.(?!\d)|\.(?=\d{4}年))\s*")),
    (4, regex.compile(r"^\(\s*(\d{1,3})\s*\)\s*[、.]?\s*")),
    (4, regex.compile(r"^(\d{1,3})\)\s*")),
    (4, regex.compile(r"^([①-⑳])\s*")),
]

_CN_VALUES = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


@dataclass(frozen=True, slots=True)
class Label:
    level: int
    label: str  # as printed, e.g. （一）
    value: str  # the number in key form: 一 for sections, 1 for tasks
    rest: str  # the line without its label


def cn_to_int(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20; None for anything else."""
    if not text or any(ch not in _CN_VALUES and ch not in "十百" for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + _CN_VALUES[ch] if current else _CN_VALUES[ch]
    return total + current


def _normalize(head: str) -> tuple[str, list[int]]:
    """NFKC per character, with the source offset at which each output character ends."""
    out: list[str] = []
    ends: list[int] = []
    for i, ch in enumerate(head):
        # NFKC would turn ⑫ into 12 and lose that it is a sub-item
        piece = ch if "①" <= ch <= "⑳" else unicodedata.normalize("NFKC", ch)
        out.append(piece)
        ends.extend([i + 1] * len(piece))
    return "".join(out), ends


# characters a label can start with (after NFKC): digits, Chinese numerals, 第, brackets, ①
_STARTS = frozenset(
    "0123456789０１２３４５６７８９第(（﹙"
    + CN_DIGITS
    + "".join(map(chr, range(0x2460, 0x249C)))  # ①…⑳, ⑴…⒇, ⒈…⒛
)


@lru_cache(maxsize=8192)
def number(line: str) -> Label | None:
    """The label at the start of a line, or None (cached: the structure stage asks again
    for the same line as it tries each reading)."""
    if not line or (
        line[0] not in _STARTS and unicodedata.normalize("NFKC", line[0])[:1] not in _STARTS
    ):
        return None
    norm, ends = _normalize(line[:24])  # a label is never longer than this
    for level, pattern in _RUNGS:
        m = pattern.match(norm)
        if not m:
            continue
        cut = ends[m.end() - 1]
        rest = line[cut:].strip()
        if not rest:
            return None  # a bare number is not a heading
        value = m[1]
        if "①" <= value <= "⑳":
            value = str(ord(value) - ord("①") + 1)
        elif level == 3 and not value.isdigit():
            value = str(cn_to_int(value) or value)
        return Label(level, line[:cut].strip(), value, rest)
    return None


def int_to_cn(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (the inverse of cn_to_int below 100)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
