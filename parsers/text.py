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
    for lineno, (line, dropped) in enumerate(zip(lines, furniture, strict=True), start=1):
        if not line or (dropped and not is_pipe_row(line)):
            continue
        blocks.append(Block("paragraph", line, Provenance(line_start=lineno, line_end=lineno)))
    return Document("text", blocks)
