"""Every form of the seed notice, ingested into a real DuckDB file, against its hand-made gold."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import ingest
from tests.conftest import GOLD, SAMPLES, SEED
from tests.scoring import score

SEED_GOLD = GOLD / "nansha-2020.gold.json"
SEED_FORMS = [SEED, SAMPLES / "nansha-2020-gbk.html"]


@pytest.mark.parametrize("path", SEED_FORMS, ids=lambda p: p.name)
def test_seed_forms_match_the_gold_exactly(path: Path, db: Path) -> None:
    report = ingest([path], db=db)
    assert [r.status for r in report.results] == ["ingested"], report.results[0].error
    s = score(db, SEED_GOLD)
    assert s.meta_bad == []
    assert (s.sections, s.tasks, s.assignments) == (1.0, 1.0, 1.0), (s.missing, s.unexpected)
    assert s.deadlines_ok == s.n_tasks == 43
    assert s.inherited_ok == s.n_assignments == 109
