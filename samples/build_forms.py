"""Build the Nansha 2020 notice in other real-world forms, for parser tests.

Run from the repository root::

    .venv/bin/python samples/build_forms.py            # build + verify
    .venv/bin/python samples/build_forms.py --lo       # also convert the DOCX with LibreOffice

Inputs (read only):

* ``samples/000_5d162360d2d8264b.txt`` -- the scraped web page (the seed), which gives the
  notice front matter (title, addressees, preamble, signature, dates) and the site furniture;
* ``tests/gold/nansha-2020.gold.json`` -- the gold answer, which gives the plan's structure:
  sections, subsections, tasks, each task's responsibility clause and whether that clause is
  inherited (i.e. sits in a cell vertically merged over several tasks).

Outputs (all in ``samples/``), written byte-for-byte deterministically:

* ``nansha-2020.docx``     -- one real Word table (repeating header row, gridSpan, vMerge,
  Word auto-numbering for the subsection and task labels, a forced page break inside the table,
  running header / page-number footer);
* ``nansha-2020.pdf``      -- reportlab, STSong-Light CID font, ruled table with SPANs,
  header row repeated on every page, a vertically merged cell split across a page break,
  running header and "— N —" footer;
* ``nansha-2020-gbk.html`` -- a GBK-encoded page that declares ``charset=gb2312``, with site
  furniture, rowspan/colspan table and characters outside GB2312;
* ``nansha-2020-lo.pdf``   -- only with ``--lo``: the DOCX laid out by LibreOffice
  (``soffice --headless --convert-to pdf``), dates and IDs pinned afterwards.

The plan table is rebuilt from the gold, and the script checks that flattening it one cell per
paragraph gives back exactly the table part of the seed, so the forms and the gold cannot drift.

Punctuation: the seed was scraped through NFKC, so it has ASCII ``,:;()``.  The built forms
use the full-width forms ``，：；（）`` that the original page used; NFKC maps them back to the
gold text exactly (this is checked below).
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SEED = HERE / "000_5d162360d2d8264b.txt"
GOLD = ROOT / "tests" / "gold" / "nansha-2020.gold.json"
OUT_DOCX = HERE / "nansha-2020.docx"
OUT_PDF = HERE / "nansha-2020.pdf"
OUT_HTML = HERE / "nansha-2020-gbk.html"
OUT_LO_PDF = HERE / "nansha-2020-lo.pdf"

HEADER_LEFT = "工作任务"
HEADER_RIGHT = "责任单位和工作要求"
RUNNING_HEADER = "南沙区政务公开"
# A fixed instant for every timestamp we control (the notice's signing day, 09:00 Beijing).
FIXED_TIME = dt.datetime(2020, 9, 22, 1, 0, 0, tzinfo=dt.UTC)
# Section (一、) row that is forced onto a new page inside the DOCX table.
DOCX_BREAK_BEFORE_SECTION = "四"

CN_NUM = "一二三四五六七八九十"


# --------------------------------------------------------------------------------------------
# Model: the plan table, rebuilt from the gold and checked against the seed
# --------------------------------------------------------------------------------------------


def zh_punct(text: str) -> str:
    """Restore the full-width punctuation of the original page (inverse of NFKC here)."""
    return text.translate(str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）"}))


@dataclass
class Row:
    """One row of the plan table, in document order."""

    kind: str  # "section" | "subsection" | "task"
    key: str  # gold key: "一", "一.(一)", "一.(一).1", "三.(三)" (unnumbered task)
    label: str  # literal label as printed: "一、", "(一)", "1.", "" (ASCII punctuation)
    text: str  # text after the label (ASCII punctuation, as in the gold)
    clause: str | None = None  # task rows that own a responsibility cell: its text
    group: int | None = None  # task rows (and crossed subsection rows): merge-group index
    crossed: bool = False  # subsection row lying inside a vertically merged clause cell

    @property
    def left(self) -> str:
        return self.label + self.text


@dataclass
class Group:
    """A responsibility cell, vertically merged over rows[first..last] (inclusive)."""

    clause: str
    first: int
    last: int
    tasks: list[int] = field(default_factory=list)


@dataclass
class Plan:
    rows: list[Row]
    groups: list[Group]


def build_plan(gold: dict) -> Plan:
    """Turn the gold's sections/tasks into table rows and merge groups."""
    titles = {s["key"]: s["title"] for s in gold["sections"]}
    rows: list[Row] = []
    groups: list[Group] = []
    cur_sec = cur_sub = None
    for task in gold["tasks"]:
        parts = task["key"].split(".")
        sec, sub = parts[0], ".".join(parts[:2])
        if sec != cur_sec:
            rows.append(Row("section", sec, sec + "、", titles[sec]))
            cur_sec, cur_sub = sec, None
        if sub != cur_sub:
            rows.append(Row("subsection", sub, parts[1], titles[sub]))
            cur_sub = sub
        label = parts[2] + "." if len(parts) == 3 else ""
        flags = {a["inherited"] for a in task["assignments"]}
        if len(flags) != 1:
            raise ValueError(f"{task['key']}: mixed inherited flags")
        row = Row("task", task["key"], label, task["text"])
        if flags == {True}:
            # Inherits the clause cell of the task above; never across a top-level section.
            prev = groups[-1]
            if rows[prev.first].key.split(".")[0] != sec or prev.clause != task["clause"]:
                raise ValueError(f"{task['key']}: inherited clause does not match the cell above")
            prev.last = len(rows)
            prev.tasks.append(len(rows))
            row.group = len(groups) - 1
        else:
            row.clause = task["clause"]
            row.group = len(groups)
            groups.append(Group(task["clause"], len(rows), len(rows), [len(rows)]))
        rows.append(row)
    # A subsection row strictly inside a merge group cannot span both columns: the merged clause
    # cell runs down through its right-hand cell (this is what the original page had, e.g. 二.(二)).
    for gi, g in enumerate(groups):
        for i in range(g.first + 1, g.last):
            if rows[i].kind == "subsection":
                rows[i].crossed = True
                rows[i].group = gi
    return Plan(rows, groups)


