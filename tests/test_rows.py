"""A notice's rows as a parser worker builds them (warehouse/rows.py): the same rows the
model maps to, its model back whole from its JSON, and the store's time filled in by the
writer without touching the rows themselves."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import pytest

from pipeline import parse
from tests.conftest import SAMPLES, SEED
from warehouse import changes, versions
from warehouse.links import notice_texts
from warehouse.mapping import MAPS
from warehouse.rows import STAMPED, NoticeRows

FORMS = [SEED, SAMPLES / "nansha-2020-gbk.html", SAMPLES / "nansha-2020.docx"]


@pytest.mark.parametrize("path", FORMS, ids=lambda p: Path(p).suffix)
def test_rows_sent_as_pickle_give_back_the_model_and_its_rows(path: Path) -> None:
    notice = parse(path)
    rows = pickle.loads(pickle.dumps(NoticeRows.of(notice, as_json=True)))
    assert rows.notice() == notice  # the model, whole, from its JSON
    at = dt.datetime(2026, 11, 30, 12, 0)
    stamped = rows.stamped(at)
    expected = {m.table: m.columns_of(notice, at) for m in MAPS.values()}
    expected["task_changes"] = changes.new_columns(notice, at)
    expected["notice_versions"] = versions.columns(notice, at)
    assert stamped == expected
    assert rows.texts == notice_texts(notice)
    assert (rows.notice_id, rows.sha256, rows.path) == (
        notice.notice_id,
        notice.source.sha256,
        notice.source.path,
    )
    assert rows.reading == versions.Reading.of(notice)
    assert rows.reading.tasks == len(notice.tasks) > 0


def test_stamping_leaves_the_rows_as_they_were() -> None:
    """A group retried notice by notice stamps the same rows again, at another time."""
    rows = NoticeRows.of(parse(SEED))
    first = rows.stamped(dt.datetime(2026, 1, 1))
    second = rows.stamped(dt.datetime(2026, 1, 2))
    for table, names in STAMPED.items():
        for name in names:
            assert set(first[table][name]) == {dt.datetime(2026, 1, 1)}
            assert set(second[table][name]) == {dt.datetime(2026, 1, 2)}
            assert set(rows.columns[table][name]) == {None}
