"""Bytes to text for text and HTML sources: BOM, UTF-8, a declared charset, then detection —
and the text's known faults named or repaired.

Order: a byte-order mark; UTF-16 without one (told by its NULs); valid UTF-8 (text that is not
UTF-8 is practically never valid UTF-8, whatever a page declares); the page's declared
charset, unless it is a single-byte one (iso-8859-1, windows-1252) that turns Chinese bytes into
Latin letters, in which case detection overrules it; a file that is UTF-8 but for some lines is
read line by line; otherwise charset-normalizer picks among the encodings of Chinese sites.
Then: the pinyin a mirror site inserts after characters (發(fā)) is removed (GOLD-GUIDE,
"Characters that are not text"), and mojibake of a known kind is repaired or named
(`parsers/mojibake.py`). Everything changed or left unreadable is a warning with its line.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

import charset_normalizer
import regex

from parsers import mojibake
from parsers.errors import InputError
from schemas import NoticeWarning, Provenance

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]

# Chinese sites label GBK pages as gb2312 (and GB18030 ones as gbk); gb18030 is a superset of
# both, so decoding with it never fails on a character the label's strict codec would lack.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb_2312": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
}
# encodings that can carry Chinese: any other label on bytes beyond ASCII is checked
_WIDE = frozenset(
    {"utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "gb18030", "big5hkscs", "cp950"}
    | {"euc_jp", "shift_jis", "cp932", "euc_kr", "cp949", "iso2022_jp", "utf-8-sig"}
)

_CANDIDATES = ["gb18030", "big5hkscs", "utf_16", "utf_32", "cp1252"]
_CHINESE = ["gb18030", "big5hkscs"]

_CONTROL = regex.compile(r"[\x00-\x08\x0e-\x1f]")  # control codes but tab, CR, LF, VT, FF
_META_CHARSET = regex.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", regex.I)
_HAN = regex.compile(r"\p{Han}")
_HIGH = regex.compile(rb"[\x80-\xff]")
# 發(fā), 經(jīng), 區(qū): a mirror site's pinyin after a character, a toned vowel in it
_PINYIN = regex.compile(
    r"(?<=[\p{Han}])[(（](?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹḿ]{1,7}[)）]"
)
MAX_LINE_WARNINGS = 20


@dataclass
class Decoded:
    """Text and what reading it took: the encoding used and the warnings (kind "encoding"
    for bytes replaced or re-decoded and labels overruled, "unreadable_text" for mojibake left
    as printed), each naming its line."""

    text: str
    encoding: str
    warnings: list[NoticeWarning] = field(default_factory=list)


def _normal_label(label: str) -> str | None:
    label = label.strip().lower()
    label = _SUPERSETS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a <meta> tag within its first 4 KiB."""
    m = _META_CHARSET.search(data[:4096])
    return _normal_label(m.group(1).decode("ascii", "replace")) if m else None


def decode(data: bytes, declared: str | None = None) -> str:
    """The text alone (see `read`)."""
    return read(data, declared).text


def read(data: bytes, declared: str | None = None) -> Decoded:
    """Bytes → `Decoded`. Raises InputError for bytes that are no text."""
    out = _bytes_to_text(data, declared)
    out.text = _PINYIN.sub("", out.text)
    text, fixes = mojibake.repair(out.text)
    out.text = _textual(text)
    for fix in fixes[:MAX_LINE_WARNINGS]:
        where = Provenance(line_start=fix.line, line_end=fix.line)
        if fix.repaired is not None:
            message = f"line {fix.line}: mojibake ({fix.kind}) repaired: {fix.repaired[:40]}"
            out.warnings.append(NoticeWarning(kind="encoding", message=message, provenance=where))
        else:
            message = (
                f"line {fix.line}: garbled text ({fix.kind}?) left as printed: {fix.garbled[:20]}"
            )
            out.warnings.append(
                NoticeWarning(kind="unreadable_text", message=message, provenance=where)
            )
    if len(fixes) > MAX_LINE_WARNINGS:
        message = f"{len(fixes) - MAX_LINE_WARNINGS} more garbled runs not listed"
        out.warnings.append(NoticeWarning(kind="unreadable_text", message=message))
    return out


