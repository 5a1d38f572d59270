"""Warnings: what the parser could not place is stored in v_warnings, counted on the file's
ingest line, and fails the file under --strict (issue 11, "Never silently wrong")."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import cli, query

# Section 二 is printed twice with two titles: the notice keeps both and says so.
TWICE = """临江区2024年政务公开工作要点分工方案
一、加强政策解读
1.围绕重大政策开展解读。（区政务服务数据管理局牵头，区各单位配合）
二、深化重点领域公开
2.公开财政预算和决算。（区财政局负责）
二、夯实公开基础
3.更新政府信息公开指南。（区政府办公室负责）
"""


def test_a_warning_is_stored_counted_and_fails_under_strict(db: Path, tmp_path: Path) -> None:
    notice = tmp_path / "twice.txt"
    notice.write_text(TWICE, encoding="utf-8")

    proc = cli("ingest", str(notice), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert "3 tasks, 4 assignments, 1 warning " in proc.stdout
    rows = query(db, "select task_key, kind, message, provenance from v_warnings")
    assert [(r[0], r[1], r[2]) for r in rows] == [(None, "structure", "section 二 appears twice")]
    assert '"line_start": 6' in str(rows[0][3])

    strict_db = tmp_path / "strict.duckdb"
    proc = cli("ingest", str(notice), "--db", str(strict_db), "--strict")
    assert proc.returncode == 1
    assert f"{notice}: 1 warning(s) under --strict, first: structure: section 二" in proc.stderr
    assert query(strict_db, "select count(*) from v_notices") == [(0,)]
    assert query(strict_db, "select status from v_ingest_log") == [("failed",)]
