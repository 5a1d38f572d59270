"""HTML notices: the page's flow text as paragraphs, its data tables as rows.

Layout tables (a table that holds other tables, or a single column) are read as flow text,
so that only the plan's own table becomes rows. Rowspan and colspan are expanded, so each
row sees every cell that covers it, with `origin=False` on the parts merged from above.
"""

from __future__ import annotations

from collections.abc import Iterator

import lxml.html
import regex
from lxml import etree

from parsers.blocks import Block, Cell, Document
from parsers.decode import declared_charset, read
from parsers.errors import InputError
from parsers.furniture import is_furniture
from parsers.limits import DEFAULT_LIMITS, Limits
from parsers.readers import Relabel
from schemas import Provenance

_DROP_TAGS = {
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "nav",
    "footer",
    "header",
    "aside",
    "select",
    "button",
    "form",
    "head",
    "svg",
    "object",
    "embed",
}
_FURNITURE_ATTR = regex.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|footer|foot|breadcrumbs?|crumbs?|position|location|share|"
    r"toolbar|copyright|topbar|header|fontsize|print)(?:$|[\s_-])",
    regex.I,
)
_BLOCK_TAGS = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "section",
    "article",
    "main",
    "body",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "dl",
    "center",
    "tr",
    "td",
    "th",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "caption",
    "hr",
    "address",
}
_SPACE = regex.compile(r"[ \t\r\n\u00a0\u3000]+")
_HIDING = regex.compile(r"(?:^|[;{\s])(?:display\s*:\s*none|visibility\s*:\s*hidden)\b", regex.I)
_CSS_COMMENT = regex.compile(r"/\*.*?\*/", regex.S)
_CSS_RULE = regex.compile(r"(?P<selectors>[^{}]+)\{(?P<body>[^{}]*)\}")
_SIMPLE_CLASS = regex.compile(r"[a-zA-Z][\w-]*?\.(?P<cls>[\w-]+)|\.(?P<cls>[\w-]+)")
_PARSER = lxml.html.HTMLParser(huge_tree=True)
MAX_SPAN = 100  # a rowspan/colspan beyond this is an error in the page, not a real merge


def parse(
    data: bytes, *, limits: Limits = DEFAULT_LIMITS, relabel: Relabel | None = None
) -> Document:
    """A web page's blocks: its text paragraphs and table rows, and what the page says about
    itself (`Document.page`) — the `Reader` contract, parsers/readers.py. Raises InputError
    for a page over `limits.max_text_bytes`, an empty or unparseable one; `relabel` is ignored
    (list labels are in the page's text)."""
    limits.check_text(len(data), "html")
    decoded = read(data, declared_charset(data))
    text = decoded.text
    # lxml refuses str input that still carries an XML encoding declaration
    text = regex.sub(r"^\s*<\?xml[^>]*>", "", text)
    if not text.strip():
        raise InputError("empty HTML page")
    try:
        # huge_tree: libxml2 otherwise drops, silently, whatever lies below 256 levels of
        # nesting (layout tables in layout tables) — and the plan with it
        root = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"not parseable as HTML: {exc}") from None
    tree = root.getroottree()
    page = _page_fields(root)
    _strip_hidden(root)
    _strip_furniture(root)
    reader = _Reader(tree)
    try:
        reader.flow(root)
    except RecursionError:
        raise InputError(
            "HTML nested too deeply to read (hundreds of elements inside each other)",
            "save the page's text, or the attachment, and ingest that",
        ) from None
    reader.flush()
    return Document("html", reader.blocks, decoded.warnings, page=page)


def _page_fields(root: lxml.html.HtmlElement) -> dict[str, str]:
    """The page's <title> and its <meta name=… content=…> fields, names lower-cased (for the
    metadata stage: ArticleTitle, PubDate, ContentSource…)."""
    out: dict[str, str] = {}
    title = root.find(".//title")
    if title is not None and title.text_content().strip():
        out["title"] = _SPACE.sub(" ", title.text_content()).strip()
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if name and content and name not in out:
            out[name] = _SPACE.sub(" ", content)
    return out


def _hidden_classes(root: lxml.html.HtmlElement) -> set[str]:
    """Classes a <style> block hides with a simple rule (.x { display: none }, also in a
    selector list or after an element name: span.x, .a, .b {visibility:hidden}); compound
    and contextual selectors are left alone (a browser would need the cascade)."""
    hidden: set[str] = set()
    for style in root.iter("style"):
        css = _CSS_COMMENT.sub("", style.text_content())
        for m in _CSS_RULE.finditer(css):
            if not _HIDING.search(m["body"]):
                continue
            for selector in m["selectors"].split(","):
                simple = _SIMPLE_CLASS.fullmatch(selector.strip())
                if simple:
                    hidden.add(simple["cls"])
    return hidden


def _strip_hidden(root: lxml.html.HtmlElement) -> None:
    """Drop what a browser would not show: an inline display:none or visibility:hidden, the
    hidden attribute, and a class hidden by a simple <style> rule (HTML Living Standard, "The
    hidden attribute"; CSS 2.1 §9.2.4 display:none, §11.2 visibility)."""
    classes = _hidden_classes(root)
    doomed = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body", "head"):
            continue
        style = el.get("style")
        if (
            el.get("hidden") is not None
            or (style and _HIDING.search(style))
            or (classes and classes & set((el.get("class") or "").split()))
        ):
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()


