"""Notice metadata: title, plan title, issuer, region, year, dates, document number,
addressees and the upstream notices it cites — from the paragraphs before the plan, then from
what the page prints around the notice (`parsers/pagemeta.py`) for the fields the body does not
give.

GOLD-GUIDE, "Dates and metadata" and "Metadata wherever the page prints it". The body wins: the
signature gives issuer and sign_date, the number under the title gives doc_number; a metadata
block (发布机构, 成文日期, 文号), the page's 发布日期 or <head> fill what is left. When two
sources disagree the body's value is kept and a warning says so; a value that cannot be
checked is left null rather than guessed.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence

import regex

from parsers import docnumbers
from parsers.dates import DATE_CN, compact_date, parse_date
from parsers.docnumbers import DOC_NUMBER, YEAR_IN
from parsers.pagemeta import PageFields, is_issuer, set_aside
from parsers.titles import PRINTED, find_title, is_plan_title, norm, plan_heading, tidy
from schemas import NoticeMeta, NoticeWarning, Reference

__all__ = [
    "DOC_NUMBER",
    "PRINTED",
    "addressees_follow",
    "find_title",
    "is_plan_title",
    "is_sign_date",
    "plan_heading",
    "read_meta",
    "references",
    "restore_printed",
    "set_aside",
]

_BRACKETS = r"[〔\[［【(（]"
_CLOSE = r"[〕\]］】)）]"
_CITED = regex.compile(
    rf"《([^《》]{{2,120}})》\s*[(（]?\s*(\p{{Han}}{{1,14}}{_BRACKETS}\d{{4}}{_CLOSE}\d{{1,4}}[号號])?"
)
_PAGE_DATE = regex.compile(r"(?:发布日期|发布时间|发文日期|日期)\s*[:：]\s*(\S{8,12})")
_SIGN_FIELD = regex.compile(r"(?:成文日期|签发日期)\s*[:：]\s*(\S{8,12})")
# What a site prints before a title on the same line: its column's tag (【市政府重点工作】), a
# validity mark (失效, 已废止) and the notice's own number (西政办发〔2017〕14号 北京市…的通知).
_TITLE_PREFIX = regex.compile(
    rf"^\s*(?:【[^【】]{{1,24}}】\s*)?"
    rf"(?:{_BRACKETS}\s*(?:已?失效|已?废止|有效)\s*{_CLOSE}\s*)?"
    rf"(?:{DOC_NUMBER.pattern}\s+)?"
)
_DOC_FIELD = regex.compile(r"(?:文号|发文字号)\s*[:：]\s*(\S+?[号號])")
_REMARK = regex.compile(r"[(（](?:代章|盖章|印章|章)[)）]$")
# lazy, but never ending where another level word follows (鄞州区 is not 鄞州 + 区, 贵州省 is
# not 贵州 + 省)
_ADMIN = regex.compile(
    r"\p{Han}{1,8}?(?:自治区|自治州|自治县|特别行政区|省|市|区|县|旗|盟|州)(?![区县市州旗省])"
)
_YEAR = regex.compile(r"(20\d{2}|19\d{2})\s*年")
# a year the preamble gives the plan: 2021年重点工作, 2021年度政务公开, 2021年全省政务公开
_PLAN_YEAR = regex.compile(
    r"((?:19|20)\d{2})\s*年度?\s*(?:全[省市县区州旗]|本[省市县区])?\s*"
    r"(?:重点工作|重点任务|工作要点|工作任务|工作安排|工作计划|政务公开|目标任务|主要任务|主要目标)"
)
_KIND_END = regex.compile(r"(?:通知|通报|意见|决定|函|批复|报告|通告|公告|请示|决议)$")
_BRACKET_YEAR = regex.compile(r"[〔\[［【(（﹝〖]\s*(?:19|20)\d{2}\s*[〕\]］】)）﹞〗]")
_ATTACHMENT_LIST = regex.compile(r"^附\s*件\s*[:：]\s*(?:1\s*[.、．]\s*)?(?P<item>.+)$")
_NAMED = regex.compile(r"《([^《》]{4,80}(?:《[^《》]*》[^《》]*)*)》")
_NORM_DROP = regex.compile(r"[\s《》<>〈〉]")
_ORG_END = regex.compile(r"(?:办公室|政府|委员会|小组|局|委|厅|办|部|中心|院)$")


def norm_title(text: str) -> str:
    """A title for comparison: NFKC, without spaces and 《》〈〉 brackets."""
    return str(_NORM_DROP.sub("", unicodedata.normalize("NFKC", text)))


def is_sign_date(line: str) -> bool:
    """A date standing alone on its line, as under a signature (2020年9月22日, 二〇二〇年九月
    二十二日; also 2024327 where a page dropped 年月日 and only one reading is a date)."""
    norm_line = unicodedata.normalize("NFKC", line).strip().strip("()（）")
    return DATE_CN.fullmatch(norm_line) is not None or compact_date(norm_line) is not None


def _sign_date(line: str) -> dt.date | None:
    return parse_date(line) or compact_date(line.strip().strip("()（）"))


def read_meta(
    lines: Sequence[str],
    plan_title_line: str | None,
    page: PageFields | None = None,
    warnings: list[NoticeWarning] | None = None,
) -> NoticeMeta:
    """Metadata from the preamble lines (everything before the plan), then from `page` (what
    the page prints outside the body) for the fields still empty. Disagreements between the
    two are appended to `warnings`."""
    page = page or PageFields()
    warnings = warnings if warnings is not None else []
    meta = NoticeMeta()
    t = find_title(lines)
    own_number = None
    if t is not None:
        title = lines[t].strip()
        prefix = _TITLE_PREFIX.match(title)
        if prefix and prefix.end() and title[prefix.end() :].strip():
            title = title[prefix.end() :]
            own_number = docnumbers.clean(prefix[1]) if prefix[1] else None
        meta.title = tidy(title)
    if meta.title is None and (t := _title_above_addressees(lines)) is not None:
        meta.title = tidy(lines[t])
        if plan_title_line and norm(plan_title_line) == norm(lines[t]):
            plan_title_line = None  # the notice's title, not the plan's heading
    if meta.title is None:
        meta.title = _page_title(page)
    printed = PRINTED.search(meta.title or "")
    if plan_title_line:
        meta.plan_title = plan_heading(plan_title_line)
    else:
        meta.plan_title = _heading_in(lines, t, printed[1] if printed else None)
    if meta.plan_title is None:
        meta.plan_title = _first_attachment(lines)

    for line in lines:
        norm_line = unicodedata.normalize("NFKC", line)
        if meta.publish_date is None and (m := _PAGE_DATE.search(norm_line)):
            meta.publish_date = parse_date(m[1])
        if m := _SIGN_FIELD.search(norm_line):
            meta.sign_date = parse_date(m[1])
        if meta.doc_number is None and (m := _DOC_FIELD.search(line)):
            meta.doc_number = docnumbers.read(m[1])[0]

    # the sign date: the last date standing alone on its line; the signer is the line above
    sign_index = None
    for i, line in enumerate(lines):
        if is_sign_date(line):
            sign_index = i
    if sign_index is not None:
        meta.sign_date = _sign_date(lines[sign_index])
        for back in range(sign_index - 1, max(sign_index - 3, -1), -1):
            signer = _REMARK.sub("", lines[back].strip()).strip()
            if _ORG_END.search(signer) and len(signer) <= 40:
                meta.issuer = signer
                break
    if meta.issuer is None and meta.title and "关于" in meta.title:
        head = meta.title.split("关于", 1)[0].strip()
        meta.issuer = head or None

    # the notice's own number stands alone on a line near the top (or before its title);
    # cited ones sit in text
    meta.doc_number = meta.doc_number or own_number
    for line in lines[:20]:
        m = DOC_NUMBER.fullmatch(line.strip())
        if meta.doc_number is None and m:
            meta.doc_number = docnumbers.clean(m[1])
    _fill(meta, page, warnings)
    meta.references = references(lines, meta.doc_number)
    meta.addressees = _addressees(lines, t)
    meta.year = _plan_year(meta, lines, page.target_year)
    meta.region = _region(meta)
    return meta


def _heading_in(lines: Sequence[str], title: int | None, printed: str | None) -> str | None:
    """The plan title when the plan's start gave none: the last heading before the plan that
    is the name the title or the preamble prints in 《》 — also with the department or place
    the title leaves out before it (鹤山市交通运输局2023年…方案 for 印发2023年…方案的通知) —
    else that printed name itself."""
    names = {norm_title(m[1]) for line in lines for m in _NAMED.finditer(line)}
    want = norm_title(printed) if printed else None
    found = None
    for line in lines[0 if title is None else title + 1 :]:
        if not is_plan_title(line):
            continue
        heading = norm_title(plan_heading(line))
        if heading in names or (want and heading.endswith(want) and len(heading) - len(want) <= 24):
            found = plan_heading(line)
    if found is None and printed:
        found = tidy(printed.strip())
    return found


def restore_printed(
    meta: NoticeMeta, preamble: Sequence[str], analysed: Sequence[str], plan_title_line: str | None
) -> None:
    """Titles and the doc number keep the script they were printed in; the analysis ran on a
    simplified copy (廈思政辦〔2017〕25號 stays so). A value is mapped back through the line it
    was read from, where that line and its simplified copy line up character for character."""
    pairs = [(a, p) for a, p in zip(analysed, preamble, strict=True) if len(a) == len(p)]
    for name in ("title", "plan_title", "doc_number"):
        value = getattr(meta, name)
        if not value:
            continue
        for simple_line, printed in pairs:
            at = simple_line.find(value)
            if at >= 0:
                setattr(meta, name, printed[at : at + len(value)])
                break
    if plan_title_line:
        meta.plan_title = plan_heading(plan_title_line)


def _title_above_addressees(lines: Sequence[str]) -> int | None:
    """A page's first line, right above the addressees (各…：), is the notice's title even
    without 关于…的通知: a plan's heading is never followed by addressees."""
    for i, line in enumerate(lines[:3]):
        text = norm(line)
        if addressees_follow(lines, i):
            ok = (
                4 <= len(text) <= 120
                and not regex.search(r"[。；;：:，,]", text)
                and not _BRACKET_YEAR.search(text)
                and (is_plan_title(text) or _KIND_END.search(text) is not None)
            )
            return i if ok else None
    return None


