"""fengong's library API and command line."""

from pipeline.api import FileResult, IngestReport, Options, default_db, ingest, parse
from pipeline.frames import assignments, notices, tasks

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
