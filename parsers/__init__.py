"""Readers, one per input format, and the structure stage they all feed.

`read(data)` finds the real format by content and hands the bytes to its reader; every
reader keeps one contract (`parsers/readers.py`: `parse(data, *, limits, …) -> Document`) and
returns the same `Document` (a block stream with provenance).

The names below load on first use (PEP 562), so that a command which reads only the unit
registry (parsers/units.py: `fengong unit`, `fengong units`) does not load the readers and
the pydantic models at every start (issue 16, start-up).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

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


def __getattr__(name: str) -> Any:
    if name in _HOME:
        value = getattr(import_module(_HOME[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'parsers' has no attribute {name!r}")


__all__ = ["READERS", "Document", "InputError", "Limits", "Reader", "read"]
