"""The Word and PDF readers on the files real documents send (tests/cases/formats, from the
shared cases of issue 11) and on forms of the same notice built here in other shapes
(tests/forms_linjiang.py), each ingested into a real DuckDB file and scored against its
hand-made gold."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from parsers import docx as docx_reader
from pipeline import ingest
from tests import forms_linjiang
from tests.scoring import score

CASES = forms_linjiang.CASES
LINJIANG = forms_linjiang.LINJIANG_GOLD
# every case file holds the 临江区 notice but tracked-moves.docx, which has a gold of its own
CASE_GOLD = {
    "nested-frame.docx": LINJIANG,
    "tracked-moves.docx": CASES / "tracked-moves.gold.json",
}
BUILT: dict[str, Callable[[Path], Path]] = {
    "frame-in-frame.docx": forms_linjiang.frame_docx,
    "tracked-table.docx": forms_linjiang.tracked_docx,
}


def _exact(db: Path, gold: Path) -> None:
    s = score(db, gold)
    assert s.meta_bad == []
    assert (s.sections, s.tasks, s.assignments) == (1.0, 1.0, 1.0), (s.missing, s.unexpected)
    assert s.deadlines_ok == s.n_tasks
    assert s.inherited_ok == s.n_assignments


@pytest.mark.parametrize("name", sorted(CASE_GOLD))
def test_case_files_match_their_gold(name: str, db: Path) -> None:
    report = ingest([CASES / name], db=db)
    assert [r.status for r in report.results] == ["ingested"], report.results[0].error
    _exact(db, CASE_GOLD[name])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("linjiang")
    for name, build in BUILT.items():
        build(folder / name)
    return folder


@pytest.mark.parametrize("name", sorted(BUILT))
def test_forms_built_here_match_the_gold(built: Path, name: str, db: Path) -> None:
    report = ingest([built / name], db=db)
    assert [r.status for r in report.results] == ["ingested"], report.results[0].error
    _exact(db, LINJIANG)


def test_docx_frame_of_one_cell_is_no_table() -> None:
    doc = docx_reader.parse((CASES / "nested-frame.docx").read_bytes())
    rows = [b for b in doc.blocks if b.kind == "row"]
    assert {r.table for r in rows} == {0}
    assert [c.text for c in rows[0].cells] == [
        "序号",
        "工作任务",
        "牵头单位",
        "配合单位",
        "完成时限",
    ]
    assert [c.text for c in rows[3].cells] == [
        "1",
        "及时公开区政府及部门制发的规范性文件，完成存量文件清理。",
        "区司法局",
        "区政务服务数据管理局",
        "2024年6月底前",
    ]
    assert len(rows) == 1 + 6 + 6  # header, six headings, six tasks


def test_docx_tracked_changes_accepted_and_hidden_text_left_out() -> None:
    doc = docx_reader.parse((CASES / "tracked-moves.docx").read_bytes())
    texts = [b.text for b in doc.blocks]
    assert texts[8:] == [
        "1.新增的任务文本INSERTED。",
        "区政数局负责。",
        "2.做好第二项工作。",
        "区财政局负责。",
        "3.做好第三项工作。被移走的文字MOVEDFROM",
        "区教育局负责。",
        "4.做好第四项工作。",
        "区民政局负责。",
    ]


def test_docx_built_with_tracked_rows_styles_and_marks(built: Path) -> None:
    """Rows deleted with tracked changes are gone, inserted rows stay; a unit moved between
    cells is read at its new place only; hidden text through a character or a paragraph style
    is not read; a cell paragraph whose mark was deleted joins the next."""
    doc = docx_reader.parse((built / "tracked-table.docx").read_bytes())
    texts = [b.text for b in doc.blocks if b.kind == "paragraph"]
    assert "临府办函〔2023〕99号" not in texts  # its paragraph style hides it
    rows = [[c.text for c in b.cells] for b in doc.blocks if b.kind == "row"]
    tasks = {r[0]: r for r in rows if r[0].isdigit()}
    assert sorted(tasks) == ["1", "2", "3", "4", "5", "6"]  # 7 was deleted, 6 inserted
    assert tasks["1"][2:] == ["区司法局", "区政务服务数据管理局", "2024年6月底前"]
    assert tasks["2"][3] == "区人力资源和社会保障局、区商务局"
    assert tasks["5"][3] == "区审计局"
    assert tasks["4"][1] == "按规定公开部门预算决算和“三公”经费，细化到功能分类项级科目。"
