"""Bad input: each file of a hostile corpus parses correctly or is refused in one line that
names the file, the reason and what to do; nothing of a refused file reaches the warehouse.

The corpus is built here with real tools (python-docx's sample, reportlab, Pillow, zipfile):
empty, random and NUL-laden bytes, files whose name lies about their format, a GBK page with
no charset, a page whose charset label lies, UTF-16 without a BOM, a 50 MB text, a hostile
HTML page, a notice with no plan, broken, encrypted, scanned, page-less, billion-laughs and
zip-bomb Word/PDF files, and a file name that is not UTF-8.
"""

from __future__ import annotations

import io
import os
import random
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from parsers import Limits
from parsers.errors import InputError
from pipeline import Options, parse
from tests.conftest import SAMPLES, SEED, cli, fengong, query

READERS = {name: (Path(__file__).parent.parent / "parsers" / f"{name}.py").exists()
           for name in ("docx", "pdf")}  # fmt: skip


@dataclass(frozen=True)
class Case:
    name: str
    tasks: int | None  # the notice's task count when it must parse; None: must be refused
    reason: str = ""  # for a refusal: a pattern the reason must contain
    needs: str | None = None  # the reader the case needs (parsers/<needs>.py)


CASES = [
    Case("empty.txt", None, "empty file"),
    Case("random.txt", None, "not text|binary data"),
    Case("nul-laden.html", None, "binary data"),
    Case("nul-laden-binary.doc.txt", None, "not text|binary data"),
    Case("word-named.html", 43, needs="docx"),
    Case("page-named.txt", 43),
    Case("gbk-no-charset.html", 43),
    Case("fifty-mb.txt", None, "over the 16 MiB limit"),
    Case("hostile.html", 43),
    Case("no-plan.txt", None, "no plan found"),
    Case("truncated.docx", None, "truncated", needs="docx"),
    Case("truncated.pdf", None, "truncated", needs="pdf"),
    Case("encrypted.pdf", None, "encrypted", needs="pdf"),
    Case("scanned.pdf", None, "no text layer", needs="pdf"),
    Case("zip-bomb.docx", None, "over the 64 MiB limit", needs="docx"),
    Case("utf16-no-bom.txt", 43),
    Case("gbk-labelled-utf8-pre.html", 43),
    Case("billion-laughs.docx", None, "entities", needs="docx"),
    Case("no-pages.pdf", None, "no pages", needs="pdf"),
]


def _skip_without_reader(case: Case) -> None:
    if case.needs and not READERS[case.needs]:
        pytest.skip(f"parsers/{case.needs}.py (issue 3's reader) is not in this tree yet")


