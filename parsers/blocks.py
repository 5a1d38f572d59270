"""The block stream every reader yields: paragraphs and table rows, each with provenance.

Readers know their format and nothing about notices; the structure stage knows notices
and nothing about formats. This module is the contract between them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from schemas import NoticeWarning, Provenance, SourceFormat


@dataclass(slots=True)
class Cell:
    text: str
    # False when the cell is the continuation of a cell merged from a row above (rowspan /
    # vMerge): the row still sees its text, and the structure stage marks it inherited.
    origin: bool = True
    # Width in grid columns (colspan / gridSpan); a row spanned end to end is a heading.
    span: int = 1
    col: int = 0  # first grid column the cell covers
    # Set by the structure stage: the text analysis reads (simplified script), and the role
    # of the cell's column (number, section, task, detail, lead, co, clause, deadline,
    # leader, note; None when unknown), which the table stage gives from header and content.
    analysed: str = ""
    role: str | None = None


@dataclass(slots=True)
class Block:
    kind: Literal["paragraph", "row"]
    text: str
    provenance: Provenance
    cells: list[Cell] = field(default_factory=list)
    table: int | None = None  # rows of one table share this index
    analysed: str = ""  # set by the structure stage: the text analysis reads


@dataclass(slots=True)
class Document:
    """What a reader returns: the blocks plus facts about the source it alone can see."""

    format: SourceFormat
    blocks: list[Block]
    warnings: list[NoticeWarning] = field(default_factory=list)
    # What a web page says about itself outside its text, keyed by lower-cased name: "title"
    # (its <title>) and the <meta name=…> fields (articletitle, pubdate, contentsource…).
    page: dict[str, str] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Block]:
        return iter(self.blocks)
