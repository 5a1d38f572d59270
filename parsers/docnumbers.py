"""Document numbers (文号) as real pages print them: 番府办〔2021〕35号, 许政 [2020] 20号,
驻政 【2021】 3号, 粤府（2022）5号, 廈思政辦〔2017〕25號 — an issuer's abbreviation, the year in
brackets of any kind, the serial number and 号 (號).

A doc number is kept as printed with its white space removed (许政[2020]20号). A string without
the bracketed year or the 号 (云府2021150, garbled by a scrape) is not one: GOLD-GUIDE, "Metadata
wherever the page prints it" — a wrong non-null field is worse than null.
"""

from __future__ import annotations

import unicodedata

import regex

OPEN = "〔［[【（(﹝〖"
CLOSE = "〕］]】）)﹞〗"
_YEAR_IN = rf"[{regex.escape(OPEN)}]\s*(?P<year>(?:19|20)\d{{2}})\s*[{regex.escape(CLOSE)}]"
DOC_NUMBER = regex.compile(rf"(\p{{Han}}{{1,14}}\s*{_YEAR_IN}\s*第?\s*\d{{1,5}}\s*[号號])")
# a year in brackets, which every doc number holds: a cheap test before DOC_NUMBER's search,
# which tries fourteen characters back from every Han character of a line
YEAR_IN = regex.compile(_YEAR_IN)
# what a metadata block prints when a notice has no number
_NONE = regex.compile(r"^(?:无|無|暂无|/|-|—|空|null|none)?$", regex.I)


def clean(number: str) -> str:
    """The number as printed without its white space: 许政 [2020] 20号 → 许政[2020]20号."""
    return "".join(number.split())


def read(value: str) -> tuple[str | None, bool]:
    """A metadata block's 文号 value → (the doc number, whether the value was read).

    (None, True) when the block says there is none (无, empty, /); (None, False) when the value
    is there but is no doc number (a garbled 云府2021150, a category such as 金政发)."""
    text = value.strip()
    if _NONE.fullmatch(text):
        return None, True
    m = DOC_NUMBER.fullmatch(text)
    if m is None:
        m = DOC_NUMBER.fullmatch(unicodedata.normalize("NFKC", text))
    return (clean(text), True) if m else (None, False)


def year(number: str | None) -> int | None:
    """The year a doc number carries in its brackets: 宛政〔2022〕6号 → 2022."""
    if not number:
        return None
    m = DOC_NUMBER.search(number) or DOC_NUMBER.search(unicodedata.normalize("NFKC", number))
    return int(m["year"]) if m else None
