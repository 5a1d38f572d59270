"""fengong's library API and command line."""

from pipeline.api import FileResult, IngestReport, Options, default_db, ingest, parse

__all__ = ["FileResult", "IngestReport", "Options", "default_db", "ingest", "parse"]
