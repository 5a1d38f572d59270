"""The role lexicon (data/roles.json): marker words around unit names in a clause."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

import regex

from schemas.roles import ROLES

# Marker kinds that give the units before them a role: the roles of schemas.Role.
ROLE_KINDS: tuple[str, ...] = ROLES


@dataclass(frozen=True, slots=True)
class Marker:
    kind: str  # a ROLE_KINDS entry, or co_prefix / object / intro / tail / conj
    start: int
    end: int


class Lexicon:
    def __init__(self, data: dict[str, object]) -> None:
        words: dict[str, str] = {}
        for kind, entries in data.items():
            if kind.startswith("_") or kind == "labels" or not isinstance(entries, list):
                continue
            for word in entries:
                words.setdefault(str(word), kind)
        self.kinds = words
        alternation = "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))
        self._pattern = regex.compile(alternation)
        labels = data.get("labels", {})
        assert isinstance(labels, dict)
        self.labels: dict[str, str] = {w: k for k, ws in labels.items() for w in ws}
        label_words = "|".join(regex.escape(w) for w in sorted(self.labels, key=len, reverse=True))
        long_words = "|".join(
            regex.escape(w) for w in sorted(self.labels, key=len, reverse=True) if len(w) >= 3
        )
        # 牵头单位：X, and as pages also print it: 【牵头单位】X, 牵头单位  X (no colon)
        self._label = regex.compile(
            rf"\s*[【\[]?({label_words})\s*[:：]\s*"
            rf"|\s*[【\[]({label_words})[】\]]\s*[:：]?\s*"
            rf"|\s*({long_words})(?:\s+|\s*[:：]\s*)(?=\S)"
        )
        # object words of two or more characters never sit inside a unit name: a name
        # found across 报送 (…完成情况报送区政数局) starts after it
        roles = sorted((w for w, k in words.items() if k in ROLE_KINDS), key=len, reverse=True)
        self.role_words = regex.compile("|".join(regex.escape(w) for w in roles))
        # the words that make names a clause: role words, and 会/会同 between two names
        joins = [w for w, k in words.items() if k in (*ROLE_KINDS, "co_prefix")]
        self.clause_words = regex.compile(
            "|".join(regex.escape(w) for w in sorted(joins, key=len, reverse=True))
        )
        stops = [w for w, k in words.items() if k == "object" and len(w) > 1]
        self.inside_stop = regex.compile("|".join(regex.escape(w) for w in stops) or "(?!)")

    def marker_at(self, text: str, pos: int) -> Marker | None:
        m = self._pattern.match(text, pos)
        return Marker(self.kinds[m[0]], pos, m.end()) if m else None

    def label_at(self, text: str, pos: int) -> Marker | None:
        """A 牵头单位： style label at pos; its kind is label_<role> (label_none for 分管领导)."""
        m = self._label.match(text, pos)
        if m is None:
            return None
        group = next(g for g in (1, 2, 3) if m[g])
        return Marker(f"label_{self.labels[m[group]]}", m.start(group), m.end())


@cache
def default_lexicon() -> Lexicon:
    raw = resources.files("parsers").joinpath("data/roles.json").read_text(encoding="utf-8")
    return Lexicon(json.loads(raw))
