"""A clause as the responsibility components read it, without spaCy.

The components of parsers/responsibility.py use a small part of spaCy's ``Doc``: the text,
character-offset spans with a label (``doc.char_span``, ``doc.spans[...]``), sentences
(``doc.sents``, from spaCy's ``sentencizer``) and two extension attributes (``span._.role``,
``doc._.requirements``). With one token per character, as fengong tokenizes Chinese, each of
these is plain string arithmetic, so parsing runs the same components on ``ClauseDoc``
instead and never imports spaCy (~0.45 s of every ``fengong parse``). The spaCy pipeline
(parsers/spacy_pipeline.py) is kept, with the same components, for use in spaCy; a test
checks that both read every sample clause alike.

    doc = ClauseDoc("区府办统筹协调，区政数局组织实施。")
    [(s.start_char, s.end_char) for s in doc.sents]   # [(0, 17)]
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence

# What ends a sentence (the sentencizer's punct_chars in parsers/spacy_pipeline.py).
SENTENCE_ENDS = ("。", "；", ";", "！", "？", "!", "?", "\n")


class Extensions:
    """The ``._`` namespace of a span or doc: the attributes fengong registers in spaCy."""

    __slots__ = ("requirements", "role")

    def __init__(self) -> None:
        self.role: str | None = None  # a unit span's role, set by the role tagger
        self.requirements = ""  # a doc's text after its roles


class ClauseSpan:
    """Characters [start_char, end_char) of a clause, with a label (UNIT, or a marker kind
    from parsers/lexicon.py) — the attributes of spaCy's ``Span`` the components read."""

    __slots__ = ("_", "doc", "end_char", "label_", "start_char")

    def __init__(self, doc: ClauseDoc, start_char: int, end_char: int, label: str = "") -> None:
        self.doc = doc
        self.start_char = start_char
        self.end_char = end_char
        self.label_ = label
        self._ = Extensions()

    @property
    def text(self) -> str:
        return self.doc.text[self.start_char : self.end_char]

    def __repr__(self) -> str:
        return f"ClauseSpan({self.text!r}, {self.label_!r}, {self.start_char}, {self.end_char})"


class ClauseDoc:
    """A clause's text with its span groups and sentences: the part of spaCy's ``Doc`` (one
    token per character) that the responsibility components use."""

    __slots__ = ("_", "spans", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: dict[str, list[ClauseSpan]] = {}
        self._ = Extensions()

    def char_span(
        self, start: int, end: int, label: str = "", alignment_mode: str = "strict"
    ) -> ClauseSpan:
        """Every character is a token, so every offset aligns (alignment_mode is moot)."""
        return ClauseSpan(self, start, end, label)

    @property
    def sents(self) -> Iterator[ClauseSpan]:
        for start, end in sentence_bounds(self.text):
            yield ClauseSpan(self, start, end)


def sentence_bounds(text: str, ends: Sequence[str] = SENTENCE_ENDS) -> list[tuple[int, int]]:
    """The sentences of a text tokenized one character a token, as spaCy's ``sentencizer``
    (spacy/pipeline/sentencizer.pyx, ``predict``) splits it: a sentence ends at a character of
    `ends` together with the punctuation right after it (。」 stays in one sentence), and the
    next starts at the first character that is neither (a space starts one)."""
    if not text:
        return []
    starts = [0]
    seen_end = False
    for i, ch in enumerate(text):
        is_end = ch in ends
        if seen_end and not is_end and not _is_punct(ch):
            starts.append(i)
            seen_end = False
        elif is_end:
            seen_end = True
    return list(zip(starts, [*starts[1:], len(text)], strict=True))


def _is_punct(ch: str) -> bool:
    """spaCy's ``is_punct`` lexical attribute (spacy/lang/lex_attrs.py): a P* category."""
    return unicodedata.category(ch).startswith("P")