def addressees_follow(lines: Sequence[str], i: int) -> bool:
    """Whether the line after lines[i] names the addressees (各…：): then lines[i] is the
    notice's title, never the plan's heading."""
    return i + 1 < len(lines) and _is_addressee_line(lines[i + 1])


def _is_addressee_line(line: str) -> bool:
    text = line.strip()
    return text.endswith((":", "：")) and len(text) <= 120 and "。" not in text and "各" in text


def _first_attachment(lines: Sequence[str]) -> str | None:
    """The plan title the attachment list gives (附件：1. X / 2. Y): its first item, the
    plan that follows the notice, when that item is a plan's title."""
    for line in lines:
        m = _ATTACHMENT_LIST.match(unicodedata.normalize("NFKC", line).strip())
        if m:
            item = line.strip()[len(line.strip()) - len(m["item"]) :]
            return plan_heading(item) if is_plan_title(item) else None
    return None


def _page_title(page: PageFields) -> str | None:
    """The title when the body prints none: a metadata block's 名称, else the page's
    ArticleTitle or <title> without the site's name."""
    for candidate in (page.title, page.page_title):
        if candidate and 4 <= len(norm(candidate)) <= 150 and "。" not in candidate:
            return candidate
    return None


def _fill(meta: NoticeMeta, page: PageFields, warnings: list[NoticeWarning]) -> None:
    """The fields the body does not give, from what the page prints around it."""
    if meta.plan_title is None and (printed := PRINTED.search(page.page_title or "")):
        meta.plan_title = tidy(printed[1].strip("《》 "))
    if meta.issuer is None:
        if page.issuer:
            meta.issuer = page.issuer
        elif page.source and is_issuer(page.source):
            # who posted the page is the issuer only when the plan carries its name
            for named in (meta.plan_title, meta.title):
                if named and norm(named).startswith(norm(page.source)):
                    meta.issuer = page.source
                    break
    if meta.sign_date is None:
        meta.sign_date = page.sign_date
    if page.publish_date is not None:
        meta.publish_date = page.publish_date
    if meta.doc_number is None:
        meta.doc_number = page.doc_number
    elif page.doc_number and norm(page.doc_number) != norm(meta.doc_number):
        warnings.append(
            NoticeWarning(
                kind="structure",
                message=f"the page's 文号 {page.doc_number} differs from the notice's "
                f"{meta.doc_number}; the notice's is kept",
            )
        )


