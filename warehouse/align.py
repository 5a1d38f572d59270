"""Which task of last year's plan is which task of this year's: alignment by content.

Plans are reorganised every year (sections renamed and reordered, tasks reworded, dropped,
added, moved), so keys do not line up. A task is matched by what it says: the Dice
coefficient of the character-bigram sets of the two texts (no word segmentation; digits
count as one symbol so 2020年底前 and 2021年底前 read alike). Texts come in the form the
parsers give for comparing (a traditional-script text in simplified script:
Task.text_simplified, schemas/notice.py), so 加強 and 加强 read alike. The titles of the
sections around a task are a secondary signal that decides between near-equal candidates.
The pairing is one-to-one and optimal over the whole plan (the Hungarian method, scipy's
linear_sum_assignment), and a pair is kept only when its texts are similar enough.

Pure: no storage and no parsing here; warehouse/links.py reads tasks from and writes links
to the warehouse.

numpy, like scipy, loads where an alignment runs: the parser workers import this module for
TaskText alone (warehouse/rows.py), and import it before their first file.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import numpy as np

METHOD = "bigram-dice-v3"  # stored with each computed pair; a new method recomputes old pairs
MIN_SIMILARITY = 0.4  # text similarity below this is a different task
SECTION_WEIGHT = 0.1  # how much section context adds to the assignment score
Change = Literal["unchanged", "reworded"]

_DIGITS = re.compile(r"\d+")
_PAIR = 0x110000  # code points: a bigram (a, b) is a * _PAIR + b
_NOISE = re.compile(r"[\W_]+")  # punctuation and white space say nothing about the task
_TRAILING = "。；;.，,"


@dataclass(frozen=True)
class TaskText:
    """A task as the alignment reads it: its text and detail, and the titles of its section
    and subsection as context, each in the parsers' compared form (simplified script)."""

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
    """The text as compared for `unchanged`: NFKC, no white space, no final punctuation (in
    simplified script when the parsers gave that form)."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return text.rstrip(_TRAILING)


def _grams_text(text: str) -> str:
    return _NOISE.sub("", _DIGITS.sub("0", unicodedata.normalize("NFKC", text)))


def bigrams(text: str) -> set[str]:
    s = _grams_text(text)
    if len(s) < 2:
        return {s} if s else set()
    return {s[i : i + 2] for i in range(len(s) - 1)}


def dice(a: set[str], b: set[str]) -> float:
    total = len(a) + len(b)
    return 2 * len(a & b) / total if total else 0.0


def bigram_codes(text: str) -> np.ndarray:
    """bigrams(text) as sorted integers: a pair of code points (a, b) is a * 0x110000 + b, one
    code point alone is itself, so equal codes are equal bigrams and no vocabulary is kept."""
    import numpy as np

    s = _grams_text(text)
    points = np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    if len(points) < 2:
        return points
    return np.unique(points[:-1] * _PAIR + points[1:])


@dataclass(frozen=True)
class Grams:
    """The bigram codes of several texts, row i being codes[indptr[i]:indptr[i + 1]] (the
    layout of a sparse matrix's rows)."""

    codes: np.ndarray
    indptr: np.ndarray

    @classmethod
    def of(cls, texts: list[str]) -> Grams:
        """bigram_codes of every text at once: the texts' code points in one array, the
        pairs that do not cross from one text into the next, made unique per text by one
        sort of (text, code) keys (~0.2 ms for a plan's tasks, against ~2 ms text by text)."""
        import numpy as np

        grams = [_grams_text(t) for t in texts]
        n = len(grams)
        lengths = np.fromiter(map(len, grams), dtype=np.int64, count=n)
        starts = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        points = np.frombuffer("".join(grams).encode("utf-32-le"), dtype=np.uint32)
        points = points.astype(np.int64)
        row = np.repeat(np.arange(n, dtype=np.int64), lengths)
        inside = row[:-1] == row[1:]  # the pair (i, i + 1) is in one text
        alone = np.flatnonzero(lengths == 1)  # a one-character text is its one code
        rows = np.concatenate([row[:-1][inside], alone])
        codes = np.concatenate(
            [points[:-1][inside] * _PAIR + points[1:][inside], points[starts[alone]]]
        )
        keys = np.unique(rows * _PAIR * _PAIR + codes)
        rows, codes = np.divmod(keys, _PAIR * _PAIR)
        indptr = np.searchsorted(rows, np.arange(n + 1, dtype=np.int64))
        return cls(codes, indptr.astype(np.int64))

    @property
    def sizes(self) -> np.ndarray:
        import numpy as np

        return np.diff(self.indptr).astype(float)


def dice_matrix(a: Grams, b: Grams) -> np.ndarray:
    """Dice of every pair of rows at once: with each text as a 0/1 row over the bigrams the
    two sides use, the intersections are one sparse matrix product."""
    # scipy takes ~0.4 s to import: only a store or diff that aligns pays it, not every start
    import numpy as np
    from scipy import sparse  # type: ignore[import-untyped]

    vocab, cols = np.unique(np.concatenate([a.codes, b.codes]), return_inverse=True)
    width = max(len(vocab), 1)
    split = len(a.codes)
    x = sparse.csr_matrix((np.ones(split), cols[:split], a.indptr), shape=(len(a.sizes), width))
    y = sparse.csr_matrix(
        (np.ones(len(cols) - split), cols[split:], b.indptr), shape=(len(b.sizes), width)
    )
    inter = (x @ y.T).toarray()
    total = a.sizes[:, None] + b.sizes[None, :]
    out: np.ndarray = np.divide(2 * inter, total, out=np.zeros_like(inter), where=total > 0)
    return out


@dataclass(frozen=True)
class Prepared:
    """A plan's tasks as the alignment reads them, made once per notice and reused for each
    plan it is compared with (a notice is aligned with the year before and the year after)."""

    keys: list[str]
    normalised: list[str]
    text: Grams
    context: Grams

    @classmethod
    def of(cls, tasks: list[TaskText]) -> Prepared:
        return cls(
            [t.key for t in tasks],
            [normalise(t.text) for t in tasks],
            Grams.of([t.text for t in tasks]),
            Grams.of([t.context for t in tasks]),
        )


def align(
    before: list[TaskText] | Prepared,
    after: list[TaskText] | Prepared,
    *,
    min_similarity: float = MIN_SIMILARITY,
    section_weight: float = SECTION_WEIGHT,
) -> list[Link]:
    """The one-to-one links between the tasks of an earlier and a later plan, in the order of
    the earlier plan. A task with no link was dropped (earlier) or is new (later)."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment  # type: ignore[import-untyped]

    b = before if isinstance(before, Prepared) else Prepared.of(before)
    a = after if isinstance(after, Prepared) else Prepared.of(after)
    if not b.keys or not a.keys:
        return []
    text = dice_matrix(b.text, a.text)
    context = dice_matrix(b.context, a.context)
    eligible = text >= min_similarity
    # Ineligible pairs score nothing, so the assignment never trades a good pair for one that
    # would be thrown away.
    score = np.where(eligible, text + section_weight * context, 0.0)
    rows, cols = linear_sum_assignment(score, maximize=True)
    links = []
    for i, j in zip(rows, cols, strict=True):
        if not eligible[i, j]:
            continue
        same = b.normalised[i] == a.normalised[j]
        links.append(
            Link(
                b.keys[i],
                a.keys[j],
                round(float(text[i, j]), 4),
                "unchanged" if same else "reworded",
            )
        )
    return links  # rows come back in ascending order: the earlier plan's order
