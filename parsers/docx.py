"""Word (.docx) notices: body paragraphs and tables in document order, as blocks.

Read from the XML python-docx loads, because the parts that carry a notice's structure are
not in python-docx's text API: Word numbering (the （一） and 1. a paragraph shows but does not
contain) and merged cells (`gridSpan`, `vMerge`, which python-docx repeats at every grid
position they cover). Running headers and footers live in their own parts and are not read.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import docx
import regex
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from parsers.blocks import Block, Cell, Document
from parsers.errors import InputError
from parsers.numbering import format_number
from schemas import Provenance

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

# A zip bomb inflates on read: refuse before python-docx unpacks anything. A real notice's
# document.xml is a few MB at most.
MAX_DOCUMENT_XML = 64 * 2**20
MAX_UNPACKED = 512 * 2**20  # all parts together (python-docx loads every part)

_SPACE = regex.compile(r"[ \t\r\n\u00a0\u3000]+")
_NO_BREAK_SPACE = regex.compile(r"[\u00a0\u3000]")


def parse(
    data: bytes,
    max_document_xml: int = MAX_DOCUMENT_XML,
    max_unpacked: int = MAX_UNPACKED,
    relabel: Callable[[str, str], str] | None = None,
) -> Document:
    """`relabel(label, text)` may replace the numbering label counted here by the one another
    renderer drew (the legacy path asks LibreOffice)."""
    _check_package(data, max_document_xml, max_unpacked)
    try:
        word = docx.Document(io.BytesIO(data))
    except etree.XMLSyntaxError as exc:
        if "entity" in str(exc).lower():  # libxml2 stopped an entity expansion
            raise InputError(
                "XML entities that expand without bound (a 'billion laughs' file), which "
                "Word never writes",
                "refused as unsafe; open and re-save it in Word/WPS if it is really a notice",
            ) from None
        raise InputError(
            "not a readable Word document: the file is truncated or corrupt",
            "download it again or open and re-save it in Word/WPS",
        ) from None
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, EOFError):
        raise InputError(
            "not a readable Word document: the file is truncated or corrupt",
            "download it again or open and re-save it in Word/WPS",
        ) from None
    except ValueError as exc:  # python-docx: a package whose main part is not a document
        raise InputError(f"not a Word document: {exc}") from None
    numbering = _Numbering(word)
    reader = _Reader(numbering, relabel)
    reader.body(word.element.body)
    return Document("docx", reader.blocks)


def _check_package(data: bytes, max_document_xml: int, max_unpacked: int) -> None:
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, EOFError):
        raise InputError(
            "not a readable Word document: the zip archive is truncated or corrupt",
            "download it again or open and re-save it in Word/WPS",
        ) from None
    main = next((i for i in infos if i.filename == "word/document.xml"), None)
    if main is None:
        raise InputError("a zip archive with no word/document.xml: not a Word document")
    if main.file_size > max_document_xml:
        raise InputError(
            f"word/document.xml unpacks to {main.file_size / 2**20:.0f} MiB, over the "
            f"{max_document_xml / 2**20:.0f} MiB limit (a zip bomb, or not a notice)"
        )
    total = sum(i.file_size for i in infos)
    if total > max_unpacked:
        raise InputError(
            f"the document unpacks to {total / 2**20:.0f} MiB, over the "
            f"{max_unpacked / 2**20:.0f} MiB limit (a zip bomb, or not a notice)"
        )


# --- Word numbering --------------------------------------------------------------------------


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


class _Numbering:
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
            link = _val(absn.find(f"{W}numStyleLink"))
            if link:
                self.style_links[aid] = link
            for lvl in absn.iterchildren(f"{W}lvl"):
                ilvl = _int(lvl.get(f"{W}ilvl"), 0)
                self.abstracts[aid][ilvl] = _level(lvl)
                style = _val(lvl.find(f"{W}pStyle"))
                if style:
                    self.style_levels[style] = (aid, ilvl)
        for num in root.iterchildren(f"{W}num"):
            inst = _Instance(_val(num.find(f"{W}abstractNumId")) or "")
            for override in num.iterchildren(f"{W}lvlOverride"):
                ilvl = _int(override.get(f"{W}ilvl"), 0)
                start = _val(override.find(f"{W}startOverride"))
                if start is not None:
                    inst.starts[ilvl] = _int(start, 1)
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
        style_id = _val(ppr.find(f"{W}pStyle")) if ppr is not None else None
        chain: list[etree._Element] = [ppr] if ppr is not None else []
        seen: set[str] = set()
        sid = style_id
        while sid and sid not in seen and sid in self.styles:
            seen.add(sid)
            style = self.styles[sid]
            spr = style.find(f"{W}pPr")
            if spr is not None:
                chain.append(spr)
            sid = _val(style.find(f"{W}basedOn"))
        for pr in chain:
            npr = pr.find(f"{W}numPr")
            if npr is None:
                continue
            if num_id is None:
                num_id = _val(npr.find(f"{W}numId"))
            if ilvl is None:
                lvl = _val(npr.find(f"{W}ilvl"))
                ilvl = _int(lvl, 0) if lvl is not None else None
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

        return regex.sub(r"%([1-9])", place, level.text)

    def _abstract(self, aid: str) -> str:
        """Follow numStyleLink: a list defined by a numbering style (Word's multilevel list
        styles) has its levels on the abstractNum that style's num points to."""
        for _ in range(5):
            link = self.style_links.get(aid)
            style = self.styles.get(link or "")
            npr = _find_path(style, "pPr", "numPr")
            num_id = _val(_find_path(npr, "numId"))
            if num_id is None or num_id not in self.instances:
                break
            aid = self.instances[num_id].abstract
        return aid

    @staticmethod
    def _level(inst: _Instance, levels: dict[int, _Level], ilvl: int) -> _Level:
        return inst.levels.get(ilvl) or levels.get(ilvl) or _Level()