def _strip_furniture(root: lxml.html.HtmlElement) -> None:
    doomed = []
    for el in root.iter():
        if not isinstance(el.tag, str):  # comments and processing instructions
            doomed.append(el)
            continue
        attrs = " ".join(filter(None, (el.get("class"), el.get("id"))))
        if el.tag in _DROP_TAGS or (attrs and _FURNITURE_ATTR.search(attrs)):
            doomed.append(el)
    for el in doomed:
        el.drop_tree()


def _is_data_table(table: lxml.html.HtmlElement) -> bool:
    if table.find(".//table") is not None:
        return False
    rows = _rows(table)
    return len(rows) >= 2 and max((len(r) for r in rows), default=0) >= 2


def _rows(table: lxml.html.HtmlElement) -> list[list[lxml.html.HtmlElement]]:
    rows = []
    for tr in table.iter("tr"):
        rows.append([c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")])
    return rows


def _span(cell: lxml.html.HtmlElement, name: str) -> int:
    digits = regex.match(r"\s*(\d+)", cell.get(name) or "")
    return min(max(int(digits[1]), 1), MAX_SPAN) if digits else 1


class _Reader:
    def __init__(self, tree: etree._ElementTree) -> None:
        self.tree = tree
        self.blocks: list[Block] = []
        self.tables = 0
        self._line: list[str] = []
        self._line_el: lxml.html.HtmlElement | None = None
        self._pre = 0  # inside how many <pre>: there a newline ends a line, as <br> does

    # flow text ---------------------------------------------------------------------------
    def flow(self, el: lxml.html.HtmlElement) -> None:
        if el.tag == "table" and _is_data_table(el):
            self.flush()
            self.table(el)
            self._tail(el)
            return
        block = el.tag in _BLOCK_TAGS
        if block:
            self.flush()
        if el.tag == "br":
            self.flush()
        self._pre += el.tag == "pre"
        self._text(el.text, el)
        for child in el:
            self.flow(child)
        self._pre -= el.tag == "pre"
        if block:
            self.flush()
        self._tail(el)

    def _tail(self, el: lxml.html.HtmlElement) -> None:
        parent = el.getparent()
        if parent is not None:
            self._text(el.tail, parent)

    def _text(self, text: str | None, el: lxml.html.HtmlElement) -> None:
        if self._pre and text and "\n" in text:
            first, *rest = text.split("\n")
            self._text(first, el)
            for line in rest:
                self.flush()
                self._text(line, el)
            return
        if text and text.strip():
            if self._line_el is None:
                self._line_el = el
            self._line.append(text)

    def flush(self) -> None:
        text = _SPACE.sub(" ", "".join(self._line)).strip()
        if text and not is_furniture(text) and self._line_el is not None:
            path = self.tree.getpath(self._line_el)
            self.blocks.append(Block("paragraph", text, Provenance(element_path=path)))
        self._line, self._line_el = [], None

    # tables ------------------------------------------------------------------------------
    def table(self, table: lxml.html.HtmlElement) -> None:
        index = self.tables
        self.tables += 1
        pending: dict[int, tuple[Cell, int]] = {}  # grid column -> (cell, rows still covered)
        for tr, cells in zip(table.iter("tr"), _rows(table), strict=True):
            row: list[Cell] = []
            col = 0
            queue = list(cells)
            while queue or any(c >= col for c in pending):
                if col in pending:
                    above, left = pending[col]
                    row.append(Cell(above.text, origin=False, span=above.span, col=col))
                    if left > 1:
                        pending[col] = (above, left - 1)
                    else:
                        del pending[col]
                    col += above.span
                    continue
                if not queue:
                    col += 1
                    continue
                td = queue.pop(0)
                cell = Cell(_cell_text(td), span=_span(td, "colspan"), col=col)
                row.append(cell)
                down = _span(td, "rowspan")
                if down > 1:
                    pending[col] = (cell, down - 1)
                col += cell.span
            if not any(c.text for c in row):
                continue
            prov = Provenance(element_path=self.tree.getpath(tr), table=index)
            self.blocks.append(Block("row", " | ".join(c.text for c in row), prov, row, index))


def _cell_text(td: lxml.html.HtmlElement) -> str:
    """A cell's text with its paragraphs and <br>s kept as line breaks."""
    lines: list[str] = []
    current: list[str] = []

    def walk(el: lxml.html.HtmlElement) -> Iterator[None]:
        block = el.tag in _BLOCK_TAGS or el.tag == "br"
        if block:
            lines.append("".join(current))
            current.clear()
        if el.text:
            current.append(el.text)
        for child in el:
            yield from walk(child)
            if child.tail:
                current.append(child.tail)
        if block:
            lines.append("".join(current))
            current.clear()
        yield None

    for _ in walk(td):
        pass
    lines.append("".join(current))
    cleaned = (_SPACE.sub(" ", line).strip() for line in lines)
    return "\n".join(line for line in cleaned if line)
