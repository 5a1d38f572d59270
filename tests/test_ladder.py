from __future__ import annotations

import pytest

from parsers.dates import deadline, parse_date
from parsers.ladder import cn_to_int, number


@pytest.mark.parametrize(
    ("line", "level", "label", "value", "rest"),
    [
        ("一、围绕", 1, "一、", "一", "围绕"),
        ("十二、其他", 1, "十二、", "十二", "其他"),
        ("第二部分 保障措施", 1, "第二部分", "二", "保障措施"),
        ("(一)以权责清单为依托", 2, "(一)", "一", "以权责清单为依托"),
        ("（三）提高", 2, "（三）", "三", "提高"),
        ("㈡加强", 2, "㈡", "二", "加强"),
        ("1.更新完善", 3, "1.", "1", "更新完善"),
        ("１．全面优化", 3, "１．", "1", "全面优化"),
        ("12、发布", 3, "12、", "12", "发布"),
        ("4.2020年底前,区政府门户网站", 3, "4.", "4", "2020年底前,区政府门户网站"),
        ("第三条 各单位", 3, "第三条", "3", "各单位"),
        ("(2)加强", 4, "(2)", "2", "加强"),
        ("③做好", 4, "③", "3", "做好"),
    ],
)
def test_ladder_reads_each_rung(line: str, level: int, label: str, value: str, rest: str) -> None:
    got = number(line)
    assert got is not None
    assert (got.level, got.label, got.value, got.rest) == (level, label, value, rest)


@pytest.mark.parametrize("line", ["1.5倍以上", "2020年底前完成", "一是加强", "一、", "区各单位"])
def test_not_a_label(line: str) -> None:
    assert number(line) is None


def test_chinese_numerals() -> None:
    assert [cn_to_int(x) for x in ["一", "十", "十二", "二十", "二十三", "一百零五"]] == [
        1,
        10,
        12,
        20,
        23,
        105,
    ]


@pytest.mark.parametrize(
    ("text", "date", "phrase"),
    [
        ("2020年底前编制完成", "2020-12-31", "2020年底前"),
        ("2020年年底前完成", "2020-12-31", "2020年年底前"),
        ("6月底前完成", "2021-06-30", "6月底前"),
        ("2022年2月底前", "2022-02-28", "2022年2月底前"),
        ("年底前", "2021-12-31", "年底前"),
        ("2022年3月15日前上线", "2022-03-15", "2022年3月15日前"),
    ],
)
def test_deadlines(text: str, date: str, phrase: str) -> None:
    due, got_phrase = deadline(text, 2021)
    assert (str(due), got_phrase) == (date, phrase)


@pytest.mark.parametrize("text", ["持续推进", "长期坚持", "每季度", "加强培训"])
def test_no_deadline(text: str) -> None:
    assert deadline(text, 2021) == (None, None)


@pytest.mark.parametrize(
    ("cell", "date"),
    [
        ("2018年底", "2018-12-31"),
        ("2022年6月", "2022-06-30"),
        ("6月底", "2021-06-30"),
        ("2022年2月底前", "2022-02-28"),
        ("每年6月", "None"),
        ("持续推进", "None"),
    ],
)
def test_a_deadline_cell_needs_no_qian(cell: str, date: str) -> None:
    """A 完成时限 cell or line is a deadline as a whole; in running text 前 is required (到2018年底
    实现… is a target, not a deadline)."""
    assert str(deadline(cell, 2021, cell=True)[0]) == date
    assert deadline("到2018年底实现全覆盖", 2021) == (None, None)


def test_sign_dates_in_both_scripts() -> None:
    assert str(parse_date("2020年9月22日")) == "2020-09-22"
    assert str(parse_date("二〇二一年三月十五日")) == "2021-03-15"
    assert str(parse_date("发布日期：2020-09-24")) == "2020-09-24"
