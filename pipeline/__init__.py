"""fengong's library API and command line.

The names below load on first use (PEP 562): the command line is `pipeline.cli`, and a
command that only reads the warehouse (`fengong diff`, `unit`, `query`) should not load the
parsers and the pydantic models through this package at every start (issue 16, start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from schemas.lazy import lazy_exports

if TYPE_CHECKING:
    from pipeline.api import FileResult, IngestReport, Options, default_db, ingest, parse
    from pipeline.frames import assignments, notices, tasks

_HOME = {
    "FileResult": "pipeline.api",
    "IngestReport": "pipeline.api",
    "Options": "pipeline.api",
    "default_db": "pipeline.api",
    "ingest": "pipeline.api",
    "parse": "pipeline.api",
    "assignments": "pipeline.frames",
    "notices": "pipeline.frames",
    "tasks": "pipeline.frames",
}


__getattr__ = lazy_exports(__name__, _HOME, globals())


__all__ = [
    "FileResult",
    "IngestReport",
    "Options",
    "assignments",
    "default_db",
    "ingest",
    "notices",
    "parse",
    "tasks",
]
