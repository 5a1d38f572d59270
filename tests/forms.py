"""Forms of the seed notice built at test time, laid out differently from the committed ones in
samples/, so the readers are not tuned to one file.

The plan's rows come from samples/build_forms.py (built from the gold and checked there against
the seed). Here the same rows are laid out afresh:

- `variant_docx`: one three-level Word list for the whole plan (一、 / （一） / 1. all drawn by
  Word, the task level through a paragraph style's numPr), a 35 / 65 table with the header
  `主要任务 | 责任单位`, subsection rows that are a left cell beside an empty one, clause cells
  merged with vMerge, a page break inside the table, and 14 pt text so rows break elsewhere;
- `variant_pdf`: reportlab, no SPANs: a merged clause cell is drawn by leaving out the rules
  between its rows, so the page breaks fall inside merged cells wherever the text takes them;
  40 / 60 columns, 11 pt, 第N页 footers, header row repeated;
- `printed_page_pdf`: the seed web page printed to PDF, with no table at all.
"""

from __future__ import annotations

import html
import importlib.util
import io
import json
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from tests.conftest import GOLD, SAMPLES, SEED

SEED_GOLD = GOLD / "nansha-2020.gold.json"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@cache
def _builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_forms", SAMPLES / "build_forms.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def seed_plan() -> tuple[Any, Any]:
    """(front matter, plan rows) of the seed notice."""
    bf = _builder()
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    plan = bf.build_plan(gold)
    return bf.read_seed(gold, plan), plan


def _el(tag: str, **attrs: str) -> Any:
    from docx.oxml import OxmlElement

    el = OxmlElement(f"w:{tag}")
    for k, v in attrs.items():
        el.set(f"{W}{k}", v)
    return el


def _fonts(run: Any, east_asia: str, size: float) -> None:
    from docx.shared import Pt

    run.font.size = Pt(size)
    rpr = run._r.get_or_add_rPr()
    rpr.append(_el("rFonts", eastAsia=east_asia, ascii="Liberation Serif"))


