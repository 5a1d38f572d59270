"""Traditional-script notices are parsed on a simplified copy (OpenCC t2s); their text is
stored as printed, and unit names are canonical in simplified script."""

from __future__ import annotations

import unicodedata
from functools import cache

import opencc


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return str(_t2s().convert(text))


def is_traditional(text: str) -> bool:
    """True when converting to simplified script changes more than 1% of the Han characters."""
    sample = text[:20_000]
    converted = to_simplified(sample)
    if converted == sample:
        return False
    if len(converted) != len(sample):
        return True
    han = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff") or 1
    changed = sum(1 for a, b in zip(sample, converted, strict=True) if a != b)
    return changed / han > 0.01


def simplified_form(text: str) -> str | None:
    """The text as years are compared (warehouse/align.py): NFKC, then simplified script;
    None when that is just its NFKC form (no traditional character), so the model and the
    warehouse carry a second copy only for traditional-script text."""
    folded = unicodedata.normalize("NFKC", text)
    simplified = to_simplified(folded)
    return simplified if simplified != folded else None
