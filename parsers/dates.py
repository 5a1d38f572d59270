"""Dates in notices: sign dates (2020年9月22日, 二〇二〇年九月二十二日), page dates
(2020-09-24) and task deadlines (2020年底前, 6月底前)."""

from __future__ import annotations

import calendar
import datetime as dt
import unicodedata

import regex

from parsers.ladder import cn_to_int

_CN_YEAR_DIGITS = {
    "〇": "0",
    "○": "0",
    "零": "0",
    "Ｏ": "0",
    "O": "0",
    "一": "1",
    "二": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "七": "7",
    "八": "8",
    "九": "9",
}
_NUM = r"[0-9]{1,2}|[一二三四五六七八九十]{1,3}"
_YEAR = r"[0-9]{4}|[〇○零ＯO一二三四五六七八九]{4}"  # 二O一一: a Latin O for 〇 is common
DATE_CN = regex.compile(rf"({_YEAR})\s*年\s*({_NUM})\s*月\s*({_NUM})\s*日")
DATE_ISO = regex.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})")

# A deadline: (year)年(month)月底前 / (year)年底前 / (month)月底前 / 年底前 / …月…日前.
_WHEN = (
    r"(?:(?P<y>\d{4})\s*年\s*)?"
    r"(?:(?P<m>\d{1,2})\s*月\s*(?:(?P<d>\d{1,2})\s*日|底|末)?|(?P<ye>年?底|年末)|(?P<h>上半年|前三季度))"
)
# 前 or 完成 after the date: 6月底前, 6月底完成, 2021年底完成 (GOLD-GUIDE, "Deadlines without 前")
DEADLINE = regex.compile(_WHEN + r"\s*(?:(?:之)?前|完成)")
# In a 完成时限 column or line the whole cell is the deadline: 前 may be left out (2018年底).
_CELL_DEADLINE = regex.compile(_WHEN + r"\s*(?:(?:之)?前)?")


def _num(text: str) -> int | None:
    text = unicodedata.normalize("NFKC", text)
    return int(text) if text.isdigit() else cn_to_int(text)


def _year(text: str) -> int | None:
    text = "".join(_CN_YEAR_DIGITS.get(ch, ch) for ch in unicodedata.normalize("NFKC", text))
    return int(text) if text.isdigit() else None


def safe_date(year: int | None, month: int | None, day: int | None) -> dt.date | None:
    if year is None or month is None or day is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str) -> dt.date | None:
    """The first full date in text, Chinese or ISO style."""
    m = DATE_CN.search(text)
    if m:
        return safe_date(_year(m[1]), _num(m[2]), _num(m[3]))
    m = DATE_ISO.search(unicodedata.normalize("NFKC", text))
    if m:
        return safe_date(int(m[1]), int(m[2]), int(m[3]))
    return None


_COMPACT = regex.compile(r"((?:19|20)\d{2})(\d{3,4})")


def compact_date(text: str) -> dt.date | None:
    """A date a page printed without its 年/月/日 (2024327, 20240327), read only when exactly
    one split of the digits after the year into month and day is a real date (2024111 could
    be 1月11日 or 11月1日: None)."""
    m = _COMPACT.fullmatch(unicodedata.normalize("NFKC", text).strip())
    if m is None:
        return None
    year, rest = int(m[1]), m[2]
    found = set()
    for cut in (1, 2):
        month, day = rest[:cut], rest[cut:]
        if 1 <= len(day) <= 2 and (date := safe_date(year, int(month), int(day))):
            found.add(date)
    return found.pop() if len(found) == 1 else None


def deadline(
    text: str, plan_year: int | None, *, cell: bool = False
) -> tuple[dt.date | None, str | None]:
    """The deadline a task's text (or, with `cell`, its deadline cell) sets, with the phrase
    as printed."""
    norm = unicodedata.normalize("NFKC", text)
    m = DEADLINE.search(norm)
    if m is None and cell and not OPEN_ENDED.search(norm):  # 每年6月 is no date
        m = _CELL_DEADLINE.search(norm)
    if not m:
        return None, None
    year = int(m["y"]) if m["y"] else plan_year
    phrase = m[0]
    if year is None:
        return None, phrase
    if m["ye"]:
        return dt.date(year, 12, 31), phrase
    if m["h"]:
        return (dt.date(year, 6, 30) if m["h"] == "上半年" else dt.date(year, 9, 30)), phrase
    month = int(m["m"])
    if not 1 <= month <= 12:
        return None, phrase
    if m["d"]:
        return safe_date(year, month, int(m["d"])), phrase
    return dt.date(year, month, calendar.monthrange(year, month)[1]), phrase


# Open-ended 完成时限 entries: no date, but the text is kept.
OPEN_ENDED = regex.compile(
    r"(?:持续推进|长期坚持|长期推进|持续开展|持续|长期|常态化(?:推进|开展)?|"
    r"每季度|每半年|每月|每年|全年|按年度|定期)"
)
_DEADLINE_CELL = regex.compile(
    rf"(?:{DEADLINE.pattern}|{OPEN_ENDED.pattern}|\d{{4}}\s*年\s*(?:\d{{1,2}}\s*月)?)"
    r"\s*(?:完成)?\s*[。.；;]?"
)


def is_deadline_cell(text: str) -> bool:
    """A line that is only a deadline (2021年6月底前, 年底前, 持续推进): a 完成时限 cell."""
    norm = unicodedata.normalize("NFKC", text).strip()
    return len(norm) <= 20 and _DEADLINE_CELL.fullmatch(norm) is not None
