"""Pydantic models shared by the readers, the structure stage and the warehouse."""

from schemas.notice import (
    SCHEMA_NAME,
    SCHEMA_VERSION,
    Assignment,
    Clause,
    Notice,
    NoticeMeta,
    NoticeWarning,
    Provenance,
    Reference,
    Role,
    Section,
    Source,
    SourceFormat,
    Task,
    Unit,
    WarningKind,
)

__all__ = [
    "SCHEMA_NAME",
    "SCHEMA_VERSION",
    "Assignment",
    "Clause",
    "Notice",
    "NoticeMeta",
    "NoticeWarning",
    "Provenance",
    "Reference",
    "Role",
    "Section",
    "Source",
    "SourceFormat",
    "Task",
    "Unit",
    "WarningKind",
]
