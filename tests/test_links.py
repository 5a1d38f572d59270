"""Year-over-year task links: the alignment, and the links kept in the warehouse on ingest."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import duckdb
import pytest

from bench.variants import write
from parsers.kinds import plan_kind
from parsers.script import simplified_form
from pipeline import Options, ingest, parse
from tests.conftest import GOLD, SAMPLES, SEED
from tests.conftest import query as rows
from tests.scoring import score_diff
from warehouse import links
from warehouse.align import Grams, TaskText, align, bigram_codes
from warehouse.links import series_pairs
from warehouse.store import Warehouse

NANSHA_2021 = SAMPLES / "constructed" / "nansha-2021.txt"


# the alignment ------------------------------------------------------------------------------


def test_reordered_and_reworded_tasks_are_found_by_content() -> None:
    before = [
        TaskText("一.1", "更新完善权责清单并按要求公开。"),
        TaskText("一.2", "组织编写本级政府行政机关机构职能目录并向社会公开。"),
        TaskText("二.1", "坚持做好疫情防控常态化下疫情信息发布工作。"),
    ]
    after = [
        TaskText("一.1", "坚持做好疫情防控常态化下疫情信息发布工作"),
        TaskText("一.2", "做好新冠病毒疫苗接种政策和接种点信息发布。"),
        TaskText("二.1", "动态更新完善权责清单并按要求公开。"),
    ]
    got = [(x.from_key, x.to_key, x.change) for x in align(before, after)]
    # punctuation at the end is not a change; one added word is; the vaccine task is new and
    # the catalogue task dropped
    assert got == [("一.1", "二.1", "reworded"), ("二.1", "一.1", "unchanged")]


def test_traditional_script_reads_as_simplified() -> None:
    """The parsers give a traditional text its simplified form; the alignment compares it."""
    printed = "加強政府網站和政務新媒體內容保障。"
    assert simplified_form(printed) == "加强政府网站和政务新媒体内容保障。"
    assert simplified_form("加强政府网站和政务新媒体内容保障。") is None  # its own form
    before = [TaskText("一.1", simplified_form(printed) or printed)]
    after = [TaskText("三.2", "加强政府网站和政务新媒体内容保障")]
    assert [(x.to_key, x.similarity, x.change) for x in align(before, after)] == [
        ("三.2", 1.0, "unchanged")
    ]
    assert plan_kind("思明區2017年政務公開工作要點任務分工", "思明区") == "政务公开"
    assert plan_kind(None, "思明区") is None


def test_a_traditional_notice_carries_its_simplified_forms_and_kind() -> None:
    notice = parse(SAMPLES / "constructed" / "c04-traditional.html")
    assert notice.meta.plan_kind == "政务公开"
    changed = [t for t in notice.tasks if t.text_simplified is not None]
    assert changed and all(t.text_simplified != t.text for t in changed)
    assert any(s.title_simplified for s in notice.sections)
    seed = parse(SEED)  # simplified script: no second copy
    assert not any(t.text_simplified or t.detail_simplified for t in seed.tasks)
    assert seed.meta.plan_kind == "政务公开"


def test_the_assignment_is_one_to_one_and_section_context_decides_ties() -> None:
    before = [
        TaskText("一.1", "严格落实个人信息保护有关规定。", "围绕突发事件 严格依法保护各项法定权利"),
        TaskText("二.1", "严格落实个人信息保护有关规定。", "加强制度执行 规范申请办理工作"),
    ]
    after = [TaskText("五.1", "严格落实个人信息保护有关规定。", "加强制度执行 规范申请办理")]
    assert [(x.from_key, x.to_key) for x in align(before, after)] == [("二.1", "五.1")]
    assert align(before, []) == [] and align([], after) == []


def test_plans_pair_with_the_latest_earlier_plan_of_the_same_region_and_kind() -> None:
    assert plan_kind("南沙区2020年政务公开工作要点分工方案", "南沙区") == "政务公开"
    titled = [
        ("a20", "南沙区", 2020, "南沙区2020年政务公开工作要点分工方案"),
        ("a22", "南沙区", 2022, "南沙区2022年政务公开工作要点责任分工"),
        ("b21", "南沙区", 2021, "南沙区2021年优化营商环境重点任务分工方案"),
        ("b22", "南沙区", 2022, "南沙区2022年优化营商环境工作方案"),
        ("c21", "花都区", 2021, "花都区2021年政务公开工作要点分工方案"),
        ("x", None, 2021, "无地区的方案"),
        ("d22", "广州市花都区", 2022, "广州市花都区2022年政务公开工作要点"),
        ("a21", "南沙区", 2021, "2021年南沙区政务公开要点"),
    ]
    notices = [(i, r, y, plan_kind(t, r)) for i, r, y, t in titled]
    assert series_pairs(notices[:-1]) == {("a20", "a22"), ("b21", "b22"), ("c21", "d22")}
    assert series_pairs(notices) == {
        ("a20", "a21"),
        ("a21", "a22"),
        ("b21", "b22"),
        ("c21", "d22"),
    }


# the warehouse ------------------------------------------------------------------------------


def test_the_constructed_second_year_scores_against_its_gold_diff(db: Path) -> None:
    report = ingest([SEED, NANSHA_2021], db=db)
    assert [r.status for r in report.results] == ["ingested", "ingested"]
    s = score_diff(
        db,
        GOLD / "nansha-2020-2021.diff.json",
        GOLD / "nansha-2020.gold.json",
        GOLD / "nansha-2021.gold.json",
    )
    assert s.links >= 0.95, (s.missing, s.unexpected)
    assert s.owner_changes >= 0.9 and s.n_owner_changes == 5
    added = {k for (k,) in rows(db, "select task_key from v_tasks_added")}
    removed = {k for (k,) in rows(db, "select task_key from v_tasks_removed")}
    assert added == {"一.(三).4", "二.(二).4", "三.(二).3", "四.(一).1", "五.(一).4"}
    assert removed == {"二.(二).2", "四.(一).4", "五.(一).2", "五.(三).4", "六.(二).1"}
    changes = rows(
        db,
        "select from_task_key, to_task_key, owners_before, owners_after "
        "from v_responsibility_changes where region = '南沙区' and from_year = 2020 "
        "and to_year = 2021 order by to_task_key",
    )
    # 权责清单: the lead moved from 区政数局 to 区委编办
    assert ("一.(一).1", "三.(一).1", ["区政务服务数据管理局"], ["区委编办"]) in changes
    unchanged = rows(
        db, "select count(*) from v_task_links where change = 'unchanged' and similarity = 1"
    )
    assert unchanged[0][0] >= 20


def test_the_constructed_wujin_pair_scores_against_its_gold_diff(db: Path) -> None:
    constructed = SAMPLES / "constructed"
    report = ingest([constructed / "wujin-2023.txt", constructed / "c02-pipes.txt"], db=db)
    assert [r.status for r in report.results] == ["ingested", "ingested"]
    s = score_diff(
        db,
        GOLD / "wujin-2022-2023.diff.json",
        GOLD / "c02-pipes.gold.json",
        GOLD / "wujin-2023.gold.json",
    )
    assert s.links >= 0.95, (s.missing, s.unexpected)
    assert s.owner_changes >= 0.9 and s.n_owner_changes == 5
    # the split task: the website check carries on, the new-media check is new
    assert ("四.19", "四.20") in rows(db, "select from_task_key, to_task_key from v_task_links")
    added = {k for (k,) in rows(db, "select task_key from v_tasks_added")}
    assert added == {"一.5", "二.11", "三.17", "四.21", "四.24"}


def test_the_bigrams_of_a_plan_at_once_are_those_of_each_text() -> None:
    rng = random.Random(3)
    alphabet = "政务公开工作要点2020年1,。 区局a"
    for _ in range(300):
        texts = [
            "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9)))
            for _ in range(rng.randint(0, 7))
        ]
        grams = Grams.of(texts)
        for i, text in enumerate(texts):
            row = grams.codes[grams.indptr[i] : grams.indptr[i + 1]]
            assert row.tolist() == sorted(bigram_codes(text).tolist()), (texts, i)


def test_alignment_does_not_depend_on_order_or_keys() -> None:
    """The seed's tasks, shuffled under new keys with some dropped, are found again."""
    gold = json.loads((GOLD / "nansha-2020.gold.json").read_text(encoding="utf-8"))
    before = [TaskText(t["key"], t["text"]) for t in gold["tasks"]]
    rng = random.Random(5)
    for _ in range(5):
        kept = rng.sample(before, k=len(before) - 6)
        after = [TaskText(f"新.{i}", t.text) for i, t in enumerate(kept)]
        got = {(x.from_key, x.to_key) for x in align(before, after)}
        assert got == {(t.key, f"新.{i}") for i, t in enumerate(kept)}


