"""Word and PDF files that are not readable notices, each made by a real tool, through
`fengong ingest` (in this process, click's CliRunner): one line naming the file and the
reason, nothing stored, the batch goes on and exits 1. And files whose extension lies are read
by what they contain."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from tests import forms
from tests.conftest import SAMPLES, SEED
from tests.conftest import cli as run

SEED_DOCX = SAMPLES / "nansha-2020.docx"
SEED_PDF = SAMPLES / "nansha-2020.pdf"


def scanned_pdf(path: Path) -> Path:
    """A page that is only a picture of text, as a scanner makes it: no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(img)
    for y in range(200, 1600, 48):  # lines of "text" and a ruled table, as pixels
        draw.rectangle((150, y, 1090, y + 18), fill=40)
    draw.rectangle((140, 900, 1100, 1500), outline=0, width=3)
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    pdf.drawImage(ImageReader(img), 0, 0, width=A4[0], height=A4[1])
    pdf.showPage()
    pdf.save()
    path.write_bytes(buf.getvalue())
    return path


def encrypted_pdf(path: Path) -> Path:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    lock = StandardEncryption("user-secret", ownerPassword="owner-secret", strength=128)
    pdf = canvas.Canvas(buf, encrypt=lock)
    pdf.setFont("STSong-Light", 14)
    pdf.drawString(72, 760, "南沙区2020年政务公开工作要点分工方案")
    pdf.drawString(72, 730, "一、加强用权公开")
    pdf.save()
    path.write_bytes(buf.getvalue())
    return path


def glyphs_only_pdf(path: Path) -> Path:
    """Text drawn with glyphs that map to no character (private-use code points in a font
    that lacks them): the text layer pdfplumber reads is NULs, not words."""
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    vera = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
    pdfmetrics.registerFont(TTFont("VeraPUA", str(vera)))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    pdf.setFont("VeraPUA", 12)
    for i in range(30):
        pdf.drawString(
            72, 780 - 20 * i, "".join(chr(0xE000 + (i * 7 + k) % 300) for k in range(30))
        )
    pdf.save()
    path.write_bytes(buf.getvalue())
    return path


def truncated(source: Path, path: Path) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def stored(db: Path) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "select n.notice_id, n.sha256, count(t.task_id) from v_notices n "
            "left join v_tasks t using (notice_id) group by all order by 1"
        ).fetchall()
    finally:
        con.close()


def test_bad_word_and_pdf_files_are_refused_in_one_line_each(db: Path, tmp_path: Path) -> None:
    assert run("ingest", str(SEED), "--db", str(db), "-q").returncode == 0
    before = stored(db)
    assert len(before) == 1

    bad = {
        scanned_pdf(tmp_path / "scan.pdf"): "no text layer: OCR is not built in",
        encrypted_pdf(tmp_path / "locked.pdf"): "encrypted PDF: it needs a password to open",
        glyphs_only_pdf(tmp_path / "glyphs.pdf"): "text layer unreadable",
        truncated(SEED_PDF, tmp_path / "cut.pdf"): "not a readable PDF: the file is truncated",
        truncated(SEED_DOCX, tmp_path / "cut.docx"): "not a readable Word document",
    }
    proc = run("ingest", *map(str, bad), "--db", str(db))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == len(bad), proc.stderr
    for line, (path, reason) in zip(errors, bad.items(), strict=True):
        assert line.startswith(f"error {path}: {reason}"), line
    assert f"{len(bad)} files: 0 ingested, 0 replaced, 0 unchanged, 0 kept, {len(bad)} failed" in (
        proc.stderr
    )
    assert stored(db) == before  # the warehouse holds exactly what it held


def test_a_bad_file_does_not_stop_the_batch(db: Path, tmp_path: Path) -> None:
    scan = scanned_pdf(tmp_path / "scan.pdf")
    proc = run("ingest", str(scan), str(SEED_DOCX), "--db", str(db))
    assert proc.returncode == 1
    assert f"error {scan}: no text layer: OCR is not built in" in proc.stderr
    assert f"{SEED_DOCX}: 43 tasks, 109 assignments" in proc.stdout
    assert [n for _, _, n in stored(db)] == [43]


def test_extensions_that_lie_are_read_by_content(db: Path, tmp_path: Path) -> None:
    docx_as_html = tmp_path / "notice.html"
    shutil.copyfile(SEED_DOCX, docx_as_html)
    html_as_txt = tmp_path / "page.txt"
    shutil.copyfile(SAMPLES / "nansha-2020-gbk.html", html_as_txt)
    pdf_as_doc = tmp_path / "attachment.doc"
    shutil.copyfile(SEED_PDF, pdf_as_doc)
    proc = run("ingest", str(docx_as_html), str(html_as_txt), str(pdf_as_doc), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    for path in (docx_as_html, html_as_txt, pdf_as_doc):
        assert f"{path}: 43 tasks, 109 assignments" in proc.stdout
    con = duckdb.connect(str(db), read_only=True)
    try:
        formats = con.execute("select file, status from v_ingest_log order by file").fetchall()
        kinds = con.execute("select format from v_notices").fetchall()
    finally:
        con.close()
    assert len(formats) == 3
    assert len(kinds) == 1  # one notice, whatever file it came in


def test_a_doc_without_libreoffice_on_path_says_how_to_install_it(tmp_path: Path) -> None:
    """LibreOffice hidden from PATH (where it is installed): a clear refusal, and how."""
    ole = tmp_path / "old.doc"
    ole.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 4000)
    bare = tmp_path / "bin"
    bare.mkdir()
    proc = run("parse", str(ole), env={"PATH": str(bare) + os.pathsep + "/nonexistent"})
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert str(ole) in proc.stderr
    assert "needs LibreOffice" in proc.stderr
    assert "apt-get install libreoffice-writer-nogui" in proc.stderr


@pytest.mark.skipif(forms.soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_a_truncated_doc_is_refused_by_what_libreoffice_says(db: Path, tmp_path: Path) -> None:
    doc = forms.convert(SEED_DOCX, "doc", tmp_path)
    cut = truncated(doc, tmp_path / "cut.doc")
    proc = run("ingest", str(cut), "--db", str(db))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error")]
    assert errors == [
        f"error {cut}: LibreOffice could not convert the .doc/.wps file (corrupt, encrypted or "
        "not a Word file): Error: source file could not be loaded (open it in Word/WPS and save "
        "it as .docx)"
    ]
    assert stored(db) == []
