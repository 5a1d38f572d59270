"""Plain-text notices: scraped pages, a line a paragraph.

Tables survive in such pages as pipe-separated rows (| cell | cell |), as a cell a line with
`|` lines between them, or a cell a paragraph; the table stage (parsers/tables.py) rebuilds
them, whatever reader the paragraphs came from.
"""

from __future__ import annotations

import regex

from parsers.blocks import Block, Document
from parsers.decode import read
from parsers.flattened import is_pipe_row
from parsers.furniture import furniture_lines
from parsers.ladder import number
from parsers.limits import DEFAULT_LIMITS, Limits
from parsers.readers import Relabel
from schemas import Provenance

_LINE_BREAK = regex.compile(r"\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")


def parse(
    data: bytes, *, limits: Limits = DEFAULT_LIMITS, relabel: Relabel | None = None
) -> Document:
    """A text notice's blocks, a line a paragraph (the `Reader` contract, parsers/readers.py).
    Raises InputError for a file over `limits.max_text_bytes` or one that is not text
    (parsers/decode.py); `relabel` is ignored (list labels are in the text)."""
    limits.check_text(len(data), "text")
    decoded = read(data)
    doc = parse_text(decoded.text)
    doc.warnings.extend(decoded.warnings)
    return doc


def parse_text(text: str) -> Document:
    blocks: list[Block] = []
    # line breaks only: str.splitlines would also break at the record separators (U+001C–
    # U+001E) that stray into scraped text, which parsers/clean.py removes
    lines = [raw.strip().replace("\u3000", " ").strip() for raw in _LINE_BREAK.split(text)]
    furniture = furniture_lines(lines)
    wrapped = soft_wraps(lines) if _blank_separated(lines) else [False] * len(lines)
    for lineno, (line, dropped) in enumerate(zip(lines, furniture, strict=True), start=1):
        if not line or (dropped and not is_pipe_row(line)):
            continue
        if wrapped[lineno - 1] and blocks and blocks[-1].provenance.line_end == lineno - 1:
            last = blocks[-1]  # the paragraph above goes on: its line was wrapped by width
            last.text += line
            last.provenance = last.provenance.model_copy(update={"line_end": lineno})
            continue
        blocks.append(Block("paragraph", line, Provenance(line_start=lineno, line_end=lineno)))
    return Document("text", blocks)


def _blank_separated(lines: list[str]) -> bool:
    """Does the text set its paragraphs apart with blank lines (most lines followed by one)?
    Only then can a line break inside a run of lines be a wrap rather than a new paragraph."""
    filled = [i for i, line in enumerate(lines) if line]
    if len(filled) < 6:
        return False
    apart = sum(1 for i in filled if i + 1 >= len(lines) or not lines[i + 1])
    return apart * 5 >= len(filled) * 3


def soft_wraps(lines: list[str]) -> list[bool]:
    """For each line, whether it goes on with the paragraph of the line right above it: a
    page or file that wraps its text at a width breaks 1.全面实行…动态调整市级 / 行政许可事项…
    inside a sentence or a bracket. A line joins the one above when that paragraph is left
    open (an unclosed bracket, a line ending in ，、 or an opening mark, or a numbered task
    line of some length without a sentence's end) and it starts no paragraph of its own (a
    number, a label with a colon, a table row)."""
    out = [False] * len(lines)
    paragraph = ""
    for i, line in enumerate(lines):
        if not line:
            paragraph = ""
            continue
        if paragraph and _open(paragraph) and not _starts_paragraph(line):
            out[i] = True
            paragraph += line
        else:
            paragraph = line
    return out


def _open(paragraph: str) -> bool:
    if "|" in paragraph or "｜" in paragraph:
        return False
    if paragraph.count("（") + paragraph.count("(") > paragraph.count("）") + paragraph.count(")"):
        return True
    if _OPEN_END.search(paragraph):
        return True
    label = number(paragraph)
    return (
        label is not None
        and label.level >= 3
        and len(paragraph) >= _WRAP_MIN
        and not _CLOSED_END.search(paragraph)
    )


def _starts_paragraph(line: str) -> bool:
    return (
        number(line) is not None
        or _LABEL_START.match(line) is not None
        or "|" in line
        or "｜" in line
        or "\t" in line
    )


_OPEN_END = regex.compile(r"[，、（(“《—]$")
_CLOSED_END = regex.compile(r"[。！？；：:）)」”》]$")
_LABEL_START = regex.compile(r"^[\p{Han}\s]{2,10}[:：]")
_WRAP_MIN = 12  # a numbered line shorter than this is a heading, not a wrapped task