def year_variant(tmp_path: Path, source: Path, year: int, drop: str | None = None) -> Path:
    """The notice with its year changed (a later plan of the same region), optionally with one
    task line dropped."""
    text = re.sub(r"20\d\d年", f"{year}年", source.read_text(encoding="utf-8"))
    if drop:
        text = "\n".join(line for line in text.splitlines() if not line.startswith(drop))
    out = tmp_path / f"{source.stem}-{year}{'-' + drop if drop else ''}.txt"
    out.write_text(text, encoding="utf-8")
    return out


def pairs(db: Path) -> set[tuple[object, ...]]:
    return set(
        rows(
            db,
            "select a.year, b.year from task_link_pairs p "
            "join v_notices a on a.notice_id = p.from_notice_id "
            "join v_notices b on b.notice_id = p.to_notice_id",
        )
    )


def test_links_follow_consecutive_years_and_replacements(db: Path, tmp_path: Path) -> None:
    y2022 = year_variant(tmp_path, NANSHA_2021, 2022)
    ingest([SEED, y2022], db=db)
    assert pairs(db) == {(2020, 2022)}  # 2021 is missing: 2022 follows 2020
    ingest([NANSHA_2021], db=db)
    assert pairs(db) == {(2020, 2021), (2021, 2022)}
    assert rows(db, "select count(*) from v_task_links where from_year = 2021")[0][0] == 43
    # a replaced 2021 (one task dropped: taken with replace) recomputes both of its pairs
    dropped = year_variant(tmp_path, NANSHA_2021, 2021, drop="4.做好新冠病毒疫苗")
    report = ingest([dropped], db=db, options=Options(replace=True))
    assert [r.status for r in report.results] == ["replaced"]
    assert rows(db, "select count(*) from v_task_links where from_year = 2021")[0][0] == 42
    assert rows(db, "select count(*) from v_tasks_added where to_year = 2021")[0][0] == 4
    # no link points at a task that is not stored
    dangling = rows(
        db,
        "select count(*) from v_task_links l where not exists (select 1 from v_tasks t "
        "where t.notice_id = l.to_notice_id and t.task_key = l.to_task_key) "
        "or not exists (select 1 from v_tasks t "
        "where t.notice_id = l.from_notice_id and t.task_key = l.from_task_key)",
    )
    assert dangling == [(0,)]


