"""Times as the warehouse keeps them: naive UTC (v_notices.ingested_at, task_changes stamps).

    parse_utc("2026-11-25 18:13:41+08:00")   # datetime(2026, 11, 25, 10, 13, 41)

Errors are ValueError with a message that starts with the value: `--since` puts its name in
front (pipeline/reading.parse_since).
"""

from __future__ import annotations

import datetime as dt

FORMS = "write it as 2026-11-25 or 2026-11-25 18:13:41 (UTC, as v_notices.ingested_at shows it)"


def as_utc(when: dt.datetime) -> dt.datetime:
    """A time with an offset converted to naive UTC; a naive time is UTC already. Raises
    ValueError for a time that leaves the calendar once converted (0001-01-01T00:00+14:00)."""
    if when.tzinfo is None:
        return when
    try:
        return when.astimezone(dt.UTC).replace(tzinfo=None)
    except OverflowError:
        raise ValueError(
            f"{when.isoformat()!r}: falls outside the calendar once converted to UTC"
        ) from None


def parse_utc(text: str) -> dt.datetime:
    """An ISO date or date-time, with or without an offset, as naive UTC. Raises ValueError
    with a message that says what is wrong and how to write it."""
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r}: not a date or time; {FORMS}") from None
    return as_utc(when)
