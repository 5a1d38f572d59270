"""The 临江区 2024 case notice (tests/cases/formats/linjiang-2024.gold.json) laid out at test time
in shapes other than the case files, so the Word and PDF readers are not tuned to one file.

The plan's rows come from the gold (sections, subsections, tasks with their lead | co clause and
deadline), as samples/build_forms.py builds the seed's forms from its gold. Word files are made
with python-docx (tracked changes and hidden text written as the OOXML Word writes); PDF files
with reportlab (`tests/forms_linjiang_pdf.py`).

- `frame_docx`: a one-column layout table, the plan title in its first cell and in its second
  a 1×1 frame holding the plan table, laid out `工作任务 | 牵头单位 | 配合单位 | 完成时限` with
  the task number in the task cell;
- `tracked_docx`: the plan table saved with tracked changes — a deleted row, an inserted row,
  a unit moved from one cell to another, deleted and inserted characters in a deadline, a cell
  paragraph whose mark was deleted (it joins the next) — and hidden text through a character
  style and through a paragraph style.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.conftest import ROOT

CASES = ROOT / "tests" / "cases" / "formats"
LINJIANG_GOLD = CASES / "linjiang-2024.gold.json"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ADDRESSEES = "各镇人民政府、街道办事处，区政府各部门、各直属机构："
PREAMBLE = (
    "《临江区2024年政务公开工作要点分工方案》已经区人民政府同意，现印发给你们，请结合实际认真"
    "抓好落实。各牵头单位要细化工作措施，配合单位要主动对接。"
)
HEADER = ["序号", "工作任务", "牵头单位", "配合单位", "完成时限"]


@dataclass(frozen=True)
class Row:
    """A row of the plan table: a heading (section or subsection) or a task."""

    kind: str  # "section" | "subsection" | "task"
    label: str  # 一、 / （一） / the task number as printed ("1")
    text: str
    lead: str = ""
    co: str = ""
    due: str = ""

    @property
    def heading(self) -> str:
        return self.label + self.text


@dataclass(frozen=True)
class Notice:
    title: str
    doc_number: str
    issuer: str
    sign_date: str  # as printed: 2024年3月20日
    plan_title: str
    rows: list[Row]


def _printed_date(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def _deadline(iso: str | None) -> str:
    """How the plan prints a deadline: the last day of a month as 2024年6月底前."""
    if iso is None:
        return "持续推进"
    d = dt.date.fromisoformat(iso)
    return f"{d.year}年{d.month}月底前"


def linjiang() -> Notice:
    gold = json.loads(LINJIANG_GOLD.read_text(encoding="utf-8"))
    meta = gold["notice"]
    titles = {s["key"]: s["title"] for s in gold["sections"]}
    rows: list[Row] = []
    seen: set[str] = set()
    for task in gold["tasks"]:
        section, sub, number = task["key"].split(".")
        sub_key = f"{section}.{sub}"
        if section not in seen:
            seen.add(section)
            rows.append(Row("section", f"{section}、", titles[section]))
        if sub_key not in seen:
            seen.add(sub_key)
            rows.append(
                Row("subsection", sub.replace("(", "（").replace(")", "）"), titles[sub_key])
            )
        lead, co = task["clause"].split(" | ")
        rows.append(Row("task", number, task["text"], lead, co, _deadline(task["deadline"])))
    return Notice(
        meta["title"],
        meta["doc_number"],
        meta["issuer"],
        _printed_date(meta["sign_date"]),
        meta["plan_title"],
        rows,
    )


# --- Word -------------------------------------------------------------------------------------


def _el(tag: str, **attrs: str) -> Any:
    from docx.oxml import OxmlElement

    el = OxmlElement(f"w:{tag}")
    for k, v in attrs.items():
        el.set(f"{W}{k}", v)
    return el


def _run(text: str, style: str | None = None) -> Any:
    run = _el("r")
    if style:
        rpr = _el("rPr")
        rpr.append(_el("rStyle", val=style))
        run.append(rpr)
    t = _el("t")
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.append(t)
    return run


def _change(kind: str, *runs: Any, n: int) -> Any:
    """A tracked change (w:ins, w:del, w:moveFrom, w:moveTo) around runs; deleted and
    moved-away runs keep their text in w:delText / w:t as Word writes them."""
    el = _el(kind, id=str(n), author="临江区政数局", date="2024-03-18T09:00:00Z")
    for run in runs:
        if kind == "del":
            for t in run.iter(f"{W}t"):
                t.tag = f"{W}delText"
        el.append(run)
    return el


def _front(doc: Any, notice: Notice) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc.add_paragraph(notice.title).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(notice.doc_number).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(ADDRESSEES)
    doc.add_paragraph("\u3000\u3000" + PREAMBLE)
    doc.add_paragraph(notice.issuer).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph(notice.sign_date).alignment = WD_ALIGN_PARAGRAPH.RIGHT


def frame_docx(path: Path) -> Path:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    notice = linjiang()
    doc = Document()
    _front(doc, notice)
    outer = doc.add_table(rows=2, cols=1)  # a layout column: the title, then the table
    outer.style = doc.styles["Table Grid"]
    title = outer.cell(0, 0).paragraphs[0]
    title.text = notice.plan_title
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    inner = outer.cell(1, 0).add_table(rows=1, cols=1).cell(0, 0)  # a frame in the frame
    header = ["工作任务", "牵头单位", "配合单位", "完成时限"]
    table = inner.add_table(rows=1 + len(notice.rows), cols=len(header))
    table.style = doc.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for r, row in enumerate(notice.rows, start=1):
        cells = table.rows[r].cells
        if row.kind != "task":
            cells[0].merge(cells[-1]).text = row.heading
            continue
        for cell, text in zip(
            cells, [f"{row.label}.{row.text}", row.lead, row.co, row.due], strict=True
        ):
            cell.text = text
    doc.add_paragraph("（此件公开发布）")
    doc.save(str(path))
    return path


def tracked_docx(path: Path) -> Path:
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE

    notice = linjiang()
    doc = Document()
    note = doc.styles.add_style("Reviewer Note", WD_STYLE_TYPE.CHARACTER)
    note.element.get_or_add_rPr().append(_el("vanish"))
    draft = doc.styles.add_style("Draft Line", WD_STYLE_TYPE.PARAGRAPH)
    draft.element.get_or_add_rPr().append(_el("vanish"))
    _front(doc, notice)
    # a hidden paragraph (its style hides it) with a doc number of its own before the title
    hidden = doc.add_paragraph("临府办函〔2023〕99号", style="Draft Line")
    doc.add_paragraph(notice.plan_title)._p.addprevious(hidden._p)

    tasks = [r for r in notice.rows if r.kind == "task"]
    table = doc.add_table(rows=1, cols=len(HEADER))
    table.style = doc.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    changes = iter(range(100, 200))
    for row in notice.rows:
        cells = table.add_row().cells
        if row.kind != "task":
            cells[0].merge(cells[-1]).text = row.heading
            continue
        values = [row.label, row.text, row.lead, row.co, row.due]
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
        p = [c.paragraphs[0]._p for c in cells]
        if row is tasks[1]:  # a unit moved here from task 5's co cell
            co = row.co.split("、")
            cells[3].text = co[0] + "、"
            p[3] = cells[3].paragraphs[0]._p
            p[3].append(_change("moveTo", _run("、".join(co[1:])), n=next(changes)))
        if row is tasks[4]:
            p[3].insert(1, _change("moveFrom", _run("区商务局、"), n=next(changes)))
        if row is tasks[0]:  # 2024年5月底前 corrected to 6月底前
            cells[4].text = ""
            d = cells[4].paragraphs[0]._p
            d.append(_run("2024年"))
            d.append(_change("del", _run("5"), n=next(changes)))
            d.append(_change("ins", _run("6"), n=next(changes)))
            d.append(_run("月底前"))
            # a name a reviewer noted, hidden by its character style
            p[2].append(_run("区档案馆", style=note.style_id))
        if row is tasks[3]:  # the task text was two paragraphs; the mark between was deleted
            first, rest = row.text.split("，", 1)
            cells[1].text = first + "，"
            mark = cells[1].paragraphs[0]._p.get_or_add_pPr()
            rpr = _el("rPr")
            rpr.append(_change("del", n=next(changes)))
            mark.append(rpr)
            cells[1].add_paragraph(rest)
        if row is tasks[5]:  # the last task was added with tracked changes
            trpr = table.rows[-1]._tr.get_or_add_trPr()
            trpr.append(_change("ins", n=next(changes)))
    # a task deleted with tracked changes: the row stays in the XML, marked deleted
    gone = table.add_row()
    for cell, text in zip(
        gone.cells, ["7", "清理过期栏目。", "区档案馆", "区各单位", "2024年5月底前"], strict=True
    ):
        cell.text = text
        for run in cell.paragraphs[0]._p.findall(f"{W}r"):
            wrapper = _change("del", n=next(changes))
            run.addprevious(wrapper)
            wrapper.append(run)
            for t in run.iter(f"{W}t"):
                t.tag = f"{W}delText"
    gone._tr.get_or_add_trPr().append(_change("del", n=next(changes)))
    doc.save(str(path))
    return path


# --- PDF through LibreOffice --------------------------------------------------------------------

BODY_FONT = "Noto Serif CJK SC"
UNMAPPED_FONT = "Noto Sans CJK SC"  # bold: a font object of its own in the PDF
UNMAPPED_LINE = "请各牵头单位明确专人负责，按季度报送工作进展情况。"


def has_cjk_fonts() -> bool:
    """Are the Noto CJK fonts (fonts-noto-cjk) there for LibreOffice to embed?"""
    import shutil
    import subprocess

    if shutil.which("fc-list") is None:
        return False
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True)
    return UNMAPPED_FONT in listed.stdout and BODY_FONT in listed.stdout


def _east_asia(owner: Any, font: str) -> None:
    """Set the Chinese font of a run or a style (python-docx sets only the Latin ones)."""
    owner.font.name = font
    owner.element.get_or_add_rPr().get_or_add_rFonts().set(f"{W}eastAsia", font)


def cid_body_pdf(path: Path) -> Path:
    """The notice laid out by LibreOffice (as the cid-headings case file was), its text in
    Noto Serif CJK but one body paragraph, `UNMAPPED_LINE`, in Noto Sans CJK Bold; that font's
    ToUnicode map is then blanked out of the file in place (byte offsets kept), so its glyphs
    read as (cid:N). Needs soffice and the Noto CJK fonts."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from tests import forms

    notice = linjiang()
    doc = Document()
    _east_asia(doc.styles["Normal"], BODY_FONT)
    _front(doc, notice)
    unmapped = doc.paragraphs[4].insert_paragraph_before()  # after the preamble
    run = unmapped.add_run("\u3000\u3000" + UNMAPPED_LINE)
    run.bold = True
    _east_asia(run, UNMAPPED_FONT)
    doc.add_paragraph(notice.plan_title).alignment = WD_ALIGN_PARAGRAPH.CENTER
    table = doc.add_table(rows=1, cols=len(HEADER))
    table.style = doc.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for row in notice.rows:
        cells = table.add_row().cells
        if row.kind != "task":
            cells[0].merge(cells[-1]).text = row.heading
            continue
        for cell, text in zip(cells, [row.label, row.text, row.lead, row.co, row.due], strict=True):
            cell.text = text
    source = path.with_suffix(".docx")
    doc.save(str(source))
    pdf = forms.convert(source, "pdf", path.parent)
    data = pdf.read_bytes()
    fonts = list(re.finditer(rb"/BaseFont\s*/[A-Z]{6}\+NotoSansCJK[^/\s]*", data))
    assert fonts, "LibreOffice did not embed Noto Sans CJK"
    for font in fonts:
        start = data.rfind(b"obj", 0, font.start())
        end = data.find(b"endobj", font.end())
        head = data[start:end]
        blanked = re.sub(rb"/ToUnicode\s*\d+\s+\d+\s+R", lambda m: b" " * len(m[0]), head)
        data = data[:start] + blanked + data[end:]
    path.write_bytes(data)
    return path