def flatten(plan: Plan) -> list[str]:
    """The table flattened one cell per paragraph, merged cells once (like the seed)."""
    out: list[str] = []
    for row in plan.rows:
        out.append(row.left)
        if row.clause is not None:
            out.append(row.clause)
    return out


@dataclass
class FrontMatter:
    title: str
    source: str
    publish_date: str
    addressees: str
    preamble: list[str]
    signature: str
    sign_date: str
    plan_title: str


def read_seed(gold: dict, plan: Plan) -> FrontMatter:
    """Pull the notice front matter out of the seed and check its table against the plan."""
    lines = [ln.strip() for ln in SEED.read_text(encoding="utf-8").splitlines()]
    lines = [ln for ln in lines if ln]
    notice = gold["notice"]
    i_title = lines.index(notice["title"])
    i_plan = lines.index(notice["plan_title"], i_title + 1)
    source = publish = addressees = signature = sign_date = ""
    preamble: list[str] = []
    for ln in lines[i_title + 1 : i_plan]:
        if m := re.match(r"来源:(.+?)发布日期:(\d{4}-\d\d-\d\d)", ln):
            source, publish = m.groups()
        elif ln.startswith("【"):
            continue  # font-size widget, rebuilt by the HTML form
        elif ln.endswith(":") and not preamble:
            addressees = ln
        elif ln.startswith(notice["issuer"]):
            signature = ln
        elif re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", ln):
            sign_date = ln
        else:
            preamble.append(ln)
    # The table: from the header pair to the footer furniture.
    i_head = lines.index(HEADER_LEFT, i_plan)
    if lines[i_head + 1] != HEADER_RIGHT:
        raise ValueError("seed: table header not found")
    i_end = lines.index("联系我们| 友情链接| 网站地图", i_head)
    seed_cells = lines[i_head + 2 : i_end]
    if seed_cells != flatten(plan):
        raise ValueError("seed table and gold-built plan disagree")
    if publish != notice["publish_date"]:
        raise ValueError("seed publish date does not match the gold")
    return FrontMatter(
        notice["title"],
        source,
        publish,
        addressees,
        preamble,
        signature,
        sign_date,
        notice["plan_title"],
    )


# --------------------------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------------------------
#
# Which labels are literal and which come from Word numbering:
#   * header row, section rows "一、…": literal text;
#   * subsection rows "（一）…": Word numbering, level 0, chineseCounting, lvlText "（%1）";
#   * task rows "1.…": Word numbering, level 1, decimal, lvlText "%2." (restarts after each
#     subsection by the default lvlRestart rule);
#   * unnumbered tasks (三.(三), 五.(四)): no label at all, no numPr.
# Each top-level section gets its own abstractNum + num, so the subsection counter restarts at
# （一） in every section in Word and in LibreOffice alike.  A reader that only looks at the
# paragraph text (python-docx ``paragraph.text``) sees no subsection/task labels: it has to
# rebuild them from numbering.xml.

DOCX_FONT_LATIN = "Times New Roman"
DOCX_FONT_BODY = "宋体"  # SimSun
DOCX_FONT_TITLE = "方正小标宋简体"  # the usual gov title face; substituted where absent
DOCX_FONT_HEAD = "黑体"  # SimHei