def _plan_list(doc: Any) -> tuple[str, str]:
    """One three-level list (一、 / （一） / 1.) and a paragraph style whose numPr puts a
    paragraph on the task level; returns (numId, style id)."""
    numbering = doc.part.numbering_part.element
    abs_id = str(
        1 + max(int(a.get(f"{W}abstractNumId")) for a in numbering.iter(f"{W}abstractNum"))
    )
    num_id = str(1 + max(int(n.get(f"{W}numId")) for n in numbering.iter(f"{W}num")))
    absn = _el("abstractNum", abstractNumId=abs_id)
    absn.append(_el("multiLevelType", val="multilevel"))
    for ilvl, (fmt, text) in enumerate(
        [("chineseCountingThousand", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3.")]
    ):
        lvl = _el("lvl", ilvl=str(ilvl))
        lvl.append(_el("start", val="1"))
        lvl.append(_el("numFmt", val=fmt))
        lvl.append(_el("suff", val="nothing"))
        lvl.append(_el("lvlText", val=text))
        absn.append(lvl)
    first_num = numbering.find(f"{W}num")
    first_num.addprevious(absn)
    num = _el("num", numId=num_id)
    num.append(_el("abstractNumId", val=abs_id))
    numbering.append(num)

    from docx.enum.style import WD_STYLE_TYPE

    style = doc.styles.add_style("Plan Task", WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    ppr = style.element.get_or_add_pPr()
    numpr = _el("numPr")
    numpr.append(_el("ilvl", val="2"))
    numpr.append(_el("numId", val=num_id))
    ppr.insert(0, numpr)
    return num_id, style.name


def variant_docx(
    path: Path, size: float = 14, left: float = 0.35, font: str = "Noto Sans CJK SC"
) -> Path:
    """`size`: the table's font size (pt); `left`: the task column's share of the width."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Cm

    fm, plan = seed_plan()
    bf = _builder()
    z = bf.zh_punct
    doc = Document()
    sect = doc.sections[0]
    sect.page_width, sect.page_height = Cm(21.0), Cm(29.7)
    sect.left_margin = sect.right_margin = Cm(2.2)
    head = sect.header.paragraphs[0]
    head.text = "某某区人民政府办公室文件"
    foot = sect.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot.text = "- 1 -"

    def para(text: str, pt: float = 15, align: Any = None) -> Any:
        p = doc.add_paragraph()
        p.alignment = align
        _fonts(p.add_run(text), font, pt)
        return p

    para(z(fm.title), 20, WD_ALIGN_PARAGRAPH.CENTER)
    para(z(fm.addressees))
    for text in fm.preamble:
        para("\u3000\u3000" + z(text))
    para(z(fm.signature), align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(z(fm.sign_date), align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(z(fm.plan_title), 20, WD_ALIGN_PARAGRAPH.CENTER).runs[0].add_break(WD_BREAK.LINE)

    num_id, task_style = _plan_list(doc)
    table = doc.add_table(rows=1 + len(plan.rows), cols=2)
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    width = sect.page_width - sect.left_margin - sect.right_margin
    widths = (int(width * left), width - int(width * left))
    for col, w in zip(table.columns, widths, strict=True):
        col.width = w
        for cell in col.cells:
            cell.width = w
    table.rows[0]._tr.get_or_add_trPr().append(_el("tblHeader"))

    def write(cell: Any, text: str, *, level: int | None = None, style: str | None = None) -> Any:
        p = cell.paragraphs[0]
        if style:
            p.style = doc.styles[style]
        if level is not None:
            numpr = _el("numPr")
            numpr.append(_el("ilvl", val=str(level)))
            numpr.append(_el("numId", val=num_id))
            p._p.get_or_add_pPr().insert(0, numpr)
        _fonts(p.add_run(text), font, size)
        return p

    write(table.cell(0, 0), "主要任务")
    write(table.cell(0, 1), "责任单位")
    for i, row in enumerate(plan.rows, start=1):
        task_cell, clause_cell = table.cell(i, 0), table.cell(i, 1)
        if row.kind == "section":
            p = write(task_cell.merge(clause_cell), z(row.text), level=0)
            if row.key == "三":  # a page break inside the table, before this row
                brk = _el("r")
                brk.append(_el("br", type="page"))
                p.runs[0]._r.addprevious(brk)
        elif row.kind == "subsection":
            write(task_cell, z(row.text), level=1)  # beside an empty (or merged) clause cell
        else:
            write(task_cell, z(row.text), style=task_style if row.label else None)
            if row.clause is not None:
                write(clause_cell, z(row.clause))
    for g in plan.groups:
        if g.last > g.first:
            table.cell(1 + g.first, 1).merge(table.cell(1 + g.last, 1))
    doc.save(path)
    return path


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(source: Path, target: str, outdir: Path) -> Path:
    """LibreOffice's conversion of `source` into `target` format (pdf, doc)."""
    program = soffice()
    assert program, "soffice is needed"
    profile = (outdir / "lo-profile").as_uri()
    subprocess.run(
        [
            program,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    out = outdir / f"{source.stem}.{target.split(':')[0]}"
    assert out.exists(), f"LibreOffice made no {out.name}"
    return out


def variant_pdf(path: Path, size: float = 11, left_mm: float = 68) -> Path:
    """`size`: the table's font size (pt); `left_mm`: the task column's width (of 170 mm)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = "STSong-Light"
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    fm, plan = seed_plan()
    z = _builder().zh_punct
    base = ParagraphStyle("b", fontName=font, fontSize=13, leading=22, wordWrap="CJK")
    title = ParagraphStyle("t", base, fontSize=20, leading=30, alignment=1)
    right = ParagraphStyle("r", base, alignment=2)
    indent = ParagraphStyle("i", base, firstLineIndent=26)
    cell = ParagraphStyle("c", base, fontSize=size, leading=size * 1.45)

    def p(text: str, style: ParagraphStyle = cell) -> Paragraph:
        return Paragraph(html.escape(z(text)), style)

    story: list[Any] = [p(fm.title, title), Spacer(1, 8), p(fm.addressees, base)]
    story += [p(t, indent) for t in fm.preamble]
    story += [Spacer(1, 20), p(fm.signature, right), p(fm.sign_date, right), Spacer(1, 30)]
    story.append(p(fm.plan_title, title))
    data: list[list[Any]] = [[p("工作任务"), p("责任单位")]]
    commands: list[tuple[Any, ...]] = [
        ("BOX", (0, 0), (-1, -1), 0.8, "black"),
        ("LINEAFTER", (0, 0), (0, 0), 0.8, "black"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, "black"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    covered = {i for g in plan.groups for i in range(g.first + 1, g.last + 1)}
    for i, row in enumerate(plan.rows):
        r = i + 1
        if row.kind == "section" or (row.kind == "subsection" and not row.crossed):
            data.append([p(row.left), ""])
            commands.append(("SPAN", (0, r), (1, r)))
        else:
            data.append([p(row.left), p(row.clause) if row.clause else ""])
            commands.append(("LINEAFTER", (0, r), (0, r), 0.8, "black"))
        # the rule above a row: in the clause column only where no merged cell runs through
        commands.append(("LINEABOVE", (0, r), (0, r), 0.8, "black"))
        if i not in covered:
            commands.append(("LINEABOVE", (1, r), (1, r), 0.8, "black"))
    table = Table(data, colWidths=[left_mm * mm, (170 - left_mm) * mm], repeatRows=1)
    table.setStyle(TableStyle(commands))
    story.append(table)

    def furniture(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 10)
        canvas.drawRightString(A4[0] - 20 * mm, A4[1] - 10 * mm, "某某区政务公开工作领导小组")
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=22 * mm
    )
    doc.build(story, onFirstPage=furniture, onLaterPages=furniture)
    path.write_bytes(buf.getvalue())
    return path


def printed_page_pdf(path: Path) -> Path:
    """The seed web page printed to PDF, a line of the page per paragraph: no table, the
    site's header and footer around the notice (reportlab, 12 pt, first-line indents)."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    font = "STSong-Light"
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    style = ParagraphStyle(
        "p", fontName=font, fontSize=12, leading=20, wordWrap="CJK", firstLineIndent=24
    )
    lines = [ln.strip() for ln in SEED.read_text(encoding="utf-8").splitlines() if ln.strip()]
    SimpleDocTemplate(str(path)).build([Paragraph(html.escape(ln), style) for ln in lines])
    return path