def _plan_year(meta: NoticeMeta, lines: Sequence[str], target_year: int | None) -> int | None:
    """The plan's year: from the plan title, else the notice title, else the doc number's
    〔YYYY〕, else a year the preamble gives the plan (2021年重点工作) or the plan's goal
    paragraph opens with (一、主要目标 / 2020年，…) — never a date's year."""
    for text in (meta.plan_title, meta.title):
        m = _YEAR.search(text or "")
        if m:
            return int(m[1])
    if (year := docnumbers.year(meta.doc_number)) is not None:
        return year
    given = {int(m[1]) for line in lines for m in _PLAN_YEAR.finditer(norm(line))}
    return given.pop() if len(given) == 1 else target_year


def _region(meta: NoticeMeta) -> str | None:
    """The most specific administrative area the plan covers: 广州市南沙区 → 南沙区."""
    for text in (meta.plan_title, meta.title, meta.issuer):
        if not text:
            continue
        head = _YEAR.split(text, maxsplit=1)[0] if _YEAR.search(text) else text
        head = head.split("关于", 1)[0]
        found = _ADMIN.findall(head)
        if found:
            return str(found[-1])
    return None


def _addressees(lines: Sequence[str], title_index: int | None) -> list[str]:
    start = 0 if title_index is None else title_index + 1
    for line in lines[start : start + 6]:
        norm_line = line.strip()
        if norm_line.endswith((":", "：")) and len(norm_line) <= 120 and "。" not in norm_line:
            parts = [p.strip() for p in regex.split(r"[、，,；;]", norm_line.rstrip(":："))]
            return _rejoin_series([p for p in parts if p])
    return []


