"""The notices a warehouse holds, and removing one.

    from pipeline.notices import list_notices, remove_notice
    for n in list_notices("fengong.duckdb"):
        print(n.region, n.year, n.plan_title, n.current, n.versions, n.tasks)
    removal = remove_notice("fengong.duckdb", "samples/000_5d162360d2d8264b.txt")

A notice is named by its notice_id, by a file that carried it (by content, when the file is
there to read) or by the path a version was ingested from (when it is gone).
"""

from __future__ import annotations

import hashlib
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from parsers.errors import InputError
from pipeline.parsing import Options, read_file
from pipeline.reading import reading
from warehouse.errors import WarehouseError
from warehouse.reader import Readable
from warehouse.store import Warehouse

_LISTING = """
SELECT n.notice_id, n.region, n.year, n.plan_title, n.source_path,
       (SELECT count(*) FROM notice_versions v WHERE v.notice_id = n.notice_id),
       (SELECT count(*) FROM tasks t WHERE t.notice_id = n.notice_id),
       (SELECT count(*) FROM assignments a WHERE a.notice_id = n.notice_id),
       coalesce((SELECT v.warnings FROM notice_versions v
                 WHERE v.notice_id = n.notice_id AND v.sha256 = n.sha256),
                len(coalesce(n.warnings, [])))
FROM notices n
ORDER BY n.region NULLS LAST, n.year NULLS LAST, n.plan_title, n.notice_id
"""


@dataclass(frozen=True)
class NoticeListing:
    notice_id: str
    region: str | None
    year: int | None
    plan_title: str | None
    current: str  # the path of the version whose reading is stored
    versions: int  # files that have carried the notice
    tasks: int
    assignments: int
    warnings: int  # of the current reading


@dataclass(frozen=True)
class Removal:
    notice: NoticeListing
    tasks: int


def list_notices(db: str | Path, lock_timeout: float = 60.0) -> list[NoticeListing]:
    """Every notice held, by region, year and plan title. Raises WarehouseError."""
    with reading(db, lock_timeout) as wh:
        return _listed(wh)


def remove_notice(db: str | Path, key: str, lock_timeout: float = 60.0) -> Removal:
    """Remove the one notice `key` names (a notice_id, a file that carried it, or the path
    a version was ingested from) in one transaction; its year links and change records are
    recomputed (see Warehouse.remove). Raises WarehouseError when the warehouse is missing
    or `key` names no notice, or several."""
    if not Path(db).is_file():  # writing would create one: say there is none instead
        Warehouse.open(db, read_only=True)  # raises WarehouseError: no warehouse here
    sha256 = None
    if Path(key).is_file():
        with suppress(InputError):  # a file fengong would not read is named by its path only
            sha256 = hashlib.sha256(read_file(Path(key), Options())).hexdigest()
    with Warehouse.open(db, lock_timeout=lock_timeout) as wh:
        found = wh.find(key, sha256)
        if not found:
            raise WarehouseError(
                f"{db}: no notice stored for {key} (list them: fengong notices --db {db})"
            )
        if len(found) > 1:
            raise WarehouseError(
                f"{db}: {key} names {len(found)} notices ({', '.join(found)}); "
                "remove one by its notice_id"
            )
        (notice,) = [n for n in _listed(wh) if n.notice_id == found[0]]
        return Removal(notice, wh.remove(notice.notice_id))


def _listed(wh: Readable) -> list[NoticeListing]:
    return [NoticeListing(*row) for row in wh.sql(_LISTING).fetchall()]
