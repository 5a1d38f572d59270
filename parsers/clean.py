"""Text that is not text, taken out before any analysis (GOLD-GUIDE, "Characters that are not
text"): zero-width and other format characters (U+200B–U+200F, U+2060–U+2064, U+FEFF, U+00AD,
bidi embeddings and isolates: Unicode category Cf) and stray control characters (category Cc,
other than a tab or a line break) are removed; the rest is put in Unicode's composed form
(NFC). Two names a removed character leaves side by side are told apart as names printed
together (parsers/units.py). The mirror sites' pinyin (發(fā)) is
removed where the text is decoded (parsers/decode.py). Markdown's strong emphasis
(**一、总体要求**), which pages copied from an editor keep, is markup, not text: its stars go.
"""

from __future__ import annotations

import unicodedata

import regex

# format characters (Cf), and control characters (Cc) other than a tab or a line break
_NOT_TEXT = regex.compile(r"[^\P{Cf}]|[^\P{Cc}\n\t]")
_STRONG = regex.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")


def clean(text: str) -> str:
    """The text without format and control characters and without markdown's **…**, in
    NFC."""
    if "**" in text:
        text = _STRONG.sub(r"\1", text)
    if text.isascii() and text.isprintable():
        return text
    text = _NOT_TEXT.sub("", text)
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)
