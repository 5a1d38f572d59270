"""The Word and PDF readers: what they make of real files built here and in samples/."""

from __future__ import annotations

import io
import itertools
import zipfile
from pathlib import Path
from typing import Any

import pytest

from parsers import Limits, read
from parsers import docx as docx_reader
from parsers import pdf as pdf_reader
from parsers.errors import InputError
from parsers.numbering import format_number
from parsers.sniff import sniff
from tests import forms
from tests.conftest import SAMPLES

W = forms.W


def _numbering(doc: Any) -> tuple[str, str]:
    """Two lists: a （一）/1. list, and a bullet list; returns their numIds."""
    numbering = doc.part.numbering_part.element
    abs_ids = [int(a.get(f"{W}abstractNumId")) for a in numbering.iter(f"{W}abstractNum")]
    num_ids = [int(n.get(f"{W}numId")) for n in numbering.iter(f"{W}num")]
    first_num = numbering.find(f"{W}num")
    made = []
    for k, levels in enumerate(
        [[("chineseCounting", "（%1）"), ("decimal", "%2.")], [("bullet", "•")]]
    ):
        abs_id, num_id = str(max(abs_ids) + 1 + k), str(max(num_ids) + 1 + k)
        absn = forms._el("abstractNum", abstractNumId=abs_id)
        for ilvl, (fmt, text) in enumerate(levels):
            lvl = forms._el("lvl", ilvl=str(ilvl))
            lvl.append(forms._el("start", val="1"))
            lvl.append(forms._el("numFmt", val=fmt))
            lvl.append(forms._el("lvlText", val=text))
            absn.append(lvl)
        first_num.addprevious(absn)
        num = forms._el("num", numId=num_id)
        num.append(forms._el("abstractNumId", val=abs_id))
        numbering.append(num)
        made.append(num_id)
    return made[0], made[1]


def _num(paragraph: Any, num_id: str, ilvl: int | None) -> None:
    numpr = forms._el("numPr")
    if ilvl is not None:
        numpr.append(forms._el("ilvl", val=str(ilvl)))
    numpr.append(forms._el("numId", val=num_id))
    paragraph._p.get_or_add_pPr().insert(0, numpr)


