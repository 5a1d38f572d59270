"""The real format of a file, from its first bytes: extensions on government sites lie."""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from schemas import SourceFormat

_OLE = bytes.fromhex("d0cf11e0a1b11ae1")
_HTML_MARKS = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<body",
    b"<meta",
    b"<table",
    b"<div",
    b"<p>",
    b"<p ",
    b"<title",
)


def sniff(data: bytes) -> SourceFormat | None:
    """pdf, docx, doc (legacy Word or WPS), html or text; None for a zip that is no DOCX."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return "docx"  # a truncated download: the DOCX reader says what is wrong
        return "docx" if "word/document.xml" in names else None
    if data.startswith(_OLE) or head.startswith(b"{\\rtf"):
        return "doc"  # legacy Word/WPS, or RTF (often published as .doc): LibreOffice reads both
    lowered = data[:4096].lower()
    for enc_head in (lowered, _utf16_ascii(lowered)):
        if any(mark in enc_head for mark in _HTML_MARKS):
            return "html"
    return "text"


def _utf16_ascii(data: bytes) -> bytes:
    """A UTF-16 page read as ASCII: drop the NULs so the markers can be seen."""
    return data.replace(b"\x00", b"") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else b""