def _bytes_to_text(data: bytes, declared: str | None) -> Decoded:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(codec, errors="replace"), codec)
    unmarked = _utf16_without_bom(data)
    if unmarked:
        return Decoded(unmarked, "utf-16")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":  # a download cut inside its last character
            return Decoded(data.decode("utf-8", errors="replace"), "utf-8")
    if declared and declared in _WIDE:
        try:
            return Decoded(data.decode(declared), declared)
        except UnicodeDecodeError:
            pass  # a wrong label is common: fall through to detection
    elif declared:
        text = _single_byte(data, declared)
        if text is not None:
            return text
    mixed = _mostly_utf8(data)
    if mixed is not None:
        return mixed
    # Notices come from Chinese sites: limiting the candidates keeps short GBK pages from
    # being taken for UTF-16 or a Korean code page.
    best = charset_normalizer.from_bytes(data[:200_000], cp_isolation=_CANDIDATES).best()
    if best is None:
        raise InputError(
            "not text: no character encoding fits its bytes",
            "is it a binary file with the wrong extension?",
        )
    encoding = _normal_label(best.encoding) or best.encoding
    return Decoded(data.decode(encoding, errors="replace"), encoding)


def _single_byte(data: bytes, declared: str) -> Decoded | None:
    """A page labelled with a single-byte charset (iso-8859-1, windows-1252): kept when its
    bytes make no Chinese in any Chinese encoding, overruled by detection when they do — a
    Latin label on Chinese bytes turns every character into two Latin letters."""
    try:
        text = data.decode(declared)
    except UnicodeDecodeError:
        return None
    if not _HIGH.search(data):
        return Decoded(text, declared)
    best = charset_normalizer.from_bytes(data[:200_000], cp_isolation=_CHINESE).best()
    if best is not None:
        encoding = _normal_label(best.encoding) or best.encoding
        chinese = data.decode(encoding, errors="replace")
        if len(_HAN.findall(chinese[:20_000])) >= 2:
            message = (
                f"the page declares {declared}, which turns its Chinese into Latin letters; "
                f"read as {encoding}"
            )
            return Decoded(chinese, encoding, [NoticeWarning(kind="encoding", message=message)])
    return Decoded(text, declared)


def _mostly_utf8(data: bytes) -> Decoded | None:
    """A UTF-8 file with some lines in another encoding (a paragraph pasted from a GBK page):
    each line read as UTF-8, the others re-decoded as GB18030 where that gives clean Chinese,
    else their undecodable bytes replaced — each counted in a warning. None when most lines
    with bytes beyond ASCII are not UTF-8 (then the file is in another encoding)."""
    lines = data.split(b"\n")
    good = bad = 0
    for line in lines:
        if _HIGH.search(line):
            try:
                line.decode("utf-8")
                good += 1
            except UnicodeDecodeError:
                bad += 1
    if good == 0 or bad > good:
        return None
    out: list[str] = []
    warnings: list[NoticeWarning] = []
    for n, line in enumerate(lines, start=1):
        try:
            out.append(line.decode("utf-8"))
            continue
        except UnicodeDecodeError:
            pass
        where = Provenance(line_start=n, line_end=n)
        try:
            text = line.decode("gb18030")
        except UnicodeDecodeError:
            text = ""
        if text and mojibake.common_share(text) >= 0.85 and len(_HAN.findall(text)) >= 2:
            message = f"line {n} is not UTF-8 like the rest of the file; re-decoded as GB18030"
        else:
            text = line.decode("utf-8", errors="replace")
            lost = text.count("\ufffd")
            message = f"line {n}: {lost} undecodable byte sequence(s) replaced with U+FFFD"
        out.append(text)
        if len(warnings) < MAX_LINE_WARNINGS:
            warnings.append(NoticeWarning(kind="encoding", message=message, provenance=where))
    if bad > MAX_LINE_WARNINGS:
        more = f"{bad - MAX_LINE_WARNINGS} more lines not UTF-8 (not listed)"
        warnings.append(NoticeWarning(kind="encoding", message=more))
    return Decoded("\n".join(out), "utf-8", warnings)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 written without a byte-order mark (some Windows tools do). Its ASCII characters
    (digits, punctuation, line breaks) leave a NUL in every other byte, nearly all on one side
    (a few Chinese characters, 一 U+4E00, have one on the other); no 8-bit Chinese encoding
    has NULs, and charset detection does not try UTF-16 unmarked."""
    sample = data[:4096]
    if len(sample) < 64 or len(data) % 2:
        return None
    nul_even, nul_odd = sample[0::2].count(0), sample[1::2].count(0)
    enough = len(sample) // 2 // 20  # ASCII is at least 5% of the characters
    if nul_odd >= enough and nul_even * 3 < nul_odd:
        codec = "utf-16-le"
    elif nul_even >= enough and nul_odd * 3 < nul_even:
        codec = "utf-16-be"
    else:
        return None
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _textual(text: str) -> str:
    """Refuse binary data that happens to decode (NULs and control codes are valid UTF-8)."""
    head = text[:65536]
    controls = len(_CONTROL.findall(head))
    if controls > max(8, len(head) // 100):
        raise InputError(
            f"binary data, not text ({controls} control characters in the first "
            f"{len(head)} characters)",
            "is it an image, archive or other binary file with a wrong extension?",
        )
    return text