def _w(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(f"w:{tag}")


def _el(tag: str, **attrs: str):
    """A new w:tag element with w:-qualified attributes."""
    from docx.oxml import OxmlElement

    el = OxmlElement(f"w:{tag}")
    for k, v in attrs.items():
        el.set(_w(k), v)
    return el


def _set_fonts(rpr_owner, east_asia: str, size_pt: float | None = None, bold: bool = False):
    """Set Latin + eastAsia fonts on a run or style (python-docx only sets ascii/hAnsi)."""
    from docx.shared import Pt

    font = rpr_owner.font
    font.name = DOCX_FONT_LATIN
    if size_pt is not None:
        font.size = Pt(size_pt)
    if bold:
        font.bold = True
    rpr = rpr_owner.element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(_w("eastAsia"), east_asia)
    rfonts.set(_w("hint"), "eastAsia")


def _add_numbering(document, sections: list[str]) -> dict[str, str]:
    """Add one two-level list definition per top-level section; return section -> numId."""
    numbering = document.part.numbering_part.element
    abstract_ids = [int(a.get(_w("abstractNumId"))) for a in numbering.findall(_w("abstractNum"))]
    num_ids = [int(n.get(_w("numId"))) for n in numbering.findall(_w("num"))]
    next_abs, next_num = max(abstract_ids, default=0) + 1, max(num_ids, default=0) + 1
    # abstractNum elements must precede all num elements (CT_Numbering sequence).
    insert_at = len(numbering.findall(_w("abstractNum")))
    result: dict[str, str] = {}
    for k, sec in enumerate(sections):
        abs_id, num_id = str(next_abs + k), str(next_num + k)
        absn = _el("abstractNum", abstractNumId=abs_id)
        absn.append(_el("nsid", val=f"5A{abs_id.zfill(6)}"))
        absn.append(_el("multiLevelType", val="multilevel"))
        levels = [("chineseCounting", "（%1）"), ("decimal", "%2.")]
        for ilvl, (fmt, text) in enumerate(levels):
            lvl = _el("lvl", ilvl=str(ilvl))
            lvl.append(_el("start", val="1"))
            lvl.append(_el("numFmt", val=fmt))
            lvl.append(_el("suff", val="nothing"))  # no tab after the label
            lvl.append(_el("lvlText", val=text))
            lvl.append(_el("lvlJc", val="left"))
            ppr = _el("pPr")
            ppr.append(_el("ind", left="0", firstLine="0"))
            lvl.append(ppr)
            rpr = _el("rPr")
            rpr.append(
                _el("rFonts", ascii=DOCX_FONT_LATIN, hAnsi=DOCX_FONT_LATIN, eastAsia=DOCX_FONT_BODY)
            )
            if ilvl == 0:
                rpr.append(_el("b"))
            lvl.append(rpr)
            absn.append(lvl)
        numbering.insert(insert_at + k, absn)
        num = _el("num", numId=num_id)
        num.append(_el("abstractNumId", val=abs_id))
        for ilvl in (0, 1):
            ovr = _el("lvlOverride", ilvl=str(ilvl))
            ovr.append(_el("startOverride", val="1"))
            num.append(ovr)
        numbering.append(num)
        result[sec] = num_id
    return result


def _set_num(paragraph, num_id: str, ilvl: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    numpr = _el("numPr")
    numpr.append(_el("ilvl", val=str(ilvl)))
    numpr.append(_el("numId", val=num_id))
    ppr.insert(0, numpr)  # numPr comes early in CT_PPr; pStyle/keepNext etc. are not used here


def _cell_text(cell, text: str, *, bold: bool = False, center: bool = False):
    """Write text into the cell's first paragraph; return that paragraph."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    para = cell.paragraphs[0]
    if center:
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = para.add_run(text)
    _set_fonts(run, DOCX_FONT_HEAD if bold else DOCX_FONT_BODY, bold=bold)
    return para


def _add_page_field(paragraph) -> None:
    """Append a PAGE field (complex field: begin / instr / separate / result / end)."""
    from docx.oxml import OxmlElement

    def run_with(child):
        run = paragraph.add_run()
        run._r.append(child)
        return run

    run_with(_el("fldChar", fldCharType="begin"))
    instr = OxmlElement("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = " PAGE "
    run_with(instr)
    run_with(_el("fldChar", fldCharType="separate"))
    paragraph.add_run("1")
    run_with(_el("fldChar", fldCharType="end"))


def build_docx(fm: FrontMatter, plan: Plan, path: Path) -> None:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    normal = doc.styles["Normal"]
    _set_fonts(normal, DOCX_FONT_BODY, size_pt=12)
    normal.paragraph_format.space_after = Pt(0)

    sect = doc.sections[0]
    sect.page_width, sect.page_height = Cm(21.0), Cm(29.7)
    sect.top_margin, sect.bottom_margin = Cm(3.7), Cm(3.5)
    sect.left_margin, sect.right_margin = Cm(2.8), Cm(2.6)
    sect.header_distance, sect.footer_distance = Cm(1.5), Cm(2.0)

    # Running header and page-number footer: furniture the reader must ignore.
    hp = sect.header.paragraphs[0]
    hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_fonts(hp.add_run(RUNNING_HEADER), DOCX_FONT_BODY, size_pt=9)
    fp = sect.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_fonts(fp.add_run("— "), DOCX_FONT_BODY, size_pt=14)
    _add_page_field(fp)
    _set_fonts(fp.add_run(" —"), DOCX_FONT_BODY, size_pt=14)
    for run in fp.runs:
        run.font.size = Pt(14)

    def para(text: str, *, align=None, font=DOCX_FONT_BODY, size=16, bold=False, indent=False):
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        p.paragraph_format.line_spacing = Pt(28)
        if indent:
            # Two-character first-line indent (w:firstLineChars) instead of literal U+3000s.
            p.paragraph_format.first_line_indent = Pt(2 * size)
            p._p.pPr.ind.set(_w("firstLineChars"), "200")
        _set_fonts(p.add_run(text), font, size_pt=size, bold=bold)
        return p

    para(zh_punct(fm.title), align=WD_ALIGN_PARAGRAPH.CENTER, font=DOCX_FONT_TITLE, size=22)
    para("")
    para(zh_punct(fm.addressees))
    for text in fm.preamble:
        para(zh_punct(text), indent=True)
    para("")
    para(zh_punct(fm.signature), align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(zh_punct(fm.sign_date), align=WD_ALIGN_PARAGRAPH.RIGHT)
    # The plan (the notice's attachment) starts on a new page, as in the printed original.
    title = para(
        zh_punct(fm.plan_title), align=WD_ALIGN_PARAGRAPH.CENTER, font=DOCX_FONT_TITLE, size=22
    )
    title.paragraph_format.page_break_before = True
    para("")

    # ---- the table --------------------------------------------------------------------------
    nums = _add_numbering(doc, [r.key for r in plan.rows if r.kind == "section"])
    text_width = sect.page_width - sect.left_margin - sect.right_margin
    widths = (int(text_width * 0.55), text_width - int(text_width * 0.55))
    table = doc.add_table(rows=1 + len(plan.rows), cols=2)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for col, width in zip(table.columns, widths, strict=True):
        col.width = width
        for cell in col.cells:
            cell.width = width

    header = table.rows[0]
    header._tr.get_or_add_trPr().append(_el("tblHeader"))  # repeat on every page
    _cell_text(header.cells[0], HEADER_LEFT, bold=True, center=True)
    _cell_text(header.cells[1], HEADER_RIGHT, bold=True, center=True)

    section = ""
    for i, row in enumerate(plan.rows, start=1):
        left, right = table.cell(i, 0), table.cell(i, 1)
        if row.kind == "section":
            section = row.key
            left = left.merge(right)  # -> one tc with w:gridSpan=2
            p = _cell_text(left, zh_punct(row.left), bold=True)  # literal "一、"
            if row.key == DOCX_BREAK_BEFORE_SECTION:
                # Forced page break inside the table: this row starts a new page.
                p.paragraph_format.page_break_before = True
        elif row.kind == "subsection":
            if not row.crossed:
                left = left.merge(right)
            p = _cell_text(left, zh_punct(row.text))  # label "（一）" comes from numbering
            _set_num(p, nums[section], 0)
            for run in p.runs:
                run.font.bold = True
        else:
            p = _cell_text(left, zh_punct(row.text))
            if row.label:  # "1." comes from numbering; unnumbered tasks get no numPr
                _set_num(p, nums[section], 1)
            if row.clause is not None:
                _cell_text(right, zh_punct(row.clause))
    # Vertical merges (w:vMerge restart/continue) for clause cells shared by several rows.
    for g in plan.groups:
        if g.last > g.first:
            table.cell(1 + g.first, 1).merge(table.cell(1 + g.last, 1))

    # ---- deterministic metadata and zip ------------------------------------------------------
    cp = doc.core_properties
    cp.author = cp.last_modified_by = "广州南沙政务公开工作领导小组办公室"
    cp.title = zh_punct(fm.title)
    cp.subject = zh_punct(fm.plan_title)
    cp.comments = cp.keywords = cp.category = ""
    cp.created = cp.modified = FIXED_TIME.replace(tzinfo=None)
    cp.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    path.write_bytes(_normalize_zip(buf.getvalue()))


def _normalize_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed member timestamps/attributes, keeping member order."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# PDF (reportlab)
# --------------------------------------------------------------------------------------------

PDF_FONT = "STSong-Light"


def _pdf_styles():
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("base", fontName=PDF_FONT, fontSize=12, leading=20, wordWrap="CJK")
    return {
        "title": ParagraphStyle(
            "title", base, fontSize=18, leading=28, alignment=TA_CENTER, spaceAfter=14
        ),
        "body": base,
        "indent": ParagraphStyle("indent", base, firstLineIndent=24),
        "right": ParagraphStyle("right", base, alignment=TA_RIGHT),
        "cell": ParagraphStyle("cell", base, fontSize=10.5, leading=15),
        "cellb": ParagraphStyle(
            "cellb", base, fontSize=10.5, leading=15, fontName=PDF_FONT
        ),  # no bold CID face: sections use "一、"
        "head": ParagraphStyle("head", base, fontSize=11, leading=15, alignment=TA_CENTER),
    }


def _pdf_page(canvas, doc) -> None:
    """Running header and centred "— N —" footer on every page."""
    from reportlab.lib.units import mm

    width, height = doc.pagesize
    canvas.saveState()
    canvas.setFont(PDF_FONT, 9)
    canvas.drawCentredString(width / 2, height - 12 * mm, RUNNING_HEADER)
    canvas.setLineWidth(0.5)
    canvas.line(doc.leftMargin, height - 14 * mm, width - doc.rightMargin, height - 14 * mm)
    canvas.setFont(PDF_FONT, 12)
    canvas.drawCentredString(width / 2, 12 * mm, f"— {doc.page} —")
    canvas.restoreState()


def _pdf_table(plan: Plan, styles, col_widths, split_group: tuple[int, int] | None):
    """The ruled table.  split_group=(g, k): end group g's vertical span before row k."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    def p(text: str, style: str = "cell"):
        return [Paragraph(html.escape(zh_punct(text)), styles[style])]

    data: list[list] = [[p(HEADER_LEFT, "head"), p(HEADER_RIGHT, "head")]]
    cmds: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 12),  # room for hanging 。，(CJK wrap)
    ]
    for i, row in enumerate(plan.rows, start=1):
        if row.kind in ("section", "subsection") and not row.crossed:
            data.append([p(row.left, "cellb"), ""])
            cmds.append(("SPAN", (0, i), (1, i)))
        else:
            data.append([p(row.left), p(row.clause) if row.clause is not None else ""])
    for gi, g in enumerate(plan.groups):
        first, last = 1 + g.first, 1 + g.last
        if split_group is not None and split_group[0] == gi:
            # reportlab will not break a table inside a row span (it moves the break to a row
            # boundary outside every span), so the span is cut where the page breaks: the part
            # on the next page is an empty cell, as Word/LibreOffice print a merged cell.
            k = 1 + split_group[1]
            cmds.append(("SPAN", (1, first), (1, k - 1)))
            cmds.append(("SPAN", (1, k), (1, last)))
        elif last > first:
            cmds.append(("SPAN", (1, first), (1, last)))
    return Table(data, colWidths=col_widths, repeatRows=1, style=TableStyle(cmds))


