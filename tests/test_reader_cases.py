"""The Word and PDF readers on the files real documents send (tests/cases/formats, from the
shared cases of issue 11) and on forms of the same notice built here in other shapes
(tests/forms_linjiang.py), each ingested into a real DuckDB file and scored against its
hand-made gold."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from parsers import docx as docx_reader
from parsers import pdf as pdf_reader
from parsers.errors import InputError
from pipeline import ingest
from tests import forms, forms_linjiang, forms_linjiang_pdf
from tests.scoring import score

CASES = forms_linjiang.CASES
LINJIANG = forms_linjiang.LINJIANG_GOLD
# every case file holds the 临江区 notice but tracked-moves.docx, which has a gold of its own
CASE_GOLD = {
    "nested-frame.docx": LINJIANG,
    "tracked-moves.docx": CASES / "tracked-moves.gold.json",
    "rotated.pdf": LINJIANG,
    "hidden-rule.pdf": LINJIANG,
    "pagebreak-180.pdf": LINJIANG,
    "norules-vertical.pdf": LINJIANG,
}
BUILT: dict[str, Callable[[Path], Path]] = {
    "frame-in-frame.docx": forms_linjiang.frame_docx,
    "tracked-table.docx": forms_linjiang.tracked_docx,
    "rotated-270.pdf": forms_linjiang_pdf.rotated_pdf,
    "hidden-rules.pdf": forms_linjiang_pdf.hidden_rule_pdf,
    "light-rule.pdf": forms_linjiang_pdf.light_rule_pdf,
    "pagebreak-co.pdf": forms_linjiang_pdf.pagebreak_pdf,
    "norules-tight.pdf": forms_linjiang_pdf.norules_pdf,
}
HEADINGS = 6  # the 临江区 plan: 一、 (一) (二) 二、 (一) (二)


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


def test_docx_deleted_list_item_is_not_counted() -> None:
    """A numbered paragraph deleted whole with tracked changes (its runs and its mark): Word
    shows the list as if it had never been there, so the next item is 2., not 3."""
    from docx import Document

    doc = Document()
    numbering = doc.part.numbering_part.element
    absn = forms_linjiang._el("abstractNum", abstractNumId="77")
    lvl = forms_linjiang._el("lvl", ilvl="0")
    for tag, value in (("start", "1"), ("numFmt", "decimal"), ("lvlText", "%1.")):
        lvl.append(forms_linjiang._el(tag, val=value))
    absn.append(lvl)
    numbering.find(f"{forms_linjiang.W}num").addprevious(absn)
    num = forms_linjiang._el("num", numId="77")
    num.append(forms_linjiang._el("abstractNumId", val="77"))
    numbering.append(num)
    for text in ("做好甲项工作。", "做好乙项工作。", "做好丙项工作。"):
        p = doc.add_paragraph()
        numpr = forms_linjiang._el("numPr")
        numpr.append(forms_linjiang._el("ilvl", val="0"))
        numpr.append(forms_linjiang._el("numId", val="77"))
        p._p.get_or_add_pPr().append(numpr)
        if text.startswith("做好乙"):
            p._p.append(forms_linjiang._change("del", forms_linjiang._run(text), n=1))
            rpr = forms_linjiang._el("rPr")
            rpr.append(forms_linjiang._change("del", n=2))
            p._p.get_or_add_pPr().append(rpr)
        else:
            p.add_run(text)
    buf = io.BytesIO()
    doc.save(buf)
    blocks = docx_reader.parse(buf.getvalue()).blocks
    assert [b.text for b in blocks] == ["1.做好甲项工作。", "2.做好丙项工作。"]


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


def _rows(path: Path) -> list[list[str]]:
    doc = pdf_reader.parse(path.read_bytes())
    return [[c.text for c in b.cells] for b in doc.blocks if b.kind == "row"]


@pytest.mark.parametrize("name", ["rotated.pdf", "hidden-rule.pdf", "pagebreak-180.pdf"])
def test_pdf_case_tables_come_out_as_one_table_of_whole_rows(name: str) -> None:
    """Upright on a rotated page; no row cut by a white rule; the row the page break left
    open joined: a header, six headings and six task rows with five cells each."""
    rows = _rows(CASES / name)
    assert len(rows) == 1 + HEADINGS + 6
    tasks = [r for r in rows if r[0].isdigit()]
    assert [r[0] for r in tasks] == ["1", "2", "3", "4", "5", "6"]
    assert tasks[1] == [
        "2",
        "围绕稳就业、促消费等主题开展政策解读，每季度至少发布一期图解。",
        "区发展和改革局",
        "区人力资源和社会保障局、区商务局",
        "持续推进",
    ]


def test_pdf_table_with_column_rules_only_is_split_at_its_numbers() -> None:
    rows = _rows(CASES / "norules-vertical.pdf")
    assert [r[0] for r in rows if len(r) == 1] == [
        "一、加强政策发布解读",
        "（一）做好政策文件公开。",
        "（二）规范政策咨询服务。",
        "二、深化重点领域信息公开",
        "（一）推进财政信息公开。",
        "（二）做好民生领域信息公开。",
    ]
    tasks = [r for r in rows if r[0].isdigit()]
    assert [r[0] for r in tasks] == ["1", "2", "3", "4", "5", "6"]  # 6 is on page 2
    assert tasks[3][1:] == [
        "按规定公开部门预算决算和“三公”经费，细化到功能分类项级科目。",
        "区财政局",
        "区各预算单位",
        "2024年9月底前",
    ]


def test_pdf_unreadable_headings_leave_the_task_rows_and_name_each_line() -> None:
    """The headings' font has no Unicode map: the task rows are read with their units, and
    each unreadable line is named by page and place (header row 2+4+4+4+4 glyphs, 一、加强政策
    发布解读 10, the subsection headings 12 each, 二、深化重点领域信息公开 12, and on page 2
    （二）做好民生领域信息公开。 14)."""
    doc = pdf_reader.parse((CASES / "cid-headings.pdf").read_bytes())
    rows = [[c.text for c in b.cells] for b in doc.blocks if b.kind == "row"]
    assert [r[0] for r in rows] == ["1", "2", "3", "4", "5", "6"]
    assert rows[0][2:] == ["区司法局", "区政务服务数据管理局", "2024年6月底前"]
    assert {w.kind for w in doc.warnings} == {"unreadable_text"}
    glyphs = [int(w.message.split("a line of ")[1].split(" ")[0]) for w in doc.warnings]
    assert glyphs == [18, 10, 12, 12, 12, 12, 14]
    pages = [w.provenance.page for w in doc.warnings if w.provenance]
    assert pages == [1, 1, 1, 1, 1, 1, 2]


def test_unreadable_headings_refused_saying_so_when_no_plan_is_left(db: Path) -> None:
    """With its header row and headings unreadable the plan table is not found: the file is
    refused saying the text is partly unreadable, not taken for a notice with no plan."""
    report = ingest([CASES / "cid-headings.pdf"], db=db)
    [result] = report.results
    assert result.status == "failed"
    assert "partly unreadable (7 line(s)" in (result.error or "")


def test_pdf_invisible_rules_are_not_rules(built: Path) -> None:
    """White in CMYK and in gray, a white bar, a 0-width stroke among real rules, a rule
    outside the clip, a transparent rule: none cuts a row, and nothing needed joining."""
    doc = pdf_reader.parse((built / "hidden-rules.pdf").read_bytes())
    rows = [b for b in doc.blocks if b.kind == "row"]
    assert len(rows) == 1 + HEADINGS + 6
    assert doc.warnings == []


def test_pdf_row_cut_by_a_visible_rule_is_joined_and_said(built: Path) -> None:
    doc = pdf_reader.parse((built / "light-rule.pdf").read_bytes())
    rows = [[c.text for c in b.cells] for b in doc.blocks if b.kind == "row"]
    assert len(rows) == 1 + HEADINGS + 6
    task = next(r for r in rows if r[0] == "2")
    assert task[1] == "围绕稳就业、促消费等主题开展政策解读，每季度至少发布一期图解。"
    [warning] = doc.warnings
    assert warning.kind == "reader" and "joined" in warning.message


def test_pdf_rows_without_rules_or_numbers_are_refused(tmp_path: Path, db: Path) -> None:
    """Column rules only and no task numbers: the rows cannot be told apart, so the file is
    refused in one line rather than stored with glued rows."""
    path = forms_linjiang_pdf.norules_pdf(tmp_path / "glued.pdf", numbered=False, row_gap=8)
    with pytest.raises(InputError, match="no rules between its rows and no row numbers"):
        pdf_reader.parse(path.read_bytes())
    report = ingest([path], db=db)
    assert [r.status for r in report.results] == ["failed"]


@pytest.mark.skipif(
    forms.soffice() is None or not forms_linjiang.has_cjk_fonts(),
    reason="LibreOffice (soffice) and fonts-noto-cjk are needed to lay the notice out",
)
def test_pdf_unreadable_body_line_is_left_out_with_a_warning(tmp_path: Path, db: Path) -> None:
    """One body paragraph in a font whose Unicode map was taken out: the notice is read whole
    but for that line, and a warning names it."""
    path = forms_linjiang.cid_body_pdf(tmp_path / "cid-body.pdf")
    doc = pdf_reader.parse(path.read_bytes())
    [warning] = doc.warnings
    glyphs = 2 + len(forms_linjiang.UNMAPPED_LINE)  # two ideographic spaces indent it
    assert warning.message.startswith(f"page 1: a line of {glyphs} glyph(s)")
    assert not any(forms_linjiang.UNMAPPED_LINE[:6] in b.text for b in doc.blocks)
    report = ingest([path], db=db)
    assert [r.status for r in report.results] == ["ingested"], report.results[0].error
    _exact(db, LINJIANG)
