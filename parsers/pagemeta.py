"""What a site prints around a notice, set aside before the plan is looked for.

`set_aside(blocks, analysed, page)` takes the reader's blocks (and their simplified-script
copies) and returns them without the metadata blocks — a 索引号/发布机构/成文日期/文号/发布日期
table, definition list or label–value lines, before or after the article, and the page's
时间/来源 line — with a title or plan heading broken over lines joined into one paragraph and a
table whose first row is the plan's heading given that heading as a paragraph. The fields those
blocks and the page's <head> (`page`: <title>, <meta name="ArticleTitle"/"PubDate"/
"ContentSource">) carry come back in `PageFields`, for `metadata.read_meta` to fill what the
body does not give.

GOLD-GUIDE, "Metadata wherever the page prints it": a metadata table is recognised by its labels
and is never the plan; 发文字号：无 → null; 更新时间 alone is not a publish date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import regex

from parsers import docnumbers, titles
from parsers.blocks import Block
from parsers.dates import parse_date
from parsers.labels import WEAK, Pair, read_cells, read_line
from parsers.ladder import number
from schemas import NoticeWarning

_ISSUER = regex.compile(
    r"(?:人民政府|政府|办公室|办公厅|委员会|领导小组|小组|局|委|厅|办|部|中心|院|署|处|科|所)$"
)
_NOT_ISSUER = regex.compile(r"网站|门户|网$|平台|频道|栏目|新闻|客户端|公众号")
_INDEX_VALUE = regex.compile(r"[\w\-/.]{4,60}", regex.ASCII)
_DATE_START = regex.compile(r"^\s*(?:\d{4}\s*[-/.年]|[〇○零一二三四五六七八九]{4}\s*年)")
# a page's own time stamp, alone, before its source, or glued to labels (2015-11-10
# 01:51:51信息来源:浏览次数:)
_STAMP = regex.compile(
    r"^(?P<date>\d{4}-\d{1,2}-\d{1,2})\s*\d{1,2}:\d{2}(?::\d{2})?\s*(?P<rest>.*)$"
)
_OPENING_YEAR = regex.compile(r"^\s*((?:19|20)\d{2})\s*年\s*[，,]")
_SITE_SPLIT = regex.compile(r"\s*(?:_|\||｜|\s[-—–]+\s)\s*")
_DISCLOSURE = regex.compile(r"公开|社会|不予|部分|全文|长期|短期")
_VALIDITY = regex.compile(r"有效|失效|废止|现行|修订|作废|\d{4}")
# the <meta> names of a page's <head> that carry metadata (lower-cased by the HTML reader)
PAGE_TITLE = ("articletitle", "title")
PAGE_DATE = ("pubdate", "publishdate", "firstpublishedtime", "publish_date", "dc.date")
PAGE_SOURCE = ("contentsource",)


@dataclass
class PageFields:
    """The fields a page prints outside the notice's body; None where it prints none."""

    title: str | None = None  # 名称/标题 in a metadata block, as printed
    page_title: str | None = None  # <meta name="ArticleTitle">, else <title> without the site
    issuer: str | None = None  # 发布机构 when it names an office (not a website)
    sign_date: dt.date | None = None  # 成文日期 / 发文日期
    doc_number: str | None = None  # 文号 / 发文字号, as printed without white space
    no_doc_number: bool = False  # the block says there is none (发文字号：无)
    publish_date: dt.date | None = None  # 发布日期 / 发布时间 / 时间 / PubDate
    source: str | None = None  # 来源 / ContentSource: who posted it, not who signed it
    target_year: int | None = None  # 2020年，… opening the plan's 主要目标 (the plan's year)


@dataclass
class PageMeta:
    """`set_aside`'s answer: the blocks left for the notice, and what was set aside."""

    blocks: list[Block]
    analysed: list[str]
    fields: PageFields = field(default_factory=PageFields)
    warnings: list[NoticeWarning] = field(default_factory=list)
    set_aside: list[int] = field(default_factory=list)  # indexes into the reader's blocks


def is_issuer(value: str) -> bool:
    """Whether a 发布机构 value names an office (鹤山市交通运输局), not a website (县政府网站)."""
    text = titles.norm(value)
    return 2 <= len(text) <= 40 and bool(_ISSUER.search(text)) and not _NOT_ISSUER.search(text)


def _is_metadata(pairs: Sequence[Pair]) -> bool:
    if not pairs:
        return False
    if any(p.label not in WEAK for p in pairs) or len(pairs) >= 2:
        return True
    (pair,) = pairs
    if pair.field == "publish_date":
        return bool(_DATE_START.match(pair.value)) and parse_date(pair.value) is not None
    if pair.field == "source":
        value = titles.norm(pair.value)
        return 0 < len(value) <= 30 and not regex.search(r"[。；;，,]", value)
    return False