def _pdf_story(fm: FrontMatter, plan: Plan, col_widths, split_group):
    from reportlab.platypus import Paragraph, Spacer

    st = _pdf_styles()

    def p(text: str, style: str = "body"):
        return Paragraph(html.escape(zh_punct(text)), st[style])

    story = [p(fm.title, "title"), p(fm.addressees)]
    story += [p(text, "indent") for text in fm.preamble]
    story += [Spacer(1, 12), p(fm.signature, "right"), p(fm.sign_date, "right"), Spacer(1, 18)]
    story += [p(fm.plan_title, "title"), _pdf_table(plan, st, col_widths, split_group)]
    return story


def _pdf_doc(target, fm: FrontMatter):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    return SimpleDocTemplate(
        target,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=22 * mm,
        topMargin=25 * mm,
        bottomMargin=25 * mm,
        title=zh_punct(fm.title),
        author="广州南沙政务公开工作领导小组办公室",
        subject=zh_punct(fm.plan_title),
        creator="fengong samples/build_forms.py",
        invariant=1,  # fixed CreationDate/ModDate and document ID
    )


def _pdf_build(target, fm: FrontMatter, plan: Plan, split_group) -> list[int]:
    """Lay the PDF out into target; return the plan-row index that starts each later page."""
    from reportlab.platypus import Table

    doc = _pdf_doc(target, fm)
    col_widths = [doc.width * 0.55, doc.width * 0.45]
    story = _pdf_story(fm, plan, col_widths, split_group)
    kept: list[int] = []
    orig_split = Table.split

    def spy(self, avail_width, avail_height):
        parts = orig_split(self, avail_width, avail_height)
        if len(parts) == 2:
            kept.append(len(parts[0]._cellvalues) - 1)  # data rows left on this page
        return parts

    Table.split = spy
    try:
        doc.build(story, onFirstPage=_pdf_page, onLaterPages=_pdf_page)
    finally:
        Table.split = orig_split
    starts, acc = [], 0
    for n in kept:
        acc += n
        starts.append(acc)
    return starts


