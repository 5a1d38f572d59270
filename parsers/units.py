"""The unit registry: what a Chinese unit name looks like, and its canonical form.

A unit is found at a position in a clause when a name ending in a unit suffix (…局, …委员会,
…镇街, …单位) is followed by a boundary: punctuation, the end, or a role-lexicon word. The
registry (data/units.json, plus the user's files) adds known names, aliases, renames and
well-known abbreviations (区政数局 → 区政务服务数据管理局).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import regex

from parsers.lexicon import Lexicon
from schemas.errors import FengongError

OPEN, CLOSE = "(（", ")）"
_PUNCT = regex.compile(r"[\p{P}\p{Sm}\p{Z}\s]")  # = + are never in a name
_PLATE = regex.compile(r"^(.+?)[(（]([^()（）]+)[)）]$")
_COLLECTIVE = regex.compile(r"^(?:\p{Han}{0,4}?各|各|\p{Han}{0,3}有关|\p{Han}{0,3}相关)")
MAX_NAME = 40
_MODAL = regex.compile(r"要|应|须|将|可|需|并")
_GENERIC = frozenset({"单位", "部门", "机构", "组织", "企业", "事业单位", "企事业单位", "部门单位"})
# a bare party committee before a government is one joint name: 市委市政府督查室
_JOINT = regex.compile(r"[省市区县镇乡]委$")


@dataclass
class Registry:
    levels: list[str]
    suffixes: list[str]
    abbreviations: dict[str, str]
    aliases: dict[str, str] = field(default_factory=dict)  # alias or old name -> name
    known: set[str] = field(default_factory=set)
    name_words: list[str] = field(default_factory=list)  # a name runs through these
    # the user's units (name -> aliases and former names), for the registry listing
    entries: dict[str, list[str]] = field(default_factory=dict)
    _suffixes: tuple[str, ...] = field(default=(), repr=False)  # suffixes, for endswith

    @classmethod
    def from_data(cls, datas: Iterable[dict[str, object]]) -> Registry:
        reg = cls([], [], {})
        for data in datas:
            reg.levels += [str(x) for x in data.get("levels", [])]  # type: ignore[attr-defined]
            reg.suffixes += [str(x) for x in data.get("suffixes", [])]  # type: ignore[attr-defined]
            reg.abbreviations.update(data.get("abbreviations", {}))  # type: ignore[call-overload]
            reg.name_words += [str(x) for x in data.get("name_words", [])]  # type: ignore[attr-defined]
            for unit in data.get("units", []):  # type: ignore[attr-defined]
                name = unit["name"]
                reg.known.add(name)
                listed = reg.entries.setdefault(name, [])
                for alias in [*unit.get("aliases", []), *unit.get("former_names", [])]:
                    reg.aliases[alias] = name
                    reg.known.add(alias)
                    if alias not in listed:
                        listed.append(alias)
        reg.levels.sort(key=len, reverse=True)
        reg._suffixes = tuple(reg.suffixes)
        return reg

    # finding -----------------------------------------------------------------------------
    def unit_at(self, text: str, pos: int, lexicon: Lexicon, depth: int = 0) -> int | None:
        """Where a unit name starting at pos ends, or None when none starts there."""
        if pos >= len(text) or _PUNCT.match(text, pos):
            return None
        i = pos
        limit = min(len(text), pos + MAX_NAME)
        weak: int | None = None  # where a name could end before a word such as 全面
        while i < limit:
            ch = text[i]
            if ch in OPEN:
                close = _closing(text, i)
                if close is None:
                    return None
                head = text[pos:i]
                if i > pos and self._ends_unit(head):
                    # a second plate (区委组织部（区公务员局）) or a collective's own
                    # parentheses (各镇（街道）) belong to the name; a remark such as
                    # （代章） or （牵头） does not
                    inner = text[i + 1 : close - 1]
                    if (self._ends_unit(inner) or self.is_collective(head)) and self._boundary(
                        text, close, lexicon, depth
                    ):
                        return close
                    return i
                if i > pos and self.places(head) and self._boundary(text, close, lexicon, depth):
                    return close  # 各县（市、区）, a collective of places
                i = close  # parentheses inside a name: 各县（市、区）人民政府
                continue
            if _PUNCT.match(ch) or (text.startswith(("“", "”", "《"), i)):
                return weak
            i += 1
            if i < len(text) and text[i] in OPEN:
                continue  # decided when the loop reaches the parenthesis
            name = text[pos:i]
            # a name ending in a level word (各乡) is not one of two printed together
            together = not name.endswith(tuple(self.levels))
            if (self._ends_unit(name) or self.places(name)) and self._boundary(
                text, i, lexicon, depth, together=together
            ):
                if lexicon.inside_stop.search(text, pos, i):
                    return weak
                strong = not self._weak(text, i, lexicon)
                if weak is not None and not self._longer_name(text, weak, i, strong):
                    return weak
                if strong:
                    return i
                # 区委 before 全面…: an adverb may also run on inside a longer name
                # (区委全面深化改革委员会办公室); the longer name wins when there is one
                weak = weak or i
        return weak

    def _ends_unit(self, name: str) -> bool:
        if len(name) < 2:
            return False
        return name in self.known or name.endswith(self._suffixes or tuple(self.suffixes))

    def places(self, name: str) -> bool:
        """A collective of places, which no unit suffix ends: 各设区市, 各区县, 各乡镇."""
        return len(name) >= 2 and name.startswith("各") and name.endswith(tuple(self.levels))

    def _inside_word(self, text: str, i: int) -> bool:
        """Does a name word (社会, 应急…) start at i or run across it?"""
        for word in self.name_words:
            for back in range(len(word)):
                if text.startswith(word, i - back) and i - back >= 0:
                    return True
        return False

    def _boundary(
        self, text: str, i: int, lexicon: Lexicon, depth: int, *, together: bool = True
    ) -> bool:
        """Can a name end at i: punctuation, a role word, or (`together`) another name that
        starts with a level word (区审计局|区统计局)?"""
        if i >= len(text) or _PUNCT.match(text, i) or text[i] in OPEN:
            return True
        if self._inside_word(text, i):
            return False
        if (
            together
            and depth < 2
            and not _JOINT.match(text, max(0, i - 2), i)
            and text.startswith(tuple(self.levels), i)
            and self.unit_at(text, i, lexicon, depth + 1) is not None
        ):
            return True  # two names printed together: 区审计局区统计局 (GOLD-GUIDE)
        marker = lexicon.marker_at(text, i)
        if marker is None:
            return False
        if (
            marker.kind == "co_prefix"
            and marker.end - marker.start > 1
            and (marker.end >= len(text) or _PUNCT.match(text, marker.end))
        ):
            return True  # …局会办。: the role word ends the clause
        if marker.kind == "co_prefix" and text[i - 1] == "委" and text[i : i + 2] != "会同":
            return False  # 区安委会各成员单位, 管委会: 会 after 委 belongs to the name
        if marker.kind in ("conj", "co_prefix"):
            # 区司法局和区财政局: 和 separates two units; 区住房和城乡建设局 is one
            return depth < 2 and self.unit_at(text, marker.end, lexicon, depth + 1) is not None
        return True

    def _longer_name(self, text: str, weak: int, end: int, strong: bool) -> bool:
        """Does a name run on past where it could have ended (区委|全面深化改革委员会办公室,
        市委|依法治市办牵头)? Into an institution's long suffix (委员会, 办公室, 领导小组…) or
        up to a role word or punctuation, and never over a modal verb (县工业和信息化局|要加
        强跟踪督办 is a name and a sentence)."""
        long_suffix = any(len(s) >= 3 and text.endswith(s, 0, end) for s in self._suffixes)
        return (long_suffix or strong) and not _MODAL.search(text, weak, end)

    @staticmethod
    def _weak(text: str, i: int, lexicon: Lexicon) -> bool:
        """Does a name end at i only before an adverb (全面, 进一步…), not before punctuation
        or a role word?"""
        if i >= len(text) or _PUNCT.match(text, i) or text[i] in OPEN:
            return False
        marker = lexicon.marker_at(text, i)
        return marker is not None and marker.kind == "boundary"

    # naming ------------------------------------------------------------------------------
    @staticmethod
    def generic(name: str) -> bool:
        """A name that is a kind of unit and nothing more (单位, 部门): it cannot stand on its
        own, so after 、 it belongs to the collective before it (市直有关部门、单位)."""
        return name in _GENERIC

    def is_collective(self, name: str) -> bool:
        return bool(_COLLECTIVE.match(name))

    def split_plate(self, raw: str) -> tuple[str, str | None]:
        """区委组织部(区公务员局) → (区委组织部, 区公务员局); 各镇（街道） stays whole."""
        m = _PLATE.match(raw)
        if not m or self.is_collective(raw) or not self._ends_unit(m[2]):
            return raw, None
        return m[1], m[2]

    def canonical(self, name: str, defined: dict[str, str] | None = None) -> str:
        """The full name for an abbreviation the document defines or the registry knows,
        then the current name for a renamed unit (renames may chain)."""
        full = self._expand(name, defined or {})
        for _ in range(5):
            if full not in self.aliases or self.aliases[full] == full:
                break
            full = self.aliases[full]
        return full

    def _expand(self, name: str, defined: dict[str, str]) -> str:
        for table in (defined, self.aliases):
            if name in table:
                return table[name]
        for level in ("", *self.levels):
            if name.startswith(level) and name[len(level) :] in self.abbreviations:
                return level + self.abbreviations[name[len(level) :]]
        return name


def _closing(text: str, i: int) -> int | None:
    depth = 0
    for j in range(i, min(len(text), i + MAX_NAME)):
        if text[j] in OPEN:
            depth += 1
        elif text[j] in CLOSE:
            depth -= 1
            if depth == 0:
                return j + 1
    return None


def expand_abbreviations(names: Iterable[str], registry: Registry) -> dict[str, str]:
    """Short names that abbreviate a longer name of the same document (区政数局 ← 区政务服务数据
    管理局): same level prefix, same last character, characters in order. Ambiguous ones stay."""
    names = sorted(set(names), key=len)
    out: dict[str, str] = {}
    known_full = set(registry.abbreviations.values())
    for short in names:
        level = next((lv for lv in registry.levels if short.startswith(lv)), "")
        if registry.is_collective(short) or short[len(level) :] in known_full:
            continue  # 区政府办公室 is a full name, not short for 区政府应急管理办公室
        hits = [
            long
            for long in names
            if len(long) > len(short)
            and long.startswith(level)
            and _last(long) == _last(short)
            and not registry.is_collective(long)
            and _subsequence(short[len(level) :], long[len(level) :])
            and short[len(level)] == long[len(level)]
        ]
        if len(hits) == 1:
            out[short] = hits[0]
    return out


@dataclass(frozen=True)
class FullForms:
    """The names of a notice's clauses that expand_abbreviations may expand (not
    collectives, not a registry full form after their level prefix), ready to test whether a
    text could print the full form of one: same level prefix and next character, characters
    in order, same last character (_last), longer. Built by full_forms()."""

    # (level + next character, the name after its level, its _last, its length) per name
    shapes: tuple[tuple[str, str, str, int], ...]

    def may_print(self, text: str) -> bool:
        """Could `text` print such a full form? A name runs up to punctuation outside
        brackets, as in unit_at, so a text for which this is False holds none: finding its
        units is skipped (it costs ~40% of a parse when every paragraph is searched)."""
        for key, rest, last, length in self.shapes:
            p = text.find(key)
            while p >= 0:
                depth, matched = 0, 1  # how much of `rest` is matched, in order
                for j in range(p + len(key), len(text)):
                    ch = text[j]
                    if ch in OPEN:
                        depth += 1
                    elif ch in CLOSE:
                        depth = max(0, depth - 1)
                    elif depth == 0 and _PUNCT.match(ch):
                        break
                    if matched < len(rest) and ch == rest[matched]:
                        matched += 1
                    if matched == len(rest) and j + 1 - p > length:
                        ends = _last(text[p : j + 1]) if ch in _LAST_CHARS_CUT else ch
                        if ends == last:
                            return True
                p = text.find(key, p + 1)
        return False


def full_forms(names: Iterable[str], registry: Registry) -> FullForms:
    """FullForms of a notice's clause names (the shorts expand_abbreviations may expand)."""
    full = set(registry.abbreviations.values())
    shapes = []
    for short in dict.fromkeys(names):
        level = next((lv for lv in registry.levels if short.startswith(lv)), "")
        rest = short[len(level) :]
        if rest and not registry.is_collective(short) and rest not in full:
            shapes.append((short[: len(level) + 1], rest, _last(short), len(short)))
    return FullForms(tuple(shapes))


