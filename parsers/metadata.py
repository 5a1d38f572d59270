"""Notice metadata from the paragraphs before the plan: title, plan title, issuer, region,
year, dates, document number, addressees and the upstream notices it cites."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence

import regex

from parsers.dates import DATE_CN, parse_date
from schemas import NoticeMeta, Reference

_TITLE = regex.compile(r"关于.{2,80}的(?:通知|通报|意见|决定|函|批复|报告)$")
_PLAN_WORDS = regex.compile(
    r"(?:方案|要点|计划|清单|台账|安排|任务分解|分解表)(?:[(（].{1,12}[)）])?$"
)
PRINTED = regex.compile(r"印发\s*《?(.+?)》?\s*的(?:通知|函)")
_BRACKETS = r"[〔\[［【(（]"
_CLOSE = r"[〕\]］】)）]"
DOC_NUMBER = regex.compile(
    rf"(\p{{Han}}{{1,14}}\s*{_BRACKETS}\s*\d{{4}}\s*{_CLOSE}\s*\d{{1,4}}\s*号)"
)
_CITED = regex.compile(
    rf"《([^《》]{{2,120}})》\s*[(（]?\s*(\p{{Han}}{{1,14}}{_BRACKETS}\d{{4}}{_CLOSE}\d{{1,4}}号)?"
)
_PAGE_DATE = regex.compile(r"(?:发布日期|发布时间|发文日期|日期)\s*[:：]\s*(\S{8,12})")
_SIGN_FIELD = regex.compile(r"(?:成文日期|签发日期)\s*[:：]\s*(\S{8,12})")
# What a site prints before a title on the same line: a validity mark (失效, 已废止) and the
# notice's own number (西政办发〔2017〕14号 北京市…的通知).
_TITLE_PREFIX = regex.compile(
    rf"^\s*(?:{_BRACKETS}\s*(?:已?失效|已?废止|有效)\s*{_CLOSE}\s*)?"
    rf"(?:{DOC_NUMBER.pattern}\s+)?"
)
_DOC_FIELD = regex.compile(r"(?:文号|发文字号)\s*[:：]\s*(\S+?号)")
_REMARK = regex.compile(r"[(（](?:代章|盖章|印章|章)[)）]$")
# lazy, but never ending where another level word follows (鄞州区 is not 鄞州 + 区)
_ADMIN = regex.compile(
    r"\p{Han}{1,8}?(?:自治区|自治州|自治县|特别行政区|省|市|区|县|旗|盟|州)(?![区县市州旗])"
)
_YEAR = regex.compile(r"(20\d{2}|19\d{2})\s*年")
_ORG_END = regex.compile(r"(?:办公室|政府|委员会|小组|局|委|厅|办|部|中心|院)$")


def is_plan_title(line: str) -> bool:
    norm = unicodedata.normalize("NFKC", line).strip()
    return 4 <= len(norm) <= 80 and bool(_PLAN_WORDS.search(norm)) and "。" not in norm


def find_title(lines: Sequence[str]) -> int | None:
    for i, line in enumerate(lines[:40]):
        if _TITLE.search(unicodedata.normalize("NFKC", line).strip()):
            return i
    return None


def is_sign_date(line: str) -> bool:
    norm = unicodedata.normalize("NFKC", line).strip().strip("()（）")
    m = DATE_CN.fullmatch(norm)
    return m is not None


def read_meta(lines: Sequence[str], plan_title_line: str | None) -> NoticeMeta:
    """Metadata from the preamble lines (everything before the plan)."""
    meta = NoticeMeta()
    t = find_title(lines)
    own_number = None
    if t is not None:
        meta.title = lines[t].strip()
        prefix = _TITLE_PREFIX.match(meta.title)
        if prefix and prefix.end() and meta.title[prefix.end() :].strip():
            meta.title = meta.title[prefix.end() :].strip()
            own_number = prefix[1].replace(" ", "") if prefix[1] else None
    printed = PRINTED.search(meta.title or "")
    if plan_title_line:
        meta.plan_title = plan_title_line.strip()
    elif printed:
        meta.plan_title = printed[1].strip("《》 ")
    else:
        meta.plan_title = meta.title

    for line in lines:
        norm = unicodedata.normalize("NFKC", line)
        if meta.publish_date is None and (m := _PAGE_DATE.search(norm)):
            meta.publish_date = parse_date(m[1])
        if m := _SIGN_FIELD.search(norm):
            meta.sign_date = parse_date(m[1])
        if meta.doc_number is None and (m := _DOC_FIELD.search(line)):
            meta.doc_number = m[1]

    # the sign date: the last date standing alone on its line; the signer is the line above
    sign_index = None
    for i, line in enumerate(lines):
        if is_sign_date(line):
            sign_index = i
    if sign_index is not None:
        meta.sign_date = parse_date(lines[sign_index])
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
            meta.doc_number = m[1].replace(" ", "")
    meta.references = references(lines, meta.doc_number)
    meta.addressees = _addressees(lines, t)
    meta.year = _plan_year(meta)
    meta.region = _region(meta)
    return meta


def _plan_year(meta: NoticeMeta) -> int | None:
    for text in (meta.plan_title, meta.title):
        m = _YEAR.search(text or "")
        if m:
            return int(m[1])
    for date in (meta.sign_date, meta.publish_date):
        if isinstance(date, dt.date):
            return date.year
    return None


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
        norm = line.strip()
        if norm.endswith((":", "：")) and len(norm) <= 120 and "。" not in norm:
            parts = [p.strip() for p in regex.split(r"[、，,；;]", norm.rstrip(":："))]
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
    for line in lines:
        for m in _CITED.finditer(line):
            title, number = m[1].strip(), m[2]
            if (
                number is None
                and not title.startswith(("关于", "国务院", "中共"))
                and "通知" not in title
            ):
                continue  # a plan's own name in 《》, not a cited notice
            if own and number == own:
                continue
            key = (number, title)
            if key not in seen:
                seen.add(key)
                refs.append(Reference(doc_number=number, title=title))
        for m in DOC_NUMBER.finditer(line):
            number = m[1]
            if (
                number != own
                and all(r.doc_number != number for r in refs)
                and line.strip() != number
            ):
                refs.append(Reference(doc_number=number, title=None))
    return refs