def build_pdf(fm: FrontMatter, plan: Plan, path: Path) -> dict:
    """Build the PDF so that one vertically merged clause cell continues over a page break.

    reportlab never breaks a table inside a row SPAN: it moves the break up to a row boundary
    that no span crosses (and its in-row splitting, splitInRow, drops rows on this table).  So
    the crossing is made by hand: a group's SPAN is cut in two at row k, and k is chosen (by
    trying the candidates nearest the natural page breaks) so that the page really breaks at k.
    The part on the next page is an empty ruled cell, which is how Word and LibreOffice print a
    merged cell that runs over a page break.
    """
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    natural = _pdf_build(io.BytesIO(), fm, plan, None)
    candidates = [
        (gi, k) for gi, g in enumerate(plan.groups) for k in range(g.first + 1, g.last + 1)
    ]
    candidates.sort(key=lambda c: (min(abs(c[1] - b) for b in natural), c[1]))
    split_group = None
    for cand in candidates:
        if cand[1] in _pdf_build(io.BytesIO(), fm, plan, cand):
            split_group = cand
            break
    starts = _pdf_build(str(path), fm, plan, split_group)
    if split_group is not None and split_group[1] not in starts:
        raise AssertionError("PDF layout is not reproducible")
    return {"breaks_before_rows": starts, "split_group": split_group}


# --------------------------------------------------------------------------------------------
# GBK HTML
# --------------------------------------------------------------------------------------------

