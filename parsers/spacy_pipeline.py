"""fengong's clause components as a spaCy pipeline (imports spaCy: ~0.45 s).

Parsing does not need it: parsers/responsibility.py runs the same components on
parsers/clause_doc.ClauseDoc. This is for using them inside spaCy, and for the test that
both read clauses alike:

    nlp = build_nlp()
    doc = nlp("区府办统筹协调，区政数局组织实施。")
    [(s.text, s._.role) for s in doc.spans["units"]]  # [("区府办", "coordinator"), …]
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from parsers.clause_doc import SENTENCE_ENDS
from parsers.lexicon import default_lexicon
from parsers.responsibility import RoleTagger, UnitFinder
from parsers.units import load_registry

if not Doc.has_extension("requirements"):
    Doc.set_extension("requirements", default="")
if not Span.has_extension("role"):
    Span.set_extension("role", default=None)


@Language.factory("fengong_units", default_config={"extra_registries": []})
def make_unit_finder(nlp: Language, name: str, extra_registries: list[str]) -> UnitFinder:
    return UnitFinder(load_registry(Path(p) for p in extra_registries), default_lexicon())


@Language.factory("fengong_roles")
def make_role_tagger(nlp: Language, name: str) -> RoleTagger:
    return RoleTagger()


class CharTokenizer:
    """One token per character, white space included: what spacy.blank("zh")'s "char"
    segmenter gives, with the same character offsets, at a fraction of its cost (it aligns
    its words back onto the text one by one)."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        return Doc(self.vocab, words=list(text), spaces=[False] * len(text))


@cache
def build_nlp(extra_registries: tuple[str, ...] = ()) -> Language:
    nlp = spacy.blank("zh")
    nlp.tokenizer = CharTokenizer(nlp.vocab)
    nlp.add_pipe("sentencizer", config={"punct_chars": list(SENTENCE_ENDS)})
    nlp.add_pipe("fengong_units", config={"extra_registries": list(extra_registries)})
    nlp.add_pipe("fengong_roles")
    return nlp