def test_a_failure_while_linking_leaves_the_old_notice_and_links(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest([SEED, NANSHA_2021], db=db)
    before = rows(db, "select * from task_links order by all")

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("disk full")

    monkeypatch.setattr(links, "align", broken)
    dropped = year_variant(tmp_path, NANSHA_2021, 2021, drop="4.做好新冠病毒疫苗")
    report = ingest([dropped], db=db, options=Options(replace=True))
    assert report.results[0].status == "failed" and "disk full" in (report.results[0].error or "")
    assert rows(db, "select * from task_links order by all") == before
    assert rows(db, "select count(*) from v_tasks")[0][0] == 86  # the old 2021 is whole


def test_the_writer_reads_a_notice_s_tasks_as_the_warehouse_gives_them_back(db: Path) -> None:
    """The plan the writer prepares from the model is the plan a later store reads back."""
    constructed = sorted((SAMPLES / "constructed").iterdir())
    files = [SEED, *(p for p in constructed if p.suffix in {".txt", ".html"})]
    with Warehouse.open(db) as wh:
        for path in files:
            notice = parse(path)
            wh.store(notice)
            stored = links.task_texts(wh.con, notice.notice_id)
            assert links.notice_texts(notice) == stored, path
            assert len(stored) == len(notice.tasks)
    details = rows(db, "select count(*) from v_tasks where detail is not null")[0][0]
    assert details > 0  # a 具体要求 column was among them


def test_plans_read_together_are_the_plans_read_one_by_one(db: Path) -> None:
    """The writer reads the stored plans a group's new pairs need in one query: the same
    texts, in task order, as each notice's own read; an id with nothing stored is left out."""
    constructed = sorted((SAMPLES / "constructed").iterdir())
    files = [SEED, NANSHA_2021, *(p for p in constructed if p.suffix in {".txt", ".html"})]
    with Warehouse.open(db) as wh:
        notices = [parse(path) for path in files]
        for notice in notices:
            wh.store(notice)
        ids = [n.notice_id for n in notices]
        together = links.plans_of(wh.con, [*ids, "no-such-notice", ids[0]])
        assert set(together) == set(ids)
        for nid in ids:
            assert together[nid] == links.task_texts(wh.con, nid)
            assert together[nid]  # every one of them has tasks
        assert links.task_texts(wh.con, "no-such-notice") == []


def test_a_rolled_back_store_leaves_no_plan_behind(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer keeps prepared plans across stores; one whose store failed must not be
    used for the next pair."""
    dropped = parse(year_variant(tmp_path, NANSHA_2021, 2021, drop="4.做好新冠病毒疫苗"))
    with Warehouse.open(db) as wh:
        wh.store(parse(SEED))
        wh.store(parse(NANSHA_2021))
        with monkeypatch.context() as m:
            m.setattr(links, "align", lambda *a, **k: (_ for _ in ()).throw(OSError("full")))
            with pytest.raises(OSError):
                wh.store(dropped, replace=True)
        wh.store(parse(year_variant(tmp_path, NANSHA_2021, 2022)))
    # 2021 → 2022 was aligned against the whole 2021 still stored, not the failed one
    assert rows(db, "select count(*) from v_task_links where from_year = 2021")[0][0] == 43


def test_links_kept_store_by_store_equal_links_computed_all_at_once(
    db: Path, tmp_path: Path
) -> None:
    """The writer keeps the series and pairs in memory across a batch (notices of many
    regions, years out of order, some replaced): the links it leaves are those a fresh
    computation over the final warehouse gives."""
    files = write(tmp_path / "batch", 80)
    for path in [f for f in files if f.suffix == ".txt"][:6]:  # later, one task fewer
        lines = path.read_text(encoding="utf-8").splitlines()
        task = next(i for i, line in enumerate(lines) if re.match(r"\s*2[.．、]", line))
        again = tmp_path / f"{path.stem}-again.txt"
        again.write_text("\n".join(lines[:task] + lines[task + 1 :]), encoding="utf-8")
        files.append(again)
    report = ingest(files, db=db, options=Options(jobs=0, replace=True))
    assert report.count("replaced") >= 6 and not report.failed
    pair_sql = "select from_notice_id, to_notice_id, method from task_link_pairs order by all"
    link_sql = "select * from task_links order by all"
    kept = rows(db, pair_sql), rows(db, link_sql)
    con = duckdb.connect(str(db))
    con.execute("delete from task_links; delete from task_link_pairs")
    con.close()
    with Warehouse.open(db) as wh:
        wh.relink()  # every pair computed anew over the final warehouse
    assert (rows(db, pair_sql), rows(db, link_sql)) == kept
    assert len(kept[0]) >= 20 and len(kept[1]) >= 200


def test_links_are_filled_in_for_a_warehouse_from_before_migration_002(db: Path) -> None:
    ingest([SEED, NANSHA_2021], db=db)
    con = duckdb.connect(str(db))
    con.execute("delete from task_links; update task_link_pairs set method = 'older-method'")
    con.close()
    with Warehouse.open(db) as wh:  # links of an older method are recomputed on open
        assert wh.sql("select count(*) from v_task_links").fetchone() == (38,)
        assert wh.sql("select distinct method from task_link_pairs").fetchall() == [(links.METHOD,)]


def test_the_comparison_views_have_their_documented_columns(db: Path) -> None:
    documented = {
        "v_task_links": "from_notice_id, from_task_key, to_notice_id, to_task_key, similarity, "
        "change, region, from_year, to_year",
        "v_tasks_added": "from_notice_id, to_notice_id, region, from_year, to_year, task_key, "
        "section_key, text",
        "v_tasks_removed": "from_notice_id, to_notice_id, region, from_year, to_year, task_key, "
        "section_key, text",
        "v_responsibility_changes": "region, from_year, to_year, from_task_key, to_task_key, "
        "text_before, text_after, owners_before, owners_after, roles_before, roles_after, "
        "from_notice_id, to_notice_id, similarity, change",
    }
    readme = (SAMPLES.parent / "README.md").read_text(encoding="utf-8")
    with Warehouse.open(db) as wh:
        for view, columns in documented.items():
            got = [d[0] for d in wh.sql(f"select * from {view} limit 0").description]
            assert ", ".join(got) == columns, view
            assert f"| `{view}` |" in readme