_LAST_ENDINGS = (("委员会", "委"), ("办公室", "办"))
# the last characters of the names _last cuts (a name ending otherwise keeps its own)
_LAST_CHARS_CUT = frozenset(ending[-1] for ending, _ in _LAST_ENDINGS)


def _last(name: str) -> str:
    """The last character a short form keeps of a name: 委员会 and 办公室 are cut to 委, 办
    (市发改委 ← 市发展和改革委员会, 市委依法治市办 ← 市委全面依法治市委员会办公室)."""
    for ending, short in _LAST_ENDINGS:
        if name.endswith(ending):
            return short
    return name[-1]


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


class UnitFileError(FengongError, ValueError):
    """A user's unit file cannot be used; the message names the file and what is wrong."""


def read_unit_file(path: str | Path) -> dict[str, object]:
    """A unit file in the shape of data/units.json, checked: {"units": [{"name": …,
    "aliases": [...], "former_names": [...]}], "abbreviations": {short: full}, …}."""
    shape = "see parsers/data/units.json for the shape"
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UnitFileError(f"{path}: cannot read the unit file: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UnitFileError(f"{path}: not a UTF-8 JSON unit file ({exc}); {shape}") from None
    except RecursionError:
        raise UnitFileError(f"{path}: JSON nested too deeply for a unit file; {shape}") from None
    if not isinstance(data, dict):
        raise UnitFileError(f"{path}: a unit file is a JSON object; {shape}")
    if not _strings(data.get("units", []), of=dict):
        raise UnitFileError(f"{path}: units is a list of objects; {shape}")
    for i, unit in enumerate(data.get("units", [])):
        lists = [unit.get("aliases", []), unit.get("former_names", [])]
        names = [unit.get("name"), *lists[0], *lists[1]] if all(map(_strings, lists)) else [None]
        if not all(isinstance(n, str) and n.strip() for n in names):
            raise UnitFileError(
                f"{path}: units[{i}] needs a name and lists of aliases / former_names "
                f"(strings); {shape}"
            )
    for key in ("levels", "suffixes", "name_words"):
        if not _strings(data.get(key, [])):
            raise UnitFileError(f"{path}: {key} is a list of strings; {shape}")
    abbreviations = data.get("abbreviations", {})
    if not isinstance(abbreviations, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in abbreviations.items()
    ):
        raise UnitFileError(f"{path}: abbreviations maps a short name to a full one; {shape}")
    return data


def _strings(value: object, of: type = str) -> bool:
    """A JSON list whose items are all of one type (a string is not a list of letters)."""
    return isinstance(value, list) and all(isinstance(x, of) for x in value)


def load_registry(extra: Iterable[Path | str] = ()) -> Registry:
    return _load(tuple(str(p) for p in extra))


@cache
def _load(extra: tuple[str, ...]) -> Registry:
    raw = resources.files("parsers").joinpath("data/units.json").read_text(encoding="utf-8")
    return Registry.from_data([json.loads(raw), *(read_unit_file(p) for p in extra)])