def build(folder: Path) -> None:
    """Write every case of the corpus into folder."""
    rng = random.Random(7)
    seed = SEED.read_bytes()
    page = (SAMPLES / "nansha-2020-gbk.html").read_bytes()
    docx = (SAMPLES / "nansha-2020.docx").read_bytes()
    pdf = (SAMPLES / "nansha-2020.pdf").read_bytes()
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "empty.txt": b"",
        "random.txt": rng.randbytes(64 * 1024),
        # valid UTF-8 (NULs and control codes are), so only a content check refuses it
        "nul-laden.html": b"<html><body>" + b"\x00\x01\x02\x03 table \x00" * 4000,
        "nul-laden-binary.doc.txt": b"\x00" * 4096 + rng.randbytes(4096) + b"\x00" * 4096,
        "word-named.html": docx,
        "page-named.txt": page,
        "gbk-no-charset.html": re.sub(rb"<meta[^>]*charset[^>]*>", b"", page),
        "fifty-mb.txt": (seed * (50 * 2**20 // len(seed) + 1))[: 50 * 2**20],
        "hostile.html": _hostile(page),
        "no-plan.txt": "关于做好2021年政务公开工作的通知\n各单位：\n请结合实际做好政务公开工作，"
        "按时报送总结。\n某区政务服务数据管理局\n2021年3月1日\n".encode(),
        "truncated.docx": docx[: len(docx) // 2],
        "truncated.pdf": pdf[: len(pdf) // 2],
        "encrypted.pdf": _encrypted_pdf(),
        "scanned.pdf": _scanned_pdf(),
        "zip-bomb.docx": _zip_bomb(docx),
        # Windows "Unicode" text without its byte-order mark
        "utf16-no-bom.txt": SEED.read_text(encoding="utf-8").encode("utf-16-le"),
        # a page whose label lies (GB18030 bytes, utf-8 declared) and whose plan is in a <pre>
        "gbk-labelled-utf8-pre.html": (
            '<html><head><meta charset="utf-8"></head><body><pre>'
            + SEED.read_text(encoding="utf-8")
            + "</pre></body></html>"
        ).encode("gb18030"),
        "billion-laughs.docx": _billion_laughs(docx),
        "no-pages.pdf": b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
    }
    assert b"charset" not in files["gbk-no-charset.html"].lower()
    for name, data in files.items():
        (folder / name).write_bytes(data)


def _hostile(page: bytes) -> bytes:
    """The GBK page with scripts (one writing a fake task), event handlers everywhere and its
    plan table at the bottom of 200 nested layout tables."""
    text = page.decode("gb18030")
    start, end = text.index("<table"), text.rindex("</table>") + len("</table>")
    nest = "<table><tr><td onclick=\"steal()\" onmouseover='track(1)'>" * 200
    script = "<script>document.write('<p>一、脚本插入的假任务</p>')</script>"
    hostile = (
        text[:start]
        + script
        + nest
        + text[start:end]
        + "</td></tr></table>" * 200
        + '<img src=x onerror="alert(1)">'
        + text[end:]
    )
    hostile = hostile.replace("<p>", '<p onload="evil()">')
    return hostile.encode("gb18030")


def _encrypted_pdf() -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, encrypt=StandardEncryption("user-secret", "owner-secret"))
    pdf.drawString(72, 720, "1. a task")
    pdf.save()
    return out.getvalue()


def _scanned_pdf() -> bytes:
    """A page that is one picture of a page: ruled lines and blocks, no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (620, 877), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 50, 560, 110), fill=0)
    for y in range(150, 820, 32):
        draw.line((60, y, 560, y), fill=0, width=2)
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.drawImage(ImageReader(image), 0, 0, width=595, height=842)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def _zip_bomb(docx: bytes) -> bytes:
    """The sample DOCX with 120 MiB of empty paragraphs in document.xml: ~0.2 MB on disk."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != "word/document.xml":
                bomb.writestr(info, data)
                continue
            with bomb.open("word/document.xml", "w") as xml:
                cut = data.index(b"<w:body>") + len(b"<w:body>")
                xml.write(data[:cut])
                for _ in range(20):
                    xml.write(b"<w:p/>" * 2**20)
                xml.write(data[cut:])
    return out.getvalue()


def _billion_laughs(docx: bytes) -> bytes:
    """The sample DOCX whose document.xml declares entities ten deep, ten wide (10^9 lols)."""
    levels = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    ]
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as laughs:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                body = data[data.index(b"<w:document") :]
                cut = body.index(b"<w:body>") + len(b"<w:body>")
                dtd = f"<?xml version='1.0'?><!DOCTYPE w:document [{''.join(levels)}]>"
                lol = b"<w:p><w:r><w:t>&l9;</w:t></w:r></w:p>"
                data = dtd.encode() + body[:cut] + lol + body[cut:]
            laughs.writestr(info.filename, data)
    return out.getvalue()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    build(folder)
    return folder


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_case_parses_or_is_refused_with_a_reason_and_a_remedy(
    corpus: Path, case: Case
) -> None:
    _skip_without_reader(case)
    path = corpus / case.name
    if case.tasks is not None:
        notice = parse(path)
        assert len(notice.tasks) == case.tasks
        assert notice.meta.region == "南沙区" and notice.meta.year == 2020
        return
    with pytest.raises(InputError) as refused:
        parse(path)
    line = refused.value.line(str(path))
    assert line.startswith(f"{path}: ")
    assert re.search(case.reason, refused.value.reason)
    assert "\n" not in line
    assert refused.value.hint or "(" in refused.value.reason  # says what to do


def test_the_hostile_page_keeps_its_plan_and_drops_its_scripts(corpus: Path) -> None:
    notice = parse(corpus / "hostile.html")
    everything = notice.model_dump_json()
    for planted in ("脚本插入的假任务", "steal", "track(1)", "evil", "alert"):
        assert planted not in everything
    assert [s.key for s in notice.sections][:3] == ["一", "一.(一)", "一.(二)"]


def test_a_file_name_that_is_not_utf8_is_ingested_and_shown(tmp_path: Path) -> None:
    """Names from a Chinese zip unpacked on Linux are often GBK bytes: the file is read by its
    real name, and printed and logged with U+FFFD for the bytes that are not UTF-8."""
    folder = tmp_path / "unzipped"
    folder.mkdir()
    name = os.path.join(os.fsencode(folder), "南沙区方案.txt".encode("gbk"))
    with open(name, "wb") as f:
        f.write(SEED.read_bytes())
    db = tmp_path / "w.duckdb"
    proc = fengong("ingest", str(folder), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "\ufffd" in proc.stdout and ": 43 tasks" in proc.stdout
    logged = query(db, "select file, status from v_ingest_log")
    source = query(db, "select source_path from v_notices")
    assert [status for _, status in logged] == ["ingested"]
    assert "\ufffd" in logged[0][0] and "\ufffd" in source[0][0]


def test_limits_are_configurable() -> None:
    small = Options(limits=Limits(max_text_bytes=4096))
    with pytest.raises(InputError, match="over the 4 KiB limit for text and HTML") as refused:
        parse(SEED, small)
    assert refused.value.hint == "raise --max-text-mb if it really is one notice"
    if READERS["docx"]:
        tight = Options(limits=Limits(max_unpacked_bytes=64 * 1024))
        with pytest.raises(InputError, match=r"unpacks to .*, over the 0 MiB limit"):
            parse(SAMPLES / "nansha-2020.docx", tight)
    with pytest.raises(InputError, match="over the 0 MiB limit") as refused:
        parse(SEED, Options(max_bytes=1024))
    assert refused.value.hint == "raise --max-mb if it really is a notice"


def test_a_batch_of_the_corpus_ingests_the_good_and_refuses_the_rest(
    corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    proc = cli("ingest", str(corpus), "--db", str(db))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error ")]
    present = [c for c in CASES if not c.needs or READERS[c.needs]]
    refused = [c for c in present if c.tasks is None]
    for case in refused:
        lines = [e for e in errors if e.startswith(f"error {corpus / case.name}: ")]
        assert len(lines) == 1, (case.name, errors)
        assert re.search(case.reason, lines[0])
    for case in present:
        if case.tasks is not None:
            assert f"{corpus / case.name}: {case.tasks} tasks" in proc.stdout, case.name

    con = duckdb.connect(str(db), read_only=True)
    try:
        # the parsed files are one notice (the same in four forms); nothing else was stored
        assert con.execute("select count(*) from v_notices").fetchone() == (1,)
        for table in ("sections", "tasks", "clauses", "assignments", "unit_aliases"):
            orphans = con.execute(
                f"select count(*) from {table} where notice_id not in "
                "(select notice_id from notices)"
            ).fetchone()
            assert orphans == (0,), table
        failed = con.execute(
            "select file, sha256, error from v_ingest_log where status = 'failed' order by file"
        ).fetchall()
    finally:
        con.close()
    assert sorted(Path(f).name for f, _, _ in failed) == sorted(c.name for c in refused)
    # the log keeps each refused file's hash (the 50 MB one too: it is under --max-mb)
    assert all(sha and len(sha) == 64 for _, sha, _ in failed)
