"""Readers, one per input format, and the structure stage they all feed.

`read(data)` finds the real format by content and hands the bytes to its reader; every
reader keeps one contract (`parsers/readers.py`: `parse(data, *, limits, …) -> Document`) and
returns the same `Document` (a block stream with provenance).
"""

from __future__ import annotations

from parsers.blocks import Document
from parsers.errors import InputError
from parsers.limits import Limits
from parsers.readers import READERS, Reader, read

__all__ = ["READERS", "Document", "InputError", "Limits", "Reader", "read"]