def _fits(pair: Pair, value: str) -> bool:
    """Whether the line after a label printed alone (a definition list) is that label's
    value. Only values of a shape that can be checked are taken: a title or a summary on the
    next line may be the notice's own heading."""
    text = value.strip()
    if not text or read_line(text):
        return False
    if pair.field == "index":
        return bool(_INDEX_VALUE.fullmatch(text)) and any(ch.isdigit() for ch in text)
    if pair.field in ("sign_date", "publish_date", "updated"):
        return bool(_DATE_START.match(text)) and parse_date(text) is not None
    if pair.field == "doc_number":
        return docnumbers.read(text)[0] is not None
    if pair.field == "issuer":
        return is_issuer(text)
    if pair.field == "disclosure":
        return len(text) <= 10 and bool(_DISCLOSURE.search(text))
    if pair.field == "validity":
        return len(text) <= 12 and bool(_VALIDITY.search(text))
    return False


def _printed(pair: Pair, analysed: str, printed: str) -> str:
    """The value as printed (traditional script stays traditional) where the simplified copy
    lines up with it character for character."""
    a, b = pair.span
    if len(analysed) == len(printed) and (a, b) != (0, 0):
        return printed[a:b]
    return pair.value


def set_aside(
    blocks: Sequence[Block], analysed: Sequence[str], page: Mapping[str, str] | None = None
) -> PageMeta:
    """The blocks without metadata, broken titles joined, and the fields set aside."""
    found: list[tuple[Pair, str]] = []  # (pair, value as printed)
    aside: set[int] = set()
    rows = {
        i: read_cells(_cell_texts(b, analysed[i])) for i, b in enumerate(blocks) if b.kind == "row"
    }
    # a table with one metadata row holds more: there a lone 名称 | X row is metadata too
    tables = {blocks[i].table for i, pairs in rows.items() if _is_metadata(pairs)}
    i = 0
    while i < len(blocks):
        block, text = blocks[i], analysed[i]
        if block.kind == "row":
            pairs = rows[i]
            if pairs and block.table in tables:
                aside.add(i)
                printed_cells = [c.text.strip() for c in block.cells if c.text.strip()]
                found.extend(_row_values(pairs, _cell_texts(block, text), printed_cells))
            i += 1
            continue
        pairs = read_line(text)
        if _is_metadata(pairs):
            aside.add(i)
            found.extend((p, _printed(p, text, block.text)) for p in pairs)
            last = pairs[-1]
            nxt = i + 1
            if (
                not last.value
                and nxt < len(blocks)
                and blocks[nxt].kind == "paragraph"
                and _fits(last, analysed[nxt])
            ):  # a definition list: the label on one line, its value on the next
                aside.add(nxt)
                found.append((replace(last, value=analysed[nxt].strip()), blocks[nxt].text))
                i += 1
        elif text[:4].isdigit() and (m := _STAMP.match(text.strip())) and _stamp_rest(m["rest"]):
            aside.add(i)  # the page's own time stamp line: 2023-01-05 10:00 区人民政府办公室
            found.append((Pair("时间", "publish_date", m["date"]), m["date"]))
            found.extend((p, p.value) for p in read_line(m["rest"]))
        i += 1
    _neighbours(blocks, analysed, aside, found)
    fields, warnings = _fields(found, page or {})
    fields.target_year = _target_year(blocks, analysed)
    kept = [j for j in range(len(blocks)) if j not in aside]
    out_blocks, out_analysed = _join_lines([blocks[j] for j in kept], [analysed[j] for j in kept])
    return PageMeta(out_blocks, out_analysed, fields, warnings, sorted(aside))


def _stamp_rest(rest: str) -> bool:
    """What may follow a page's time stamp on its line: nothing, labels (信息来源:…), or a short
    source name (区人民政府办公室) — not a sentence."""
    text = rest.strip()
    return (
        not text
        or bool(read_line(text))
        or (len(text) <= 40 and not regex.search(r"[。；;，,：:]", text))
    )


def _target_year(blocks: Sequence[Block], analysed: Sequence[str]) -> int | None:
    """The year a plan's goal paragraph opens with, right under its 目标 heading (一、主要目标 /
    2020年，全市…): the year the plan is for, when nothing else names it."""
    for i, block in enumerate(blocks[:-1]):
        label = number(analysed[i])
        if block.kind != "paragraph" or label is None or label.level > 2:
            continue
        if "目标" in analysed[i][:16] and (m := _OPENING_YEAR.match(analysed[i + 1])):
            return int(m[1])
    return None


def _neighbours(
    blocks: Sequence[Block], analysed: Sequence[str], aside: set[int], found: list[tuple[Pair, str]]
) -> None:
    """Label lines next to a metadata block belong to it, weak labels too (名 称：X between
    发布机构 and 分类 lines)."""
    changed = True
    while changed:
        changed = False
        for i, block in enumerate(blocks):
            if i in aside or block.kind != "paragraph" or not ({i - 1, i + 1} & aside):
                continue
            pairs = read_line(analysed[i])
            if pairs:
                aside.add(i)
                found.extend((p, _printed(p, analysed[i], block.text)) for p in pairs)
                changed = True


def _cell_texts(block: Block, analysed: str) -> list[str]:
    parts = analysed.split(" | ")
    if len(parts) == len(block.cells):
        return parts
    return [c.text for c in block.cells]


