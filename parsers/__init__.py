"""Readers, one per input format, and the structure stage they all feed.

`read(data)` finds the real format by content and hands the bytes to its reader; every
reader keeps one contract (`parsers/readers.py`: `parse(data, *, limits, …) -> Document`) and
returns the same `Document` (a block stream with provenance).

The names below load on first use (PEP 562), so that a command which reads only the unit
registry (parsers/units.py: `fengong unit`, `fengong units`) does not load the readers and
the pydantic models at every start (issue 16, start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from schemas.lazy import lazy_exports

if TYPE_CHECKING:
    from parsers.blocks import Document
    from parsers.errors import InputError
    from parsers.limits import Limits
    from parsers.readers import READERS, Reader, read

_HOME = {
    "Document": "parsers.blocks",
    "InputError": "parsers.errors",
    "Limits": "parsers.limits",
    "READERS": "parsers.readers",
    "Reader": "parsers.readers",
    "read": "parsers.readers",
}


__getattr__ = lazy_exports(__name__, _HOME, globals())


__all__ = ["READERS", "Document", "InputError", "Limits", "Reader", "read"]
