"""Which task of last year's plan is which task of this year's: alignment by content.

Plans are reorganised every year (sections renamed and reordered, tasks reworded, dropped,
added, moved), so keys do not line up. A task is matched by what it says: the Dice
coefficient of the character-bigram sets of the two texts (no word segmentation; digits
count as one symbol so 2020年底前 and 2021年底前 read alike; traditional script is read as
simplified). The titles of the sections around a task are a secondary signal that decides
between near-equal candidates. The pairing
is one-to-one and optimal over the whole plan (the Hungarian method, scipy's
linear_sum_assignment), and a pair is kept only when its texts are similar enough.

Pure: no storage here; warehouse/links.py reads tasks from and writes links to the warehouse.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np
import opencc

METHOD = "bigram-dice-v3"  # stored with each computed pair; a new method recomputes old pairs
MIN_SIMILARITY = 0.4  # text similarity below this is a different task
SECTION_WEIGHT = 0.1  # how much section context adds to the assignment score
Change = Literal["unchanged", "reworded"]

_DIGITS = re.compile(r"\d+")
_NOISE = re.compile(r"[\W_]+")  # punctuation and white space say nothing about the task
_TRAILING = "。；;.，,"


@dataclass(frozen=True)
class TaskText:
    key: str
    text: str
    context: str = ""  # the titles of the task's section and subsection


@dataclass(frozen=True)
class Link:
    from_key: str
    to_key: str
    similarity: float  # text similarity, 0..1
    change: Change


def normalise(text: str) -> str:
    """The text as compared for `unchanged`: NFKC, simplified script, no white space, no final
    punctuation."""
    text = re.sub(r"\s+", "", to_simplified(unicodedata.normalize("NFKC", text)))
    return text.rstrip(_TRAILING)


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return str(_t2s().convert(text))


def bigrams(text: str) -> set[str]:
    # simplified script, so a traditional-script page matches a simplified one
    s = _NOISE.sub("", _DIGITS.sub("0", to_simplified(unicodedata.normalize("NFKC", text))))
    if len(s) < 2:
        return {s} if s else set()
    return {s[i : i + 2] for i in range(len(s) - 1)}


def dice(a: set[str], b: set[str]) -> float:
    total = len(a) + len(b)
    return 2 * len(a & b) / total if total else 0.0


def similarity_matrix(before: list[str], after: list[str]) -> np.ndarray:
    """Dice of every pair at once: with each text as a 0/1 row over the bigram vocabulary,
    the intersections are one sparse matrix product."""
    # scipy takes ~0.4 s to import: only a store or diff that aligns pays it, not every start
    from scipy import sparse  # type: ignore[import-untyped]

    grams = [bigrams(t) for t in [*before, *after]]
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, g in enumerate(grams):
        for gram in g:
            rows.append(i)
            cols.append(vocab.setdefault(gram, len(vocab)))
    m = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(grams), max(len(vocab), 1))
    )
    x, y = m[: len(before)], m[len(before) :]
    inter = np.asarray((x @ y.T).todense(), dtype=float).reshape(len(before), len(after))
    sizes = np.array([len(g) for g in grams], dtype=float)
    total = sizes[: len(before), None] + sizes[None, len(before) :]
    out: np.ndarray = np.divide(2 * inter, total, out=np.zeros_like(inter), where=total > 0)
    return out


def align(
    before: list[TaskText],
    after: list[TaskText],
    *,
    min_similarity: float = MIN_SIMILARITY,
    section_weight: float = SECTION_WEIGHT,
) -> list[Link]:
    """The one-to-one links between the tasks of an earlier and a later plan, in the order of
    the earlier plan. A task with no link was dropped (earlier) or is new (later)."""
    from scipy.optimize import linear_sum_assignment  # type: ignore[import-untyped]

    if not before or not after:
        return []
    text = similarity_matrix([t.text for t in before], [t.text for t in after])
    context = similarity_matrix([t.context for t in before], [t.context for t in after])
    eligible = text >= min_similarity
    # Ineligible pairs score nothing, so the assignment never trades a good pair for one that
    # would be thrown away.
    score = np.where(eligible, text + section_weight * context, 0.0)
    rows, cols = linear_sum_assignment(score, maximize=True)
    links = []
    for i, j in zip(rows, cols, strict=True):
        if not eligible[i, j]:
            continue
        same = normalise(before[i].text) == normalise(after[j].text)
        links.append(
            Link(
                before[i].key,
                after[j].key,
                round(float(text[i, j]), 4),
                "unchanged" if same else "reworded",
            )
        )
    return links  # rows come back in ascending order: the earlier plan's order
