"""How a notice's region is shown where a region cannot be left empty.

A notice that prints no region is stored with region NULL (``v_notices``). Where a region must
be named — the Parquet feed's region column, the ledger's 地区 column, a unit's region in
``fengong units`` and ``fengong unit`` — it is shown as NO_REGION, one placeholder for all of
them (pipeline/parquet_feed.py).
"""

from __future__ import annotations

NO_REGION = "未注明地区"


def region_label(region: str | None) -> str:
    """The region as shown: the stored one, or NO_REGION for a notice that printed none."""
    return region if region is not None else NO_REGION