HTML_HEAD = """\
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<meta http-equiv="X-UA-Compatible" content="IE=EmulateIE7" />
<title>{title}_信息公开制度与保障_广州市南沙区人民政府</title>
<meta name="ArticleTitle" content="{title}" />
<meta name="PubDate" content="{pubdate} 16:30" />
<meta name="ContentSource" content="{source}" />
<link href="/images/style.css" rel="stylesheet" type="text/css" />
<script type="text/javascript" src="/js/jquery.min.js"></script>
<script type="text/javascript">
function doZoom(size){{document.getElementById('zoom').style.fontSize=size+'px';}}
</script>
</head>
<body>
<div class="top">
  <div class="topbar">网站支持IPv6　<a href="/mzwq/">明珠湾区</a>| <a href="/english/">English</a> |
    <a href="javascript:void(0)" id="jtbtn">简体版</a>|
    <a href="javascript:void(0)" id="ftbtn">繁体版</a>|
    <a href="javascript:void(0)" id="wza">无障碍浏览</a>|<a href="javascript:void(0)">长者助手</a>|
    <a href="/login/">登录</a></div>
  <div class="nav"><ul>
    <li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
    <li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li>
    <li><a href="/zjns/">走进南沙</a></li></ul></div>
</div>
<div class="position">您现在的位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; \
<a href="/zwgk/xxgkzdybz/">信息公开制度与保障</a></div>
<div class="main">
<div class="lanmu">信息公开制度与保障</div>
<div class="article">
<h1 class="title">{title}</h1>
<div class="info">来源：{source}　　发布日期：{pubdate}　　\
【浏览字号：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> \
<a href="javascript:doZoom(14)">小</a>】</div>
<div class="content" id="zoom">
<div class="TRS_Editor">
"""

HTML_FOOT = """\
</div>
</div>
<div class="tools"><a href="javascript:window.print()">【打印】</a>　\
<a href="javascript:window.close()">【关闭】</a></div>
</div>
</div>
<div class="footer">
  <p><a href="/lxwm/">联系我们</a>| <a href="/yqlj/">友情链接</a>| <a href="/wzdt/">网站地图</a></p>
  <p>版权所有：广州市南沙区人民政府　&copy; 2016</p>
  <p>主办：广州市南沙区人民政府办公室　承办：南沙区政务服务数据管理局　网站标识码：4401150002</p>
  <p>联系电话：020-12345　地址：广州市南沙区凤凰大道1号　网站纠错联系人：黄堃</p>
  <p>ICP备案号：<a href="https://beian.miit.gov.cn/">粤ICP备19092744号-3</a>　\
<img src="/images/ga.png" alt="" /><a href="#">粤公网安备 44011502000005号</a></p>
</div>
</body>
</html>
"""


def build_html(fm: FrontMatter, plan: Plan, path: Path) -> None:
    e = html.escape
    z = zh_punct
    out = [
        HTML_HEAD.format(title=e(z(fm.title)), pubdate=fm.publish_date, source=e(fm.source)),
        f"<p>{e(z(fm.addressees))}</p>",
    ]
    out += [f"<p>　　{e(z(text))}</p>" for text in fm.preamble]  # U+3000 indent, like the site
    out += [
        "<p>&nbsp;</p>",
        f'<p style="text-align: right">{e(z(fm.signature))}</p>',
        f'<p style="text-align: right">{e(z(fm.sign_date))}</p>',
        "<p>&nbsp;</p>",
        f'<p style="text-align: center"><strong>{e(z(fm.plan_title))}</strong></p>',
        '<table border="1" cellspacing="0" cellpadding="0" width="600" '
        'style="border-collapse: collapse">',
        "<tbody>",
        '<tr><td width="330" style="text-align: center"><strong>工作任务</strong></td>'
        '<td width="270" style="text-align: center"><strong>责任单位和工作要求</strong></td></tr>',
    ]
    for row in plan.rows:
        left = e(z(row.left))
        if row.kind in ("section", "subsection") and not row.crossed:
            tag = "strong" if row.kind == "section" else "span"
            out.append(f'<tr><td colspan="2"><{tag}>{left}</{tag}></td></tr>')
            continue
        cells = [f"<td>{left}</td>"]
        if row.clause is not None:
            g = plan.groups[row.group]
            span = g.last - g.first + 1
            attr = f' rowspan="{span}"' if span > 1 else ""
            cells.append(f"<td{attr}>{e(z(row.clause))}</td>")
        # else: the row's right-hand cell is covered by a rowspan from a row above
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</tbody>", "</table>", "<p>&nbsp;</p>", HTML_FOOT]
    text = "\n".join(out).replace("\n", "\r\n")  # the CMS served CRLF
    path.write_bytes(text.encode("gbk"))  # strict: every character must exist in GBK


# --------------------------------------------------------------------------------------------
# LibreOffice (optional second PDF)
# --------------------------------------------------------------------------------------------


def build_lo_pdf(docx: Path, path: Path) -> bool:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print("soffice not found: skipping", path.name)
        return False
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp, "profile").as_uri()
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(docx),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        data = Path(tmp, docx.with_suffix(".pdf").name).read_bytes()
    path.write_bytes(_pin_pdf_dates(data))
    return True