@pytest.fixture(scope="module")
def small_docx() -> bytes:
    """A notice in miniature: numbering by paragraph and by style (through basedOn), a
    restarted list, a bullet, a deleted word, merged cells, a running header and footer."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE

    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "页眉文字"
    doc.sections[0].footer.paragraphs[0].text = "— 1 —"
    outline, bullets = _numbering(doc)
    # the task level comes through a style chain: Task Item -> Task Base (numPr, ilvl 1)
    base = doc.styles.add_style("Task Base", WD_STYLE_TYPE.PARAGRAPH)
    ppr = base.element.get_or_add_pPr()
    numpr = forms._el("numPr")
    numpr.append(forms._el("ilvl", val="1"))
    numpr.append(forms._el("numId", val=outline))
    ppr.insert(0, numpr)
    item = doc.styles.add_style("Task Item", WD_STYLE_TYPE.PARAGRAPH)
    item.base_style = base

    doc.add_paragraph("关于印发某区2021年政务公开工作要点分工方案的通知")
    kept = doc.add_paragraph("各单位：")
    deleted = forms._el("del", id="1", author="x", date="2021-01-01T00:00:00Z")
    run = forms._el("r")
    text = forms._el("delText")
    text.text = "删掉的字"
    run.append(text)
    deleted.append(run)
    kept._p.append(deleted)
    _num(doc.add_paragraph("注意事项"), bullets, 0)

    table = doc.add_table(rows=6, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "工作任务", "责任单位"
    heading = table.cell(1, 0).merge(table.cell(1, 1))
    heading.text = "加强公开"
    _num(heading.paragraphs[0], outline, 0)
    for r, task in ((2, "任务甲"), (3, "任务乙"), (5, "任务丁")):
        table.cell(r, 0).text = task
        table.cell(r, 0).paragraphs[0].style = doc.styles["Task Item"]
    sub = table.cell(4, 0)
    sub.text = "深化公开"
    _num(sub.paragraphs[0], outline, 0)
    table.cell(2, 1).text = "区政数局负责。"
    table.cell(2, 1).merge(table.cell(4, 1))  # over 任务甲, 任务乙 and the (二) row
    table.cell(5, 1).text = "区府办负责。"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_docx_reads_word_numbering_and_merged_cells(small_docx: bytes) -> None:
    doc = docx_reader.parse(small_docx)
    assert doc.format == "docx"
    paragraphs = [b.text for b in doc.blocks if b.kind == "paragraph"]
    # the bullet is no label; deleted text and the running header/footer are not read
    assert paragraphs == [
        "关于印发某区2021年政务公开工作要点分工方案的通知",
        "各单位：",
        "注意事项",
    ]
    rows = [[(c.text, c.origin, c.span, c.col) for c in b.cells] for b in doc.blocks if b.cells]
    assert rows == [
        [("工作任务", True, 1, 0), ("责任单位", True, 1, 1)],
        [("（一）加强公开", True, 2, 0)],
        [("1.任务甲", True, 1, 0), ("区政数局负责。", True, 1, 1)],
        [("2.任务乙", True, 1, 0), ("区政数局负责。", False, 1, 1)],
        [("（二）深化公开", True, 1, 0), ("区政数局负责。", False, 1, 1)],
        [("1.任务丁", True, 1, 0), ("区府办负责。", True, 1, 1)],
    ]
    first_row = next(b for b in doc.blocks if b.kind == "row")
    assert first_row.provenance.table == 0 and first_row.provenance.row == 0
    assert [b.provenance.paragraph for b in doc.blocks if b.kind == "paragraph"] == [0, 1, 2]


def test_docx_list_starting_below_its_top_level() -> None:
    """1. and 2. before any （一）: the top level counts as used once, so the next top-level
    item is （二）, as Word and LibreOffice draw it."""
    from docx import Document

    doc = Document()
    outline, _ = _numbering(doc)
    for text, level in (("甲", 1), ("乙", 1), ("丙", 0), ("5G基站", 1)):
        _num(doc.add_paragraph(text), outline, level)
    buf = io.BytesIO()
    doc.save(buf)
    blocks = docx_reader.parse(buf.getvalue()).blocks
    # a space keeps "1." apart from a number that follows (not the decimal 1.5)
    assert [b.text for b in blocks] == ["1.甲", "2.乙", "（二）丙", "1. 5G基站"]


def test_docx_list_defined_by_a_numbering_style() -> None:
    """Word's multilevel list styles: the num a paragraph names has an abstractNum with only a
    numStyleLink; the levels are on the list the numbering style points to."""
    from docx import Document

    doc = Document()
    numbering = doc.part.numbering_part.element
    first_num = numbering.find(f"{W}num")
    defined = forms._el("abstractNum", abstractNumId="90")
    defined.append(forms._el("styleLink", val="PlanList"))
    for ilvl, (fmt, text) in enumerate([("chineseCounting", "%1、"), ("decimal", "（%2）")]):
        lvl = forms._el("lvl", ilvl=str(ilvl))
        lvl.append(forms._el("start", val="1"))
        lvl.append(forms._el("numFmt", val=fmt))
        lvl.append(forms._el("lvlText", val=text))
        defined.append(lvl)
    linked = forms._el("abstractNum", abstractNumId="91")
    linked.append(forms._el("numStyleLink", val="PlanList"))
    first_num.addprevious(defined)
    first_num.addprevious(linked)
    for num_id, abs_id in (("90", "90"), ("91", "91")):
        num = forms._el("num", numId=num_id)
        num.append(forms._el("abstractNumId", val=abs_id))
        numbering.append(num)
    style = forms._el("style", type="numbering", styleId="PlanList")
    ppr = forms._el("pPr")
    numpr = forms._el("numPr")
    numpr.append(forms._el("numId", val="90"))
    ppr.append(numpr)
    style.append(ppr)
    doc.styles.element.append(style)
    for text, level in (("总体要求", 0), ("目标", 1), ("任务", 1), ("保障", 0)):
        _num(doc.add_paragraph(text), "91", level)
    buf = io.BytesIO()
    doc.save(buf)
    blocks = docx_reader.parse(buf.getvalue()).blocks
    assert [b.text for b in blocks] == ["一、总体要求", "（1）目标", "（2）任务", "二、保障"]


def test_docx_refuses_a_document_that_inflates_past_the_limit(small_docx: bytes) -> None:
    src = zipfile.ZipFile(io.BytesIO(small_docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":  # 3 MiB of white space: packs to KiB
                data = data.replace(b"<w:body>", b"<w:body>" + b" " * (3 * 2**20))
            dst.writestr(info, data)
    bomb = out.getvalue()
    assert len(bomb) < 100_000
    with pytest.raises(InputError, match=r"word/document.xml unpacks to 3 MiB, over the 2 MiB"):
        docx_reader.parse(bomb, limits=Limits(max_unpacked_bytes=2 * 2**20))
    assert docx_reader.parse(bomb).blocks  # under the default limit it is an ordinary file


@pytest.mark.skipif(forms.soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_a_doc_is_read_as_the_docx_libreoffice_makes_within_the_same_limits(
    small_docx: bytes, tmp_path: Path
) -> None:
    """The .doc path converts, then hands the DOCX to the dispatcher: the DOCX LibreOffice
    made is held to --max-unpacked-mb like any other (the DOCX reader's refusal, on a .doc of
    a few KiB; .doc files read under the default limits: tests/test_gold.py)."""
    source = tmp_path / "small.docx"
    source.write_bytes(small_docx)
    data = forms.convert(source, "doc", tmp_path).read_bytes()
    assert sniff(data) == "doc" and len(data) < 64 * 1024
    with pytest.raises(InputError, match=r"unpacks to \d+ MiB, over the 0 MiB limit"):
        read(data, Limits(max_unpacked_bytes=4096))


@pytest.mark.parametrize(
    ("n", "fmt", "want"),
    [
        (1, "chineseCounting", "一"),
        (10, "chineseCounting", "十"),
        (12, "chineseCountingThousand", "十二"),
        (20, "chineseCounting", "二十"),
        (105, "chineseCountingThousand", "一百零五"),
        (3, "chineseLegalSimplified", "叁"),
        (2, "ideographTraditional", "乙"),
        (3, "decimalEnclosedCircle", "③"),
        (4, "upperRoman", "IV"),
        (28, "lowerLetter", "bb"),
        (7, "decimalFullWidth", "７"),
        (7, "decimal", "7"),
    ],
)
def test_word_number_formats(n: int, fmt: str, want: str) -> None:
    assert format_number(n, fmt) == want


def _rows(path: Path) -> list[Any]:
    return [b for b in pdf_reader.parse(path.read_bytes()).blocks if b.kind == "row"]


@pytest.mark.parametrize("name", ["nansha-2020.pdf", "nansha-2020-lo.pdf"])
def test_pdf_stitches_the_table_over_its_pages(name: str) -> None:
    """One table whatever the page breaks: the header row once, rows cut by a break joined,
    one row per plan row."""
    _, plan = forms.seed_plan()
    rows = _rows(SAMPLES / name)
    assert {r.table for r in rows} == {0}
    assert [c.text for c in rows[0].cells] == ["工作任务", "责任单位和工作要求"]
    assert sum(1 for r in rows if r.cells[0].text == "工作任务") == 1
    assert len(rows) == 1 + len(plan.rows)
    z = forms._builder().zh_punct
    assert [r.cells[0].text.replace("\n", "") for r in rows[1:]] == [z(p.left) for p in plan.rows]
    pages = [r.provenance.page for r in rows]
    assert pages == sorted(pages) and pages[-1] == 5


def test_pdf_drops_running_headers_and_page_numbers_and_keeps_provenance() -> None:
    doc = pdf_reader.parse((SAMPLES / "nansha-2020.pdf").read_bytes())
    texts = [b.text for b in doc.blocks]
    assert not any(t == "南沙区政务公开" or t.startswith("—") for t in texts)
    title = doc.blocks[0]
    assert title.text.endswith("分工方案的通知")  # two centred lines, one paragraph
    assert title.provenance.page == 1 and title.provenance.bbox is not None
    x0, top, x1, bottom = title.provenance.bbox
    assert 0 < x0 < x1 < 596 and 0 < top < bottom < 200


def test_pdf_merged_cell_running_over_a_page_break(tmp_path: Path) -> None:
    """The reportlab variant draws merges by leaving out rules, so merged cells run over the
    page breaks: below the break the cell is the same merged cell (origin=False)."""
    _, plan = forms.seed_plan()
    rows = _rows(forms.variant_pdf(tmp_path / "v.pdf"))
    assert len(rows) == 1 + len(plan.rows)
    assert [c.text for c in rows[0].cells] == ["工作任务", "责任单位"]
    crossing = [
        (above, below)
        for above, below in itertools.pairwise(rows)
        if below.provenance.page == above.provenance.page + 1 and len(below.cells) == 2
    ]
    merged_over_break = 0
    for above, below in crossing:
        plan_row = plan.rows[rows.index(below) - 1]
        if plan_row.clause is None:  # inside a merged clause cell in the plan
            merged_over_break += 1
            assert below.cells[1].origin is False
            assert below.cells[1].text == above.cells[1].text == plan_row_clause(plan, plan_row)
    assert merged_over_break >= 1


def plan_row_clause(plan: Any, row: Any) -> str:
    return str(forms._builder().zh_punct(plan.groups[row.group].clause))


def test_pdf_leaves_out_glyphs_with_no_unicode_and_says_so() -> None:
    """A few glyphs with no Unicode behind them (a symbol font's private-use code points) in
    an otherwise readable page: the text is read without them, and a warning counts them."""
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    vera = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
    pdfmetrics.registerFont(TTFont("VeraSymbols", str(vera)))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    pdf.setFont("STSong-Light", 14)
    pdf.drawString(72, 760, "关于印发某区2021年政务公开工作要点分工方案的通知")
    pdf.setFont("VeraSymbols", 14)
    pdf.drawString(72, 730, "\ue001\ue002\ue003")
    pdf.save()
    doc = pdf_reader.parse(buf.getvalue())
    assert [b.text for b in doc.blocks] == ["关于印发某区2021年政务公开工作要点分工方案的通知"]
    # one warning per line left out, naming where it is: drawn at x 72, baseline 730 pt up an
    # A4 page (841.9 pt high), 14 pt: its top is about 842 - 730 - 11 pt from the page's top
    [warning] = doc.warnings
    assert warning.kind == "unreadable_text"
    assert warning.message == (
        "page 1: a line of 3 glyph(s) in a font with no Unicode map was left out "
        "(72 pt from the left, 101 pt from the top)"
    )
    assert warning.provenance is not None and warning.provenance.page == 1
    assert warning.provenance.bbox is not None and warning.provenance.bbox[0] == 72.0
