"""The text and HTML readers: blocks, provenance, decoding, furniture, merged cells."""

from __future__ import annotations

from parsers import html, read, text
from parsers.cells import Classifier
from parsers.sniff import sniff
from parsers.tables import rebuild
from parsers.units import load_registry
from tests.conftest import SAMPLES, SEED

PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<script>alert(1)</script><style>p{}</style></head><body>
<div class="nav"><a>首页</a><a>政务公开</a></div>
<div class="breadcrumb">您现在的位置：首页 &gt; 政务公开</div>
<div class="article"><p>关于印发某区2021年政务公开工作要点分工方案的通知</p>
<p>【浏览字号：大 中 小】</p><p>各单位：<br/>现印发给你们。</p>
<table border="1">
<tr><th>工作任务</th><th>责任单位</th></tr>
<tr><td colspan="2">一、加强公开</td></tr>
<tr><td>1.任务甲</td><td rowspan="2">区政数局负责。</td></tr>
<tr><td>2.任务乙</td></tr>
<tr><td>3.任务丙</td><td>区府办负责<br>并按月报告</td></tr>
</table><p>【打印】【关闭】</p></div>
<div class="footer"><p>联系电话：020-1234 粤ICP备0000号 黄堃</p></div></body></html>"""


def test_html_decodes_a_gbk_page_labelled_gb2312() -> None:
    data = PAGE.encode("gb18030")  # 堃 is in GBK but not in GB2312
    doc = html.parse(data)
    assert doc.format == "html"
    texts = [b.text for b in doc.blocks]
    assert texts[0] == "关于印发某区2021年政务公开工作要点分工方案的通知"
    assert "各单位：" in texts and "现印发给你们。" in texts


def test_html_drops_furniture_and_scripts() -> None:
    doc = html.parse(PAGE.encode("gb18030"))
    joined = "\n".join(b.text for b in doc.blocks)
    for junk in ("alert", "首页", "浏览字号", "打印", "联系电话", "ICP"):
        assert junk not in joined


def test_html_expands_rowspan_and_colspan() -> None:
    doc = html.parse(PAGE.encode("utf-8"))
    rows = [b for b in doc.blocks if b.kind == "row"]
    assert [[(c.text, c.origin, c.span) for c in r.cells] for r in rows] == [
        [("工作任务", True, 1), ("责任单位", True, 1)],
        [("一、加强公开", True, 2)],
        [("1.任务甲", True, 1), ("区政数局负责。", True, 1)],
        [("2.任务乙", True, 1), ("区政数局负责。", False, 1)],
        [("3.任务丙", True, 1), ("区府办负责\n并按月报告", True, 1)],
    ]
    assert rows[2].provenance.element_path.endswith("/table/tr[3]")


def test_text_reader_keeps_line_provenance_and_drops_furniture() -> None:
    doc = text.parse(SEED.read_bytes())
    first = doc.blocks[0]
    assert first.kind == "paragraph"
    assert all("ICP" not in b.text and "联系电话" not in b.text for b in doc.blocks)
    title = next(b for b in doc.blocks if b.text.endswith("的通知"))
    lines = SEED.read_text(encoding="utf-8").splitlines()
    assert lines[title.provenance.line_start - 1].strip() == title.text


def test_pipe_tables_become_rows_with_roles_in_the_table_stage() -> None:
    """The text reader hands over lines; the table stage makes pipe rows of any reader's
    paragraphs, its header naming the columns."""
    doc = text.parse_text(
        "前言\n| 序号 | 工作任务 | 牵头单位 |\n|---|---|---|\n| 1 | 任务 | 区政数局 |\n"
    )
    assert all(b.kind == "paragraph" for b in doc.blocks)
    for b in doc.blocks:
        b.analysed = b.text
    found = rebuild(doc.blocks[1:], Classifier(load_registry()))
    rows = [b for b in found.blocks if b.kind == "row"]
    assert [[(c.text, c.role) for c in r.cells] for r in rows] == [
        [("1", "number"), ("任务", "task"), ("区政数局", "lead")],
    ]
    (table,) = found.tables.values()
    assert (table.shape, table.header, table.numbered) == (
        "pipes",
        ["序号", "工作任务", "牵头单位"],
        True,
    )


def test_format_is_sniffed_from_content_not_the_name() -> None:
    assert sniff(PAGE.encode("utf-8")) == "html"
    assert sniff(SEED.read_bytes()) == "text"
    assert sniff(b"%PDF-1.7\n...") == "pdf"
    assert sniff(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 100) == "doc"
    assert read((SAMPLES / "nansha-2020-gbk.html").read_bytes()).format == "html"
