"""Pydantic models shared by the readers, the structure stage and the warehouse."""

from schemas.notice import (
    SCHEMA_NAME,
    SCHEMA_VERSION,
    Assignment,
    Clause,
    Notice,
    NoticeMeta,
    Provenance,
    Reference,
    Role,
    Section,
    Source,
    SourceFormat,
    Task,
    Unit,
)

__all__ = [
    "SCHEMA_NAME",
    "SCHEMA_VERSION",
    "Assignment",
    "Clause",
    "Notice",
    "NoticeMeta",
    "Provenance",
    "Reference",
    "Role",
    "Section",
    "Source",
    "SourceFormat",
    "Task",
    "Unit",
]
