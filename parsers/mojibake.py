"""Mojibake of the kinds Chinese pages carry, found in decoded text and repaired where
re-decoding gives clean Chinese; what cannot be repaired is left as printed and named by line.

- **UTF-8 read as GBK** (南沙区 printed 鍗楁矙鍖): a site decoded UTF-8 bytes as GBK and saved
  the result. Each garbled character is a GBK pair of UTF-8 bytes, so the run, encoded back to
  GB18030, is valid UTF-8 again — which text that is no mojibake practically never is.
- **GBK read one byte off** (a byte lost or added before a run): each garbled character pairs
  one character's second byte with the next one's first, so the run stays in GB2312's code
  space but is full of rare characters, kana, Greek, box drawing and private-use points;
  encoded back and read from its second byte it is the text again (the characters cut at the
  edges are lost).

"Clean Chinese" is measured by GB2312's 3,755 level-1 characters, which make up about 94 % of
the Han characters of a notice and about 11 % of UTF-8-as-GBK mojibake (measured on the seed).
Candidates are found by one pass that marks the common characters (`str.translate`), so clean
text costs well under a millisecond; traditional-script text makes candidates, but never
re-decodes, so it is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# GB2312 level 1, the 3,755 common characters: rows B0–D7 (D7FA–D7FE are unassigned)
COMMON = frozenset(
    b"".join(bytes([hi, lo]) for hi in range(0xB0, 0xD8) for lo in range(0xA1, 0xFF))
    .decode("gb2312", errors="replace")
    .replace("\ufffd", "")
)
# what a notice is made of besides ASCII: level-1 characters, CJK punctuation, full-width forms
_PLAIN = "".join(
    [
        *COMMON,
        *map(chr, range(0x3000, 0x3040)),
        *map(chr, range(0xFF01, 0xFF5F)),
        "\u2014\u2018\u2019\u201c\u201d\u2026\u00b7\u00a0\u2002\u2003\u2002\u00d7",
    ]
)
_PLAIN_SET = frozenset(_PLAIN)
_MARK = str.maketrans(dict.fromkeys(_PLAIN, "a"))  # common → "a", the rest stays itself
# four uncommon characters at least, a lone common one between them allowed
_UNCOMMON_RUN = re.compile(r"(?:[^\x00-\x7f]a?){4,}")
_RUN = re.compile(r"[^\x00-\x7f]+")
# what GBK read one byte off yields beside rare characters: private-use points (rows AA–AF,
# F8–FE) and GB2312's kana, Greek, Cyrillic, pinyin, bopomofo and box-drawing rows (A4–A9)
_ODD = re.compile(
    "[\ue000-\uf8ff\u3041-\u3093\u30a1-\u30f6\u0391-\u03c9\u0401-\u0451\u3105-\u3129\u2500-\u254b]"
)
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_PRIVATE = re.compile("[\ue000-\uf8ff]")
TRIM = 2  # genuine characters a garbled run may have taken in at either edge


@dataclass(frozen=True, slots=True)
class Fix:
    """One garbled run: its line (from 1), its kind, and its repair (None: left as printed)."""

    line: int
    kind: str  # "UTF-8 read as GBK" or "GBK read one byte off"
    garbled: str
    repaired: str | None


def common_share(text: str) -> float:
    """The share of text's Han characters that are GB2312 level-1 (1.0 when it has none)."""
    han = _HAN.findall(text)
    return sum(ch in COMMON for ch in han) / len(han) if han else 1.0


def _chinese(fixed: str, lost: int) -> bool:
    han = len(_HAN.findall(fixed))
    return (
        han >= 2
        and han * 2 >= len(fixed) - lost
        and not _PRIVATE.search(fixed)
        and lost * 5 <= len(fixed)
    )