def _pin_pdf_dates(data: bytes) -> bytes:
    """Pin LibreOffice's dates, /ID and /DocChecksum; same lengths, so the xref stays valid."""
    data = re.sub(rb"(?<=/CreationDate\(D:)\d{14}", b"20200922010000", data)
    data = re.sub(rb"(?<=/ModDate\(D:)\d{14}", b"20200922010000", data)
    data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?=[^<]*</xmp:)", b"2020-09-22T01:00:00", data)

    def zeros(m: re.Match[bytes]) -> bytes:
        return re.sub(rb"[0-9A-Fa-f](?=[0-9A-Fa-f]*(?:>|$))", b"0", m.group(0))

    data = re.sub(rb"<[0-9A-Fa-f]{32}>", zeros, data)  # the two halves of /ID
    return re.sub(rb"(?<=/DocChecksum /)[0-9A-F]{32}", lambda m: b"0" * 32, data)


# --------------------------------------------------------------------------------------------
# Verification with real readers
# --------------------------------------------------------------------------------------------


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def verify_docx(path: Path, plan: Plan) -> list[str]:
    """Rebuild the logical grid from the XML (gridSpan / vMerge / numbering) and compare."""
    from docx import Document

    doc = Document(str(path))
    assert len(doc.tables) == 1, "expected exactly one table"
    tbl = doc.tables[0]._tbl
    xml = tbl.xml
    trs = tbl.findall(_w("tr"))
    assert len(trs) == 1 + len(plan.rows), f"rows: {len(trs)} != {1 + len(plan.rows)}"
    assert trs[0].find(f"{_w('trPr')}/{_w('tblHeader')}") is not None, "no tblHeader"
    n_span = xml.count("<w:gridSpan ")
    n_restart = xml.count('<w:vMerge w:val="restart"/>')
    n_cont = xml.count("<w:vMerge/>")
    want_span = sum(r.kind != "task" and not r.crossed for r in plan.rows)
    want_groups = [g for g in plan.groups if g.last > g.first]
    assert n_span == want_span, (n_span, want_span)
    assert n_restart == len(want_groups), (n_restart, len(want_groups))
    assert n_cont == sum(g.last - g.first for g in want_groups), n_cont
    assert "<w:pageBreakBefore/>" in xml, "no page break inside the table"

    # Labels from numbering: count per numId/ilvl, like a reader would.
    counters: dict[tuple[str, int], int] = {}
    above = ""
    for tr, row in zip(trs[1:], plan.rows, strict=True):
        tcs = tr.findall(_w("tc"))
        texts = []
        for tc in tcs:
            label = ""
            p = tc.find(_w("p"))
            numpr = p.find(f"{_w('pPr')}/{_w('numPr')}")
            if numpr is not None:
                num_id = numpr.find(_w("numId")).get(_w("val"))
                ilvl = int(numpr.find(_w("ilvl")).get(_w("val")))
                counters[(num_id, ilvl)] = counters.get((num_id, ilvl), 0) + 1
                if ilvl == 0:
                    counters[(num_id, 1)] = 0  # lvlRestart: level 1 restarts after level 0
                    label = "(" + CN_NUM[counters[(num_id, 0)] - 1] + ")"
                else:
                    label = f"{counters[(num_id, 1)]}."
            body = "".join(t.text or "" for t in tc.iter(_w("t")))
            vm = tc.find(f"{_w('tcPr')}/{_w('vMerge')}")
            if vm is not None and vm.get(_w("val")) != "restart":
                body = above  # continuation of the merged cell above
            texts.append(_nfkc(label + body))
        if len(tcs) == 2:
            above = texts[1] if texts[1] else above
        want = [row.left] if len(tcs) == 1 else [row.left, plan.groups[row.group].clause]
        assert texts == want, (row.key, texts, want)
    hdr = doc.sections[0].header.paragraphs[0].text
    assert hdr == RUNNING_HEADER, hdr
    return [
        f"{len(trs)} rows (1 header + {len(plan.rows)}), tblHeader on row 1",
        f"{n_span} gridSpan, {n_restart} vMerge restart + {n_cont} continue, pageBreakBefore ok",
        "labels rebuilt from numbering.xml + merged cells == plan (NFKC)",
    ]


def _squash(text: str) -> str:
    """Drop whitespace and the punctuation that may hang outside a cell's ruled box."""
    return re.sub(r"[\s。，、；：,;:]", "", text)


