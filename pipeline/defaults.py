"""The warehouse file used when none is given, apart from every heavier module: the library
(pipeline/api.py) and every command's --db (pipeline/cli_options.py) take it from here, so
that neither `fengong parse` loads DuckDB nor `fengong diff` the parsers to learn it."""

from __future__ import annotations

DEFAULT_DB = "fengong.duckdb"  # --db's default; FENGONG_DB overrides it
