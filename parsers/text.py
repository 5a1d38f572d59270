"""Plain-text notices: scraped pages where each table cell became a paragraph, or where a
table survived as pipe-separated rows (| cell | cell |)."""

from __future__ import annotations

import regex

from parsers.blocks import Block, Cell, Document
from parsers.decode import read
from parsers.furniture import is_furniture
from parsers.limits import DEFAULT_LIMITS, Limits
from parsers.readers import Relabel
from schemas import Provenance

# | cell | cell |, or a row written without its first bar (cell | cell |): then two bars at
# least, so a line with one trailing bar is not a table.
_PIPE_ROW = regex.compile(r"^\s*(?:[|｜](?P<cells>.*)|(?P<cells>[^|｜]+[|｜].*))[|｜]\s*$")
_RULE_ROW = regex.compile(r"^[\s|｜:：\-—=+]+$")  # markdown's |---|---| separator


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
    table = -1
    in_table = False
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().replace("\u3000", " ").strip()
        prov = Provenance(line_start=lineno, line_end=lineno)
        if not line:
            continue
        row = _PIPE_ROW.match(line)
        if row:
            if _RULE_ROW.match(line):
                continue
            if not in_table:
                table += 1
                in_table = True
            cells = [
                Cell(c.strip(), col=i) for i, c in enumerate(regex.split(r"[|｜]", row["cells"]))
            ]
            blocks.append(Block("row", " | ".join(c.text for c in cells), prov, cells, table))
            continue
        in_table = False
        if is_furniture(line):
            continue
        blocks.append(Block("paragraph", line, prov))
    return Document("text", blocks)