def _as_utf8(run: str) -> tuple[str, str | None] | None:
    """(the part of run that is UTF-8 read as GBK, its repair or None), or None when no part
    is: encoded back, its bytes must be mostly valid UTF-8. The run may have taken in up to
    TRIM genuine characters at either edge (a 。 after the garbled text is a GBK pair of UTF-8
    bytes too): the cut that loses the fewest characters wins."""
    best: tuple[int, int, str, str] | None = None  # lost, trimmed, part, fixed
    heads = _plain_edge(run, TRIM)
    tails = _plain_edge(run[::-1], TRIM)
    for head in range(heads + 1):
        for tail in range(tails + 1):
            part = run[head : len(run) - tail]
            if len(part) < 3:
                continue
            try:  # a U+FFFD stands for a byte the garbling lost: it is left out
                data = part.replace("\ufffd", "").encode("gb18030")
            except UnicodeEncodeError:
                continue
            fixed = data.decode("utf-8", errors="replace")
            lost = fixed.count("\ufffd")
            han = len(_HAN.findall(fixed))
            if (
                han >= 2
                and lost * 2 <= len(fixed)
                and (best is None or (lost, head + tail) < best[:2])
            ):
                best = (lost, head + tail, part, fixed)
    if best is None:
        return None
    lost, _, part, fixed = best
    return part, (fixed if _chinese(fixed, lost) else None)


def _plain_edge(run: str, most: int) -> int:
    """How many of run's first characters (at most `most`) are common ones — genuine text
    the garbled run may have taken in; garbled characters are mostly uncommon."""
    n = 0
    while n < most and n < len(run) and run[n] in _PLAIN_SET:
        n += 1
    return n


def _shifted(run: str) -> str | None:
    try:
        data = run.encode("gb18030")
    except UnicodeEncodeError:
        return None
    fixed = data[1:].decode("gb18030", errors="replace")
    clean = common_share(fixed) >= 0.85 and _chinese(fixed, fixed.count("\ufffd"))
    return fixed if clean else None


def _gb2312_shaped(run: str) -> bool:
    """Whether nearly every character of run lies in GB2312's code space (both bytes ≥ 0xA1),
    as the pairs of GBK read off by one do; traditional characters mostly do not."""
    inside = 0
    for ch in run:
        try:
            b = ch.encode("gb18030")
        except UnicodeEncodeError:
            continue
        inside += len(b) == 2 and b[0] >= 0xA1 and b[1] >= 0xA1
    return inside >= 0.9 * len(run)


def repair(text: str) -> tuple[str, list[Fix]]:
    """The text with its garbled runs repaired where that gives clean Chinese, and every
    garbled run found (repaired or not), with its line."""
    marked = text.translate(_MARK)
    found: list[tuple[int, int, str, str | None]] = []  # start, end, kind, repair
    for m in _UNCOMMON_RUN.finditer(marked):
        run = _RUN.search(text, text.rfind("\n", 0, m.start()) + 1)
        while run is not None and run.end() <= m.start():
            run = _RUN.search(text, run.end())
        if run is None or (found and run.start() < found[-1][1]):
            continue
        got = _as_utf8(run[0])
        if got is not None:
            part, fixed = got
            start = run.start() + run[0].index(part)
            found.append((start, start + len(part), "UTF-8 read as GBK", fixed))
    tried: set[int] = set()
    for m in _ODD.finditer(text):
        if any(a <= m.start() < b for a, b, _, _ in found):
            continue
        run = _RUN.search(text, text.rfind("\n", 0, m.start()) + 1)
        while run is not None and run.end() <= m.start():
            run = _RUN.search(text, run.end())
        if run is None or run.start() in tried:
            continue
        tried.add(run.start())
        body = run[0].rstrip("\ufffd")
        if len(body) >= 4 and common_share(body) < 0.6 and _gb2312_shaped(body):
            found.append((run.start(), run.end(), "GBK read one byte off", _shifted(body)))
    if not found:
        return text, []
    found.sort()
    fixes = []
    out = []
    at = 0
    for start, end, kind, fixed in found:
        fixes.append(Fix(text.count("\n", 0, start) + 1, kind, text[start:end], fixed))
        out.append(text[at:start])
        out.append(text[start:end] if fixed is None else fixed)
        at = end
    out.append(text[at:])
    return "".join(out), fixes
