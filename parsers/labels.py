"""Metadata labels as government sites print them: 索引号 / 发布机构 / 成文日期 / 文号 / 发布日期 …
in a table, a definition list, label–value cells in any column order, or "label：value" lines.

This module reads one line or one table row into (field, value) pairs; `parsers/pagemeta.py`
decides which blocks form a metadata block and what fills the notice.

Labels are matched on the simplified-script text, with spaces allowed between their characters
(索 引 号, 文    号), with or without a colon. GOLD-GUIDE, "Metadata wherever the page prints
it": 发布机构 → issuer, 成文日期 → sign_date, 文号/发文字号 → doc_number, 发布日期/发布时间/时间
→ publish_date; 更新时间 is not a publish date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

# field → the label words that name it. The field names that fill the notice are title,
# issuer, sign_date, doc_number, publish_date and source; the others are recognised only so
# that their lines are known to be metadata.
LABELS: dict[str, tuple[str, ...]] = {
    "index": ("索引号", "信息索引号", "索取号", "文件索引号", "索引编号"),
    "category": (
        *("分类", "主题分类", "组配分类", "体裁分类", "信息分类", "文种分类", "服务对象分类"),
        *("所属分类", "内容分类", "信息类别", "所属主题", "文件类型"),
    ),
    "issuer": (
        *("发布机构", "发文机构", "发文机关", "发布单位", "发文单位", "制发机关", "发布部门"),
        *("成文机关", "制文机关", "所属机构", "发布机关"),
    ),
    "title": ("名称", "信息名称", "标题", "文件名称", "文章标题", "公文名称", "文件标题"),
    "sign_date": (
        *("成文日期", "发文日期", "生成日期", "产生日期", "签发日期", "成文时间"),
        *("发文时间", "印发日期"),
    ),
    "doc_number": ("文号", "发文字号", "文件编号", "发文文号", "文件字号", "文件文号", "发文号"),
    "publish_date": (
        *("发布日期", "发布时间", "公开日期", "公开时间", "发表日期", "发表时间"),
        *("发稿时间", "上传时间", "时间", "日期"),
    ),
    "updated": ("更新时间", "更新日期", "修改时间", "修改日期", "最后更新", "最后修改"),
    "keywords": ("主题词", "关键词", "关键字"),
    "validity": (
        *("有效性", "效力状态", "时效性", "时效", "是否有效", "有效期", "废止日期"),
        *("失效日期", "实施日期", "施行日期", "生效日期", "效力"),
    ),
    "disclosure": ("公开方式", "公开范围", "公开形式", "公开属性", "公开时限", "公开类型"),
    "summary": ("内容概述", "内容摘要", "摘要"),
    "source": ("来源", "信息来源", "文章来源", "稿件来源", "发布来源", "内容来源"),
    "counter": ("浏览次数", "阅读次数", "点击次数", "访问次数", "浏览量", "阅读量", "点击数"),
    "other": ("作者", "编辑", "责任编辑", "字号", "字体", "签发人", "语音播报", "分享"),
}
FIELD_OF = {word: field for field, words in LABELS.items() for word in words}
# Labels too common in prose or plans to mark a line as metadata on their own: a line made
# of them alone needs a value that fits (a date after 时间) or a strong label beside it.
WEAK = frozenset({"时间", "日期", "来源", "名称", "标题", "分类", "作者", "编辑", "字号", "字体"})
WEAK |= frozenset({"摘要", "效力", "分享"})


def _pattern(word: str) -> str:
    return r"\s*".join(regex.escape(ch) for ch in word)


# longest first, so that 发布日期 is one label and not 发布 + 日期
_WORDS = sorted(FIELD_OF, key=len, reverse=True)
_LABEL = "(?:" + "|".join(_pattern(w) for w in _WORDS) + ")"
_OPEN = r"[\[【（(<〈「]?"
_CLOSE = r"[\]】）)>〉」]?"
_COLON = r"\s*[:：]"
# a label with its colon, anywhere in a line (发布时间:2024-03-28 09:33信息来源: 芜湖市教育局)
_WITH_COLON = regex.compile(rf"{_OPEN}(?P<label>{_LABEL}){_CLOSE}{_COLON}")
# a label without a colon, between white space (索 引 号 MB1534522/2023-05475 发文日期 2023-01-03)
_BARE = regex.compile(rf"(?<![^\s•·●◆■◇□▪*>-])(?P<label>{_LABEL})(?=\s|$)")
_LEAD = regex.compile(r"^[\s•·●◆■◇□▪\-*>]+")
# the characters a label can start with (after an opening bracket): a line that starts with
# none of them is not a metadata line, found without running the label patterns
_FIRST = frozenset(w[0] for w in FIELD_OF)
_OPENERS = frozenset("[【（(<〈「")
_CELL_LABEL = regex.compile(rf"{_OPEN}(?P<label>{_LABEL}){_CLOSE}(?:{_COLON})?")
_SPACE = regex.compile(r"\s+")
_LEAD_CHARS = frozenset(" \t\u3000\xa0•·●◆■◇□▪-*>")


@dataclass(frozen=True, slots=True)
class Pair:
    """One label and the value printed after it ('' when the page leaves it empty)."""

    label: str  # the label word as the table above spells it (索引号, not 索 引 号)
    field: str
    value: str
    span: tuple[int, int] = (0, 0)  # where the value sits in the line read


def label_word(text: str) -> str | None:
    """The label word a cell or line consists of (索 引 号： → 索引号), or None."""
    m = _CELL_LABEL.fullmatch(text.strip())
    return _SPACE.sub("", m["label"]) if m else None


def read_line(text: str) -> list[Pair]:
    """The label–value pairs a line is made of, or [] when it is not a metadata line.

    A metadata line starts with a label; with colons (索引号：X 发布机构：Y) any number of
    pairs may follow, glued or spaced; without colons the line needs two labels at least, each
    between white space, so that prose that opens with a label word is not taken."""
    start = 0
    if text[:1] in _LEAD_CHARS:
        lead = _LEAD.match(text)
        start = lead.end() if lead else 0
    if start == len(text):
        return []
    first = text[start + 1 : start + 2] if text[start] in _OPENERS else text[start]
    if first not in _FIRST:
        return []
    pairs = _split(text, start, list(_WITH_COLON.finditer(text, start)))
    if pairs:
        return pairs
    bare = list(_BARE.finditer(text, start))
    if len(bare) >= 2:
        return _split(text, start, bare)
    return []


_VALUE_EDGE = " \t\u3000\xa0|｜;；,，"


def _split(line: str, start: int, found: Sequence[regex.Match[str]]) -> list[Pair]:
    if not found or found[0].start() != start:
        return []
    out = []
    for m, nxt in zip(found, [*found[1:], None], strict=True):
        a, b = m.end(), nxt.start() if nxt is not None else len(line)
        while a < b and line[a] in _VALUE_EDGE:
            a += 1
        while b > a and line[b - 1] in _VALUE_EDGE:
            b -= 1
        word = _SPACE.sub("", m["label"])
        out.append(Pair(word, FIELD_OF[word], line[a:b], (a, b)))
    return out


def read_cells(cells: Sequence[str]) -> list[Pair]:
    """The pairs of a table row whose cells are labels and values in any column order
    (索引号 | X | 分类 | Y, or 索引号：X | 分类：Y), or [] when the row is not metadata: its
    first non-empty cell must be a label, and every cell a label, a labelled value or the
    value after a label."""
    texts = [c.strip() for c in cells if c.strip()]
    out: list[Pair] = []
    pending: str | None = None
    for text in texts:
        word = label_word(text)
        if word is not None:
            if pending is not None:
                out.append(Pair(pending, FIELD_OF[pending], ""))
            pending = word
            continue
        inline = read_line(text)
        if inline:
            if pending is not None:
                out.append(Pair(pending, FIELD_OF[pending], ""))
                pending = None
            out.extend(inline)
            continue
        if pending is None:
            return []  # a value with no label before it: not a metadata row
        out.append(Pair(pending, FIELD_OF[pending], text))
        pending = None
    if pending is not None:
        out.append(Pair(pending, FIELD_OF[pending], ""))
    return out