def verify_pdf(path: Path, plan: Plan, info: dict | None, *, exact: bool = True) -> list[str]:
    """pdfplumber: readable text, page furniture, and the table's cells page by page.

    exact=True (our reportlab PDF): every plan row is one table row, cell texts are exact.
    exact=False (LibreOffice's layout): rows may break across pages and a line-final 。 or ，
    may hang outside the ruled cell (pdfplumber then drops it), so the column texts are
    compared with whitespace and such punctuation squashed out.
    """
    import pdfplumber

    def clean(cell: str | None) -> str | None:
        return None if cell is None else _nfkc(cell).replace("\n", "")

    notes = []
    with pdfplumber.open(str(path)) as pdf:
        n = len(pdf.pages)
        assert n >= 2, f"only {n} page(s)"
        texts = [page.extract_text() or "" for page in pdf.pages]
        assert "(cid:" not in "".join(texts), "unmapped CID glyphs"
        cells: list[list[str | None]] = []
        table_pages = 0
        for i, page in enumerate(pdf.pages):
            lines = texts[i].splitlines()
            assert lines[0] == RUNNING_HEADER and lines[-1] == f"— {i + 1} —", (lines[0], lines[-1])
            tables = page.extract_tables()
            if not tables:
                assert i == 0, f"page {i + 1}: no table found"
                continue
            table_pages += 1
            rows = [[clean(c) for c in r] for r in tables[0]]
            assert rows[0] == [HEADER_LEFT, HEADER_RIGHT], f"page {i + 1}: header not repeated"
            cells += rows[1:]
        notes.append(f"{n} pages; text is readable Chinese (no (cid:N)); header/footer on each")
        if exact:
            lefts = [r[0] for r in cells]
            assert lefts == [r.left for r in plan.rows], "left-column cells differ from the plan"
            for row, (_, right) in zip(plan.rows, cells, strict=True):
                if row.clause is not None:
                    assert right == row.clause, (row.key, right)
                elif row.kind == "task":
                    assert not right, (row.key, right)
            notes.append(
                f"extract_tables() finds the table on {table_pages} pages, header row repeated; "
                f"its {len(cells)} rows == plan rows, cell by cell"
            )
        else:
            want_left = "".join(r.left for r in plan.rows)
            got_left = "".join(r[0] or "" for r in cells)
            assert _squash(got_left) == _squash(want_left), "left column differs from the plan"
            got_right = _squash("".join(r[1] or "" for r in cells if len(r) > 1))
            assert got_right == _squash("".join(g.clause for g in plan.groups)), "clauses differ"
            lost = len(want_left) - len(re.sub(r"\s", "", got_left))
            notes.append(
                f"extract_tables() finds the table on {table_pages} pages, header row repeated; "
                f"{len(cells)} table rows for {len(plan.rows)} plan rows (rows broken across "
                f"pages); column texts == plan ignoring whitespace"
                + (f" and {lost} hanging punctuation marks" if lost else "")
            )
    if info is not None:
        if info["split_group"]:
            g, k = info["split_group"]
            grp = plan.groups[g]
            notes.append(
                f"merged clause cell {plan.rows[grp.first].key}..{plan.rows[grp.last].key} "
                f"runs over the page break before {plan.rows[k].key}"
            )
        else:
            notes.append("WARNING: no merged cell runs over a page break")
    return notes


def verify_html(path: Path, plan: Plan) -> list[str]:
    import lxml.html

    raw = path.read_bytes()
    try:
        raw.decode("gb2312")
    except UnicodeDecodeError:
        strict_fails = True
    else:
        strict_fails = False
    assert strict_fails, "page decodes as strict GB2312: add a GBK-only character"
    assert b"charset=gb2312" in raw
    tree = lxml.html.fromstring(raw.decode("gb18030"))
    trs = tree.xpath("//table//tr")
    assert len(trs) == 1 + len(plan.rows), len(trs)
    n_rowspan = len(tree.xpath("//td[@rowspan]"))
    n_colspan = len(tree.xpath('//td[@colspan="2"]'))
    assert n_rowspan == sum(g.last > g.first for g in plan.groups)
    assert n_colspan == sum(r.kind != "task" and not r.crossed for r in plan.rows)
    lefts = [_nfkc(tr.xpath("./td")[0].text_content()) for tr in trs[1:]]
    assert lefts == [r.left for r in plan.rows]
    return [
        f"{len(raw)} bytes GBK, strict gb2312 decode fails, gb18030 + lxml parse ok",
        f"{len(trs)} <tr>, {n_rowspan} rowspan cells, {n_colspan} colspan=2 rows",
    ]


# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--lo", action="store_true", help="also build nansha-2020-lo.pdf (soffice)")
    ap.add_argument("--no-verify", action="store_true", help="skip the reader checks")
    args = ap.parse_args(argv)

    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    plan = build_plan(gold)
    fm = read_seed(gold, plan)
    assert all(_nfkc(zh_punct(c)) == c for c in flatten(plan)), "zh_punct is not NFKC-reversible"

    build_docx(fm, plan, OUT_DOCX)
    info = build_pdf(fm, plan, OUT_PDF)
    build_html(fm, plan, OUT_HTML)
    built = [OUT_DOCX, OUT_PDF, OUT_HTML]
    if args.lo and build_lo_pdf(OUT_DOCX, OUT_LO_PDF):
        built.append(OUT_LO_PDF)

    for p in built:
        print(f"wrote {p.relative_to(ROOT)} ({p.stat().st_size} bytes)")
    if args.no_verify:
        return 0
    report = {
        OUT_DOCX: verify_docx(OUT_DOCX, plan),
        OUT_PDF: verify_pdf(OUT_PDF, plan, info),
        OUT_HTML: verify_html(OUT_HTML, plan),
    }
    if OUT_LO_PDF in built:
        report[OUT_LO_PDF] = verify_pdf(OUT_LO_PDF, plan, None, exact=False)
    for p, notes in report.items():
        print(f"OK {p.name}")
        for note in notes:
            print(f"   - {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