def _row_values(pairs: list[Pair], cells: list[str], printed: list[str]) -> list[tuple[Pair, str]]:
    """Each pair of a metadata row with its value as printed: the cell holding exactly that
    value, where the simplified and printed cells line up."""
    simple = [c.strip() for c in cells if c.strip()]
    out = []
    for pair in pairs:
        value = pair.value
        if len(simple) == len(printed) and value in simple:
            value = printed[simple.index(value)]
        out.append((pair, value))
    return out


def _fields(
    found: list[tuple[Pair, str]], page: Mapping[str, str]
) -> tuple[PageFields, list[NoticeWarning]]:
    out = PageFields()
    warnings: list[NoticeWarning] = []
    # a strong label (发布日期) wins over a weak one (时间) wherever it is printed
    ordered = sorted(found, key=lambda f: f[0].label in WEAK)
    for pair, printed in ordered:
        value = pair.value.strip()
        if not value and pair.field != "doc_number":
            continue
        if pair.field == "title" and out.title is None and len(value) <= 150:
            out.title = titles.tidy(printed)
        elif pair.field == "issuer" and out.issuer is None and is_issuer(value):
            out.issuer = titles.tidy(value)
        elif pair.field == "sign_date" and out.sign_date is None:
            out.sign_date = parse_date(value)
        elif pair.field == "publish_date" and out.publish_date is None:
            out.publish_date = parse_date(value) if _DATE_START.match(value) else None
        elif pair.field == "source" and out.source is None:
            out.source = titles.tidy(value)
        elif pair.field == "doc_number" and out.doc_number is None:
            number, read = docnumbers.read(printed)
            if number:
                out.doc_number = number
            elif read:
                out.no_doc_number = True
            else:
                warnings.append(
                    NoticeWarning(
                        kind="structure",
                        message=f"{pair.label} {printed!r} is not a doc number; left null",
                    )
                )
    _page_head(out, page)
    return out, warnings


def _page_head(out: PageFields, page: Mapping[str, str]) -> None:
    """The fields of the page's <head>: a title without the site's name, the PubDate."""
    for name in PAGE_TITLE:
        raw = page.get(name, "").strip()
        candidate = site_title(raw) if name == "title" else titles.tidy(raw) or None
        if candidate:
            out.page_title = candidate
            break
    if out.publish_date is None:
        for name in PAGE_DATE:
            if page.get(name) and (date := parse_date(page[name])):
                out.publish_date = date
                break
    if out.source is None:
        for name in PAGE_SOURCE:
            if page.get(name, "").strip():
                out.source = titles.tidy(page[name])
                break


def site_title(raw: str) -> str | None:
    """A <title> without the site's and column's names (标题_栏目_站点, 标题 - 站点): the piece
    that is a notice title (…关于…的通知), else the piece that is a plan heading; None when no
    piece is either — a site name is never taken for a title."""
    pieces = [p.strip() for p in _SITE_SPLIT.split(raw) if p.strip()]
    notices = [p for p in pieces if titles.TITLE.search(titles.norm(p))]
    if notices:
        return titles.tidy(max(notices, key=len))
    plans = [p for p in pieces if titles.is_plan_title(p)]
    return titles.tidy(plans[0]) if plans else None


def _join_lines(blocks: list[Block], analysed: list[str]) -> tuple[list[Block], list[str]]:
    """Join a title and a plan heading the page broke over lines; give a table whose first
    row is the plan's heading (one cell across the table) that heading as a paragraph."""
    paragraphs = [i for i, b in enumerate(blocks) if b.kind == "paragraph"]
    texts = [analysed[i] for i in paragraphs]
    spans = []
    title = titles.title_span(texts)
    if title is not None:
        spans.append(title)
    spans += [s for s in titles.heading_spans(texts) if title is None or s[0] > title[1]]
    joined: dict[int, tuple[int, int]] = {
        paragraphs[a]: (paragraphs[a], paragraphs[b]) for a, b in spans
    }
    out_b: list[Block] = []
    out_a: list[str] = []
    skip_to = -1
    seen_tables: set[int | None] = set()
    for i, block in enumerate(blocks):
        if i <= skip_to:
            continue
        if i in joined:
            a, b = joined[i]
            printed = "".join(blocks[j].text.strip() for j in range(a, b + 1))
            simple = "".join(analysed[j].strip() for j in range(a, b + 1))
            out_b.append(replace(block, text=printed))
            out_a.append(simple)
            skip_to = b
            continue
        if block.kind == "row" and block.table not in seen_tables:
            seen_tables.add(block.table)
            cells = [c for c in block.cells if c.text.strip() and c.origin]
            if len(cells) == 1 and titles.is_plan_title(analysed[i].strip(" |")):
                text = cells[0].text.strip()
                out_b.append(Block("paragraph", text, block.provenance))
                out_a.append(analysed[i].strip(" |"))
                continue
        out_b.append(block)
        out_a.append(analysed[i])
    return out_b, out_a
