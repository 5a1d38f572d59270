"""Bytes to text for text and HTML sources: BOM, then a declared charset, then detection."""

from __future__ import annotations

import codecs

import charset_normalizer
import regex

from parsers.errors import InputError

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

_CANDIDATES = ["gb18030", "big5hkscs", "utf_16", "utf_32", "cp1252"]

_CONTROL = regex.compile(r"[\x00-\x08\x0e-\x1f]")  # control codes but tab, CR, LF, VT, FF
_META_CHARSET = regex.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", regex.I)


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
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _textual(data.decode(codec, errors="replace"))
    unmarked = _utf16_without_bom(data)
    if unmarked:
        return _textual(unmarked)
    if declared:
        try:
            return _textual(data.decode(declared))
        except UnicodeDecodeError:
            pass  # a wrong label is common: fall through to detection
    try:
        return _textual(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":  # a download cut inside its last character
            return _textual(data.decode("utf-8", errors="replace"))
    # Notices come from Chinese sites: limiting the candidates keeps short GBK pages from
    # being taken for UTF-16 or a Korean code page.
    best = charset_normalizer.from_bytes(data[:200_000], cp_isolation=_CANDIDATES).best()
    if best is None:
        raise InputError(
            "not text: no character encoding fits its bytes",
            "is it a binary file with the wrong extension?",
        )
    encoding = _normal_label(best.encoding) or best.encoding
    return _textual(data.decode(encoding, errors="replace"))


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