def _rejoin_series(parts: list[str]) -> list[str]:
    """各县、市、区人民政府 and 区政府各委、办、局 are one addressee each: a one-character part
    is a member of a series with its neighbours, not an addressee of its own (a part that
    opens with 各 starts the next addressee)."""
    out: list[str] = []
    glue = False
    for part in parts:
        if out and ((glue and not part.startswith("各")) or len(part) == 1):
            out[-1] += "、" + part
        else:
            out.append(part)
        glue = len(part) == 1
    return out


def references(lines: Sequence[str], own: str | None) -> list[Reference]:
    """The documents a notice cites, in order of first appearance: 《title》（doc number）,
    or a bare doc number; the notice's own number and its plan's name are not references."""
    refs: list[Reference] = []
    seen: set[tuple[str | None, str | None]] = set()
    own_norm = norm(own) if own else None
    for line in lines:
        for m in _CITED.finditer(line) if "《" in line else ():
            title, number = m[1].strip(), m[2]
            if (
                number is None
                and not title.startswith(("关于", "国务院", "中共"))
                and "通知" not in title
            ):
                continue  # a plan's own name in 《》, not a cited notice
            if own_norm and number and norm(number) == own_norm:
                continue
            key = (number, title)
            if key not in seen:
                seen.add(key)
                refs.append(Reference(doc_number=number, title=title))
        for m in DOC_NUMBER.finditer(line) if YEAR_IN.search(line) else ():
            number = m[1]
            if (
                norm(number) != own_norm
                and all(r.doc_number != number for r in refs)
                and line.strip() != number
            ):
                refs.append(Reference(doc_number=number, title=None))
    return refs
