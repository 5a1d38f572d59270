"""Encodings that lie and text that is not text (issue 13 item 5, issue 11's HTML reader rows
of ../shared/cases/formats.md, hostile.md case 17): a Latin label on GBK bytes, a UTF-8 file
with one GBK paragraph, mojibake of the known kinds, mirror-site pinyin, hidden HTML.

The format cases are copied to tests/cases/formats/ with their answer, linjiang-2024.gold.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parsers.decode import read
from parsers.mojibake import repair
from pipeline import ingest, parse
from tests.conftest import SEED
from tests.scoring import score

FORMATS = Path(__file__).parent / "cases" / "formats"
LINJIANG = FORMATS / "linjiang-2024.gold.json"


# --- formats.md: the HTML reader rows --------------------------------------------------------


@pytest.mark.parametrize("name", ["gbk-latin1-meta.html", "hidden-min.html"])
def test_format_case_gives_the_gold_answer(name: str, db: Path) -> None:
    report = ingest([FORMATS / name], db=db)
    assert report.failed == []
    s = score(db, LINJIANG)
    # the gold leaves publish_date null for the forms without a page; these pages print
    # 发布日期：2024-03-22, which is their publish date (GOLD-GUIDE)
    assert s.meta_bad == ["publish_date: want None got '2024-03-22'"]
    assert (s.sections, s.tasks, s.assignments) == (1.0, 1.0, 1.0), (s.missing, s.unexpected)
    assert s.deadlines_ok == s.n_tasks and s.inherited_ok == s.n_assignments


def test_a_latin_label_on_gbk_bytes_is_overruled_and_said() -> None:
    data = (FORMATS / "gbk-latin1-meta.html").read_bytes()
    decoded = read(data, "iso8859-1")
    assert decoded.encoding == "gb18030"
    assert "临江区人民政府办公室" in decoded.text
    assert [w.kind for w in decoded.warnings] == ["encoding"]
    assert "iso8859-1" in decoded.warnings[0].message


def test_a_latin_label_on_latin_bytes_is_kept() -> None:
    data = "<p>Caf\u00e9 cr\u00e8me</p>".encode("latin-1")
    assert read(data, "iso8859-1").text == "<p>Caf\u00e9 cr\u00e8me</p>"


def test_hidden_elements_are_not_read(tmp_path: Path) -> None:
    """Inline display:none and visibility:hidden, the hidden attribute, and a class a <style>
    rule hides: none of their text reaches the notice."""
    gold = json.loads(LINJIANG.read_text(encoding="utf-8"))
    html = (FORMATS / "hidden-min.html").read_text(encoding="utf-8")
    html = html.replace(
        "<head>", "<head><style>p.x, .ghost { display: none } .shown { color: red }</style>"
    )
    hidden = [
        '<span style="visibility: hidden">区审计局</span>',
        "<span hidden>区审计局</span>",
        '<span class="ghost">区审计局</span>',
        '<span class="shown">区财政局</span>',
    ]
    for n, span in enumerate(hidden):
        page = html.replace('<span style="display:none">区审计局</span>区财政局', span)
        if n < 3:
            page = page.replace(span, span + "区财政局")
        path = tmp_path / f"hidden-{n}.html"
        path.write_text(page, encoding="utf-8")
        task = next(t for t in parse(path).tasks if t.key == "二.(一).5")
        want = next(t for t in gold["tasks"] if t["key"] == "二.(一).5")
        assert [(a.org, a.role) for a in task.assignments] == [
            (a["org"], a["role"]) for a in want["assignments"]
        ], span


# --- hostile.md case 17: a UTF-8 file with one GBK paragraph ---------------------------------


def _mixed(tmp_path: Path, paragraph: bytes) -> tuple[Path, int, str]:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("本分工方案"))
    data = (
        "\n".join(lines[:at]).encode()
        + b"\n"
        + paragraph.replace(b"{}", lines[at].encode("gbk"))
        + b"\n"
        + "\n".join(lines[at + 1 :]).encode()
    )
    path = tmp_path / "mixed.txt"
    path.write_bytes(data)
    return path, at + 1, lines[at].strip()


def test_a_utf8_file_with_one_gbk_paragraph_is_read(tmp_path: Path) -> None:
    path, line, paragraph = _mixed(tmp_path, b"{}")
    n = parse(path)
    assert len(n.tasks) == 43
    assert paragraph in n.preamble  # re-decoded: the paragraph reads as printed
    (warning,) = n.warnings
    assert warning.kind == "encoding"
    assert warning.provenance is not None and warning.provenance.line_start == line
    assert f"line {line}" in warning.message


def test_bytes_of_no_encoding_in_a_utf8_file_are_replaced_and_counted(tmp_path: Path) -> None:
    path, line, _ = _mixed(tmp_path, "备注：".encode() + b"\xff\xfe\x80" + "。".encode())
    n = parse(path)
    assert len(n.tasks) == 43
    (warning,) = n.warnings
    assert warning.kind == "encoding" and f"line {line}" in warning.message
    assert "replaced" in warning.message


# --- mojibake -----------------------------------------------------------------------------------

LINE = "区政务服务数据管理局负责统筹推进全区政务公开工作"


def test_utf8_read_as_gbk_is_repaired() -> None:
    garbled = LINE.encode("utf-8").decode("gb18030")  # 42 bytes: every pair decodes
    assert garbled != LINE
    text, fixes = repair(f"1.{garbled}。\n2.其他工作。")
    assert text == f"1.{LINE}。\n2.其他工作。"
    assert [(f.line, f.kind) for f in fixes] == [(1, "UTF-8 read as GBK")]


def test_gbk_read_one_byte_off_is_repaired_but_for_the_cut_character() -> None:
    data = LINE.encode("gbk")
    garbled = data[1:].decode("gb18030", errors="replace")  # the first byte lost
    text, fixes = repair(f"标题\n1.{garbled}\n")
    assert text == f"标题\n1.{LINE[1:-1]}\ufffd\n"  # the bytes cut at both edges are lost
    assert [(f.line, f.kind) for f in fixes] == [(2, "GBK read one byte off")]


def test_mojibake_that_lost_too_much_is_named_not_changed() -> None:
    line = "区政务服务数据管理局负责统筹推进全区政务公开工作要求各单位按时报送"
    garbled = "".join(
        "\ufffd" if i % 4 == 0 else ch  # a quarter of it lost on the way
        for i, ch in enumerate(line.encode().decode("gb18030", "replace"))
    )
    text, fixes = repair(garbled)
    assert text == garbled
    assert fixes and fixes[0].repaired is None


def test_a_byte_the_garbling_lost_costs_one_character() -> None:
    garbled = "各相关单位".encode().decode("gb18030", "replace")  # 15 bytes: one lost
    text, fixes = repair(f"{garbled}:")
    assert text == "各相关单\ufffd:"
    assert fixes[0].repaired == "各相关单\ufffd"


def test_traditional_script_mojibake_is_repaired_too() -> None:
    line = "區政務服務數據管理局負責統籌推進全區政務公開工作"
    text, fixes = repair(line.encode().decode("gb18030", "replace"))
    assert fixes[0].kind == "UTF-8 read as GBK" and fixes[0].repaired == text
    assert "政務服務數據管理" in text and "負責統籌推" in text and text.count("\ufffd") <= 5


def test_mojibake_in_a_notice_is_repaired_and_warned_by_line(tmp_path: Path) -> None:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip() == "各相关单位:")
    lines[at] = "各相关单位：".encode().decode("gb18030")  # 18 bytes: none lost
    path = tmp_path / "mojibake.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    n = parse(path)
    assert n.meta.addressees == ["各相关单位"]
    assert [(w.kind, w.provenance.line_start if w.provenance else None) for w in n.warnings] == [
        ("encoding", at + 1)
    ]


@pytest.mark.parametrize(
    "sample",
    [
        SEED,
        SEED.parent / "constructed" / "c04-traditional.html",
        SEED.parent / "nansha-2020-gbk.html",
    ],
)
def test_clean_text_has_no_mojibake(sample: Path) -> None:
    assert read(sample.read_bytes()).warnings == []


# --- mirror-site pinyin ------------------------------------------------------------------------


def test_mirror_pinyin_after_characters_is_removed() -> None:
    text = "<p>汕頭市龍湖區(qū)人民政府辦公室關於印發(fā)工作要點（2021）(a)</p>"
    assert (
        read(text.encode()).text == "<p>汕頭市龍湖區人民政府辦公室關於印發工作要點（2021）(a)</p>"
    )
