"""The `fengong` command: a thin layer over pipeline.api and the warehouse."""

from __future__ import annotations

import gc
import importlib
import json
import signal
import sys
from typing import IO, Any, ClassVar

import click

from pipeline.cli_options import (
    DB_META,
    db_option,
    lock_timeout_option,
    rows_format_option,
    stopped,
    terminated,
)
from pipeline.formats import print_rows
from pipeline.printable import printable
from schemas.errors import FengongError


class _Commands(click.Group):
    """Commands whose modules load only when the command runs (or --help lists it): `fengong
    ingest` and `parse` bring the parsers and the pydantic models, `export` pyarrow, jinja2
    and the feed writers, which the commands that only read the warehouse (`diff`, `unit`,
    `query`) should not pay at every start, nor each other (issue 16, start-up)."""

    lazy: ClassVar[dict[str, str]] = {
        "ingest": "pipeline.cli_ingest:ingest",  # fengong ingest PATHS
        "parse": "pipeline.cli_ingest:parse",  # fengong parse FILE
        "diff": "pipeline.cli_compare:diff",  # fengong diff --region R --from Y --to Y
        "unit": "pipeline.cli_unit:unit",  # fengong unit NAME
        "export": "pipeline.cli_export:export",  # fengong export --format F --out PATH
        "notices": "pipeline.cli_notices:notices",  # fengong notices
        "remove": "pipeline.cli_notices:remove",  # fengong remove NOTICE_ID|FILE
        "units": "pipeline.cli_units:units",  # fengong units
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy and name not in self.commands:
            module, attr = self.lazy[name].split(":")
            self.add_command(getattr(importlib.import_module(module), attr), name)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context) -> Any:
        """Every command's failures as one line, here in one place: a usage error without
        the usage block (exit 2); every error fengong raises for a user (schemas.errors.
        FengongError: a file that cannot be read, a warehouse that cannot be used, a feed,
        query or comparison that cannot be made, an unsafe target) as `Error: <its line>`,
        and a DuckDB error no command caught (a damaged file met mid-read, a full disk) as
        `Error: <warehouse>: <what to do>` (exit 1). A Ctrl-C ends it with one line and exit
        130 (128 + SIGINT, as a shell reports it), also when a library turned it into an
        error of its own (_interrupted)."""
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            exc.ctx = None  # the message names the option; the usage block buries it
            raise
        except FengongError as exc:
            raise click.ClickException(printable(exc.line())) from None
        except KeyboardInterrupt:
            raise stopped() from None
        except Exception as exc:
            if _interrupted(exc):
                raise stopped() from None
            duckdb = sys.modules.get("duckdb")
            if duckdb is None or not isinstance(exc, duckdb.Error):
                raise
            from warehouse.errors import describe

            db = ctx.meta.get(DB_META, "the warehouse")
            raise click.ClickException(printable(describe(db, exc))) from None


def _interrupted(exc: BaseException) -> bool:
    """A Ctrl-C that arrived as another exception: DuckDB's inside a statement
    (warehouse.errors.is_interrupt), or a library's raised while its KeyboardInterrupt was
    being handled (an import that falls back on ImportError, as opencc's does)."""
    from warehouse.errors import is_interrupt

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt) or is_interrupt(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="fengong")
def main() -> None:
    """fengong: work-plan notices (分工方案) → sections, tasks, units and roles in DuckDB.

    \b
    Example:
      fengong ingest 通知/                      # every notice in a folder
      fengong export --format xlsx --out 台账.xlsx
      fengong diff --region 南沙区 --html 对比.html
    """


@main.command()
@click.argument("sql", required=False)
@click.option(
    "--file",
    "sql_file",
    type=click.File("r", encoding="utf-8"),
    help="Read the SQL from this file (- for standard input).",
)
@db_option
@rows_format_option()
@lock_timeout_option
def query(
    sql: str | None,
    sql_file: IO[str] | None,
    db: str,
    fmt: str,
    raw_csv: bool,
    lock_timeout: float,
) -> None:
    """Run one SELECT on the warehouse and print the answer.

    SQL is the argument, or - to read it from standard input, or --file F. Read-only and
    confined to the warehouse: one statement, no other files or databases (no read_csv,
    COPY, ATTACH, INSTALL, LOAD, SET, PRAGMA); anything else is refused.

    \b
    Example:
      fengong query "select org, count(*) from v_assignments where role = 'lead' group by org"
      echo "select * from v_notices" | fengong query - --format csv
    """
    from pipeline.sql import run

    if (sql is None) == (sql_file is None):
        raise click.UsageError("give the SQL as the argument, as - (standard input) or --file F")
    if sql == "-":
        sql = sys.stdin.read()
    elif sql_file is not None:
        sql = sql_file.read()
    assert sql is not None
    if not sql.strip():
        raise click.UsageError("the SQL is empty")
    columns, rows = run(db, sql, lock_timeout)  # QueryRefused, QueryFailed: one line (main)
    print_rows(columns, rows, fmt, raw_csv=raw_csv)


@main.command()
@click.option(
    "--record",
    is_flag=True,
    help="The schema of a task record of `fengong export --format jsonl` instead.",
)
def schema(record: bool) -> None:
    """Print the JSON Schema of the Notice model.

    \b
    Example:
      fengong schema --record > task-record.schema.json
    """
    if record:
        from schemas.export import record_json_schema

        click.echo(json.dumps(record_json_schema(), ensure_ascii=False, indent=1))
        return
    from schemas import Notice

    click.echo(json.dumps(Notice.model_json_schema(), ensure_ascii=False, indent=1))


def run() -> None:
    """The `fengong` program (the project's script, and `python -m pipeline.cli`): main() in
    click's standalone mode, which ends the process with the command's exit status.

    As it ends, every object is frozen out of the garbage collector (gc.freeze): the
    interpreter's collections at exit walk every object of the libraries a command loaded
    (pandas, pyarrow, pydantic: ~0.15 s after an ingest here, ~0.02 s frozen), and a command
    has closed what it opened (the warehouse, the files it wrote, its worker processes) by
    then. Only the program does this, never main() called in-process (tests, notebooks);
    likewise only the program takes SIGTERM as it takes a Ctrl-C (cli_options.terminated)."""
    signal.signal(signal.SIGTERM, terminated)
    try:
        main()
    finally:
        gc.freeze()


if __name__ == "__main__":
    run()