def _level(lvl: etree._Element) -> _Level:
    restart = _val(lvl.find(f"{W}lvlRestart"))
    return _Level(
        start=_int(_val(lvl.find(f"{W}start")), 1),
        fmt=_val(lvl.find(f"{W}numFmt")) or "decimal",
        text=_val(lvl.find(f"{W}lvlText")) or "",
        restart=_int(restart, 0) if restart is not None else None,
    )


def _val(el: etree._Element | None) -> str | None:
    return el.get(f"{W}val") if el is not None else None


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


# --- the body --------------------------------------------------------------------------------


class _Reader:
    def __init__(self, numbering: _Numbering, relabel: Callable[[str, str], str] | None) -> None:
        self.numbering = numbering
        self.relabel = relabel
        self.blocks: list[Block] = []
        self.paragraphs = 0
        self.tables = 0

    def body(self, body: etree._Element) -> None:
        for el in _content(body):
            if el.tag == f"{W}p":
                index = self.paragraphs
                self.paragraphs += 1
                for line in self.paragraph_lines(el):
                    self.blocks.append(Block("paragraph", line, Provenance(paragraph=index)))
            elif el.tag == f"{W}tbl":
                self.table(el)

    def paragraph_lines(self, p: etree._Element) -> list[str]:
        """The paragraph as Word shows it, its numbering label included; a line break inside
        it splits it, since notices put several ladder items in one paragraph that way."""
        label, text = self.numbering.label(p), _runs_text(p)
        if label and self.relabel:
            label = self.relabel(label, text)
        # Word draws a tab or nothing after the label; keep "1." off a number that follows it
        # ("1. 5G基站…" and not "1.5G基站…", which reads as a decimal)
        sep = " " if label.endswith((".", "．")) and text[:1].isdigit() else ""
        text = label + sep + text
        lines = (_SPACE.sub(" ", line).strip() for line in text.split("\n"))
        return [line for line in lines if line]

    def cell_text(self, tc: etree._Element) -> str:
        lines: list[str] = []
        for el in _content(tc):
            if el.tag == f"{W}p":
                lines += self.paragraph_lines(el)
            elif el.tag == f"{W}tbl":  # a table inside a cell: read as its text
                lines += [self.cell_text(tc) for tr in _rows(el) for tc in _cells(tr)]
        return "\n".join(line for line in lines if line)

    def table(self, tbl: etree._Element) -> None:
        index = self.tables
        self.tables += 1
        above: dict[int, Cell] = {}  # grid column -> the cell that starts there, row above
        for r, tr in enumerate(_rows(tbl)):
            row: list[Cell] = []
            col = _int(_val(_find_path(tr, "trPr", "gridBefore")), 0)
            for tc in _cells(tr):
                tcpr = tc.find(f"{W}tcPr")
                span = max(1, _int(_val(_find_path(tcpr, "gridSpan")), 1))
                vmerge = tcpr.find(f"{W}vMerge") if tcpr is not None else None
                continued = vmerge is not None and (vmerge.get(f"{W}val") or "continue") == (
                    "continue"
                )
                origin = above.get(col) if continued else None
                if origin is not None:
                    cell = Cell(origin.text, origin=False, span=span, col=col)
                else:
                    cell = Cell(self.cell_text(tc), span=span, col=col)
                row.append(cell)
                # the next row continues from the cell that started the merge
                above[col] = origin if origin is not None else cell
                col += span
            if not any(c.text for c in row):
                continue
            prov = Provenance(table=index, row=r)
            self.blocks.append(Block("row", " | ".join(c.text for c in row), prov, row, index))


_WRAPPERS = (f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}smartTag")


def _children(parent: etree._Element, *tags: str) -> Iterator[etree._Element]:
    """Children with these tags, looking through content controls and custom XML."""
    for el in parent:
        if el.tag in tags:
            yield el
        elif el.tag in _WRAPPERS:
            yield from _children(el, *tags)


def _content(parent: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables under a body or cell, in order."""
    return _children(parent, f"{W}p", f"{W}tbl")


def _rows(tbl: etree._Element) -> Iterator[etree._Element]:
    return _children(tbl, f"{W}tr")


def _cells(tr: etree._Element) -> Iterator[etree._Element]:
    return _children(tr, f"{W}tc")


def _find_path(el: etree._Element | None, *names: str) -> etree._Element | None:
    for name in names:
        if el is None:
            return None
        el = el.find(f"{W}{name}")
    return el


def _runs_text(p: etree._Element) -> str:
    """Visible text of a paragraph: runs, tabs and line breaks; not deleted text, field codes,
    or the fallback copy of a drawing's text."""
    skip: set[etree._Element] = set()
    for fallback in p.iter(f"{MC}Fallback"):
        skip.update(fallback.iter())
    out: list[str] = []
    for el in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen"):
        if skip and el in skip:
            continue
        tag = el.tag
        if tag == f"{W}t":
            out.append(el.text or "")
        elif tag == f"{W}tab":
            parent = el.getparent()
            if parent is not None and parent.tag == f"{W}r":  # not a tab stop in w:tabs
                out.append(" ")
        elif tag == f"{W}br":
            if el.get(f"{W}type") in (None, "textWrapping"):
                out.append("\n")
        elif tag == f"{W}cr":
            out.append("\n")
        else:
            out.append("-")
    return _NO_BREAK_SPACE.sub(" ", "".join(out))
