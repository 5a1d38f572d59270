"""Every form of the seed notice, ingested into a real DuckDB file, against its hand-made gold."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import ingest
from tests import forms
from tests.conftest import GOLD, SAMPLES, SEED
from tests.scoring import score

SEED_GOLD = GOLD / "nansha-2020.gold.json"
SEED_FORMS = [SEED, SAMPLES / "nansha-2020-gbk.html"]
# The attachments: Word and PDF carry no web page, so no 发布日期 (publish_date) to read.
ATTACHMENT_FORMS = [
    SAMPLES / "nansha-2020.docx",
    SAMPLES / "nansha-2020.pdf",
    SAMPLES / "nansha-2020-lo.pdf",
]
NO_PUBLISH_DATE = ["publish_date: want '2020-09-24' got None"]


@pytest.mark.parametrize("path", SEED_FORMS + ATTACHMENT_FORMS, ids=lambda p: p.name)
def test_seed_forms_match_the_gold_exactly(path: Path, db: Path) -> None:
    report = ingest([path], db=db)
    assert [r.status for r in report.results] == ["ingested"], report.results[0].error
    s = score(db, SEED_GOLD)
    assert s.meta_bad == ([] if path in SEED_FORMS else NO_PUBLISH_DATE)
    assert (s.sections, s.tasks, s.assignments) == (1.0, 1.0, 1.0), (s.missing, s.unexpected)
    assert s.deadlines_ok == s.n_tasks == 43
    assert s.inherited_ok == s.n_assignments == 109


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Forms of the seed laid out at test time, unlike the committed ones (tests/forms.py)."""
    folder = tmp_path_factory.mktemp("forms")
    forms.variant_docx(folder / "variant.docx")
    forms.variant_pdf(folder / "variant-reportlab.pdf")
    forms.printed_page_pdf(folder / "printed-page.pdf")
    return folder


def _variant(built: Path, name: str) -> Path:
    path = built / name
    if path.exists():
        return path
    if forms.soffice() is None:
        pytest.skip(
            "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
        )
    source = built / "variant.docx"
    if name.endswith(".doc"):
        return forms.convert(source, "doc", built)
    if name == "nansha-2020-rtf.doc":  # RTF published under a .doc name
        rtf = forms.convert(SAMPLES / "nansha-2020.docx", "rtf", built)
        return rtf.rename(path)
    if name == "nansha-2020-via-doc.docx":
        # the committed DOCX saved as .doc and back by LibreOffice: its export splits each list
        # into a first item and the rest, which only counting as Word and LibreOffice do reads
        doc = forms.convert(SAMPLES / "nansha-2020.docx", "doc", built)
        back = built / "back"
        back.mkdir()
        return forms.convert(doc, "docx", back).rename(path)
    lo = forms.convert(source, "pdf", built)  # variant.pdf: LibreOffice's layout and fonts
    return lo.rename(path)


@pytest.mark.parametrize(
    "name",
    [
        "variant.docx",
        "variant-reportlab.pdf",
        "printed-page.pdf",
        "variant-lo.pdf",
        "variant.doc",
        "nansha-2020-via-doc.docx",
        "nansha-2020-rtf.doc",
    ],
)
def test_independently_built_forms_match_the_gold(built: Path, name: str, db: Path) -> None:
    path = _variant(built, name)
    report = ingest([path], db=db)
    assert [r.status for r in report.results] == ["ingested"], report.results[0].error
    s = score(db, SEED_GOLD)
    # the printed web page has its 发布日期 line; the Word and PDF layouts have none
    assert s.meta_bad == ([] if name == "printed-page.pdf" else NO_PUBLISH_DATE)
    assert (s.sections, s.tasks, s.assignments) == (1.0, 1.0, 1.0), (s.missing, s.unexpected)
    assert s.deadlines_ok == s.n_tasks == 43
    assert s.inherited_ok == s.n_assignments == 109
