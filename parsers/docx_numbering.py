"""Word numbering (numbering.xml): the label Word draws before a list paragraph, counted as Word
counts it, and the small XML helpers the DOCX reader shares.

The label — （一）, 1. — is not in the paragraph's text: Word draws it from `w:numPr` on the
paragraph or up its style chain, with the list's `lvlText` (（%1）), `numFmt` (chineseCounting,
decimal…), `start`, `lvlRestart` and the `lvlOverride`/`startOverride` of the list instance
(ECMA-376 Part 1, 17.9). `Numbering.label(p)` is called once per paragraph in body order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import docx
import regex
from lxml import etree

from parsers.numbering import format_number

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(slots=True)
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None  # w:lvlRestart: restart after this (1-based) level; 0 = never


@dataclass(slots=True)
class _Instance:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)  # lvlOverride/startOverride
    levels: dict[int, _Level] = field(default_factory=dict)  # lvlOverride/lvl


class Numbering:
    """numbering.xml and the styles that point into it; counts as Word does, in body order.

    Counters belong to the abstract list, so two w:num of one abstractNum continue each other;
    a w:num with a startOverride restarts its levels the first time it is used.
    """

    def __init__(self, word: docx.document.Document) -> None:
        self.abstracts: dict[str, dict[int, _Level]] = {}
        self.instances: dict[str, _Instance] = {}
        self.style_levels: dict[str, tuple[str, int]] = {}  # pStyle named in a lvl
        self.style_links: dict[str, str] = {}  # abstractNum -> the numbering style it uses
        self.counters: dict[str, dict[int, int]] = {}
        self.used: set[str] = set()
        self.styles: dict[str, etree._Element] = {}
        self._load_numbering(word)
        self._load_styles(word)

    def _load_numbering(self, word: docx.document.Document) -> None:
        try:
            root = word.part.numbering_part.element
        except (NotImplementedError, KeyError):
            return  # no numbering part: nothing is numbered
        for absn in root.iterchildren(f"{W}abstractNum"):
            aid = absn.get(f"{W}abstractNumId", "")
            self.abstracts[aid] = {}
            link = val(absn.find(f"{W}numStyleLink"))
            if link:
                self.style_links[aid] = link
            for lvl in absn.iterchildren(f"{W}lvl"):
                ilvl = int_or(lvl.get(f"{W}ilvl"), 0)
                self.abstracts[aid][ilvl] = _level(lvl)
                style = val(lvl.find(f"{W}pStyle"))
                if style:
                    self.style_levels[style] = (aid, ilvl)
        for num in root.iterchildren(f"{W}num"):
            inst = _Instance(val(num.find(f"{W}abstractNumId")) or "")
            for override in num.iterchildren(f"{W}lvlOverride"):
                ilvl = int_or(override.get(f"{W}ilvl"), 0)
                start = val(override.find(f"{W}startOverride"))
                if start is not None:
                    inst.starts[ilvl] = int_or(start, 1)
                lvl = override.find(f"{W}lvl")
                if lvl is not None:
                    inst.levels[ilvl] = _level(lvl)
            self.instances[num.get(f"{W}numId", "")] = inst

    def _load_styles(self, word: docx.document.Document) -> None:
        try:
            root = word.part.styles.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        for style in root.iterchildren(f"{W}style"):
            sid = style.get(f"{W}styleId")
            if sid:
                self.styles[sid] = style

    def _num_pr(self, p: etree._Element) -> tuple[str | None, int | None, str | None]:
        """numId and ilvl from the paragraph, else up its style chain; and the style."""
        num_id: str | None = None
        ilvl: int | None = None
        ppr = p.find(f"{W}pPr")
        style_id = val(ppr.find(f"{W}pStyle")) if ppr is not None else None
        chain: list[etree._Element] = [ppr] if ppr is not None else []
        seen: set[str] = set()
        sid = style_id
        while sid and sid not in seen and sid in self.styles:
            seen.add(sid)
            style = self.styles[sid]
            spr = style.find(f"{W}pPr")
            if spr is not None:
                chain.append(spr)
            sid = val(style.find(f"{W}basedOn"))
        for pr in chain:
            npr = pr.find(f"{W}numPr")
            if npr is None:
                continue
            if num_id is None:
                num_id = val(npr.find(f"{W}numId"))
            if ilvl is None:
                lvl = val(npr.find(f"{W}ilvl"))
                ilvl = int_or(lvl, 0) if lvl is not None else None
            if num_id is not None and ilvl is not None:
                break
        return num_id, ilvl, style_id

    def label(self, p: etree._Element) -> str:
        """The label Word draws before the paragraph, counted; "" for none or a bullet."""
        num_id, ilvl, style_id = self._num_pr(p)
        if not num_id or num_id == "0" or num_id not in self.instances:
            return ""
        inst = self.instances[num_id]
        abstract = self._abstract(inst.abstract)
        levels = self.abstracts.get(abstract, {})
        if ilvl is None:
            linked = self.style_levels.get(style_id or "")
            ilvl = linked[1] if linked and linked[0] == abstract else 0
        counters = self.counters.setdefault(abstract, {})
        if num_id not in self.used:
            self.used.add(num_id)
            for lv, start in inst.starts.items():
                counters[lv] = start - 1
        level = self._level(inst, levels, ilvl)
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for shallower in range(ilvl):
            # a list that starts below its top level counts the levels above as used once:
            # after 1. and 2. at level 2, the first item at level 1 is （二）, as Word and
            # LibreOffice draw it
            counters.setdefault(shallower, self._level(inst, levels, shallower).start)
        for deeper in [lv for lv in counters if lv > ilvl]:
            restart = self._level(inst, levels, deeper).restart
            if restart is None or (restart and restart - 1 >= ilvl):
                del counters[deeper]
        if level.fmt in ("bullet", "none") or not level.text:
            return ""

        def place(m: regex.Match[str]) -> str:
            lv = int(m[1]) - 1
            lvl = self._level(inst, levels, lv)
            value = counters.get(lv, lvl.start)
            return format_number(value, lvl.fmt)

        return str(regex.sub(r"%([1-9])", place, level.text))

    def _abstract(self, aid: str) -> str:
        """Follow numStyleLink: a list defined by a numbering style (Word's multilevel list
        styles) has its levels on the abstractNum that style's num points to."""
        for _ in range(5):
            link = self.style_links.get(aid)
            style = self.styles.get(link or "")
            npr = find_path(style, "pPr", "numPr")
            num_id = val(find_path(npr, "numId"))
            if num_id is None or num_id not in self.instances:
                break
            aid = self.instances[num_id].abstract
        return aid

    @staticmethod
    def _level(inst: _Instance, levels: dict[int, _Level], ilvl: int) -> _Level:
        return inst.levels.get(ilvl) or levels.get(ilvl) or _Level()


def _level(lvl: etree._Element) -> _Level:
    restart = val(lvl.find(f"{W}lvlRestart"))
    return _Level(
        start=int_or(val(lvl.find(f"{W}start")), 1),
        fmt=val(lvl.find(f"{W}numFmt")) or "decimal",
        text=val(lvl.find(f"{W}lvlText")) or "",
        restart=int_or(restart, 0) if restart is not None else None,
    )


def val(el: etree._Element | None) -> str | None:
    """The w:val attribute of `el`, None when `el` is missing."""
    return el.get(f"{W}val") if el is not None else None


def int_or(text: str | None, default: int) -> int:
    """`text` as an integer, `default` when it is missing or not a number."""
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def find_path(el: etree._Element | None, *names: str) -> etree._Element | None:
    """The element at w:names[0]/w:names[1]/… under `el`, or None."""
    for name in names:
        if el is None:
            return None
        el = el.find(f"{W}{name}")
    return el
