"""The DuckDB warehouse: opening it, creating its tables, running the SQL files."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import duckdb

from naleving import config, upgrade

SQL_DIR = Path(__file__).resolve().parent / "sql"
SETTINGS = {
    # A night lands batches of ~250,000 lines; checkpointing after each rewrote the tables
    # again and again. The log is folded in once it is this big, and when the warehouse closes.
    "checkpoint_threshold": "1GB",
    # DuckDB's share of the 4 GiB a run may use; beyond it, joins spill to disk (<warehouse>.tmp).
    "memory_limit": "2GB",
    # Rows a transaction writes into the file as they come are flushed a row group at a time,
    # not five at once: less memory held while the intake stores.
    "write_buffer_row_group_count": 1,
}


def sql_text(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def run_sql(con: duckdb.DuckDBPyConnection, name: str, **variables: Any) -> None:
    """Run one SQL file; its parameters arrive as DuckDB variables (getvariable('name'))."""
    for key, value in variables.items():
        con.execute(f"SET VARIABLE {key} = ?", [value])
    con.execute(sql_text(name))


@contextmanager
def connect(path: Path | str) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse with its schema in place, and always close it."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), config=SETTINGS)
    try:
        # FSST made the stored ids ~18 % smaller but cost ~12 % of the CPU of storing a
        # line. Set here: among the settings above DuckDB ignores it.
        con.execute("SET disabled_compression_methods = 'fsst'")
        if _catalog_version(con) != config.code_version():
            _build_catalog(con)
        yield con
    finally:
        con.close()


def _catalog_version(con: duckdb.DuckDBPyConnection) -> str | None:
    """The code version that last built the warehouse's tables and views (_build_catalog)."""
    if not con.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = 'catalog_on_record'").fetchall():
        return None
    row = con.execute("SELECT code_version FROM catalog_on_record").fetchone()
    return row[0] if row else None


def _build_catalog(con: duckdb.DuckDBPyConnection) -> None:
    """Bring the tables up to date and recreate the views, once per code version: recreated
    by every connection, they were a change to write and checkpoint at every asset's close
    (~0.2 s a night)."""
    with transaction(con):
        fill_groups = upgrade.before_schema(con)
        run_sql(con, "schema")
        upgrade.after_schema(con, fill_groups)
    with transaction(con):
        upgrade.require_arrival(con)
    for name in ("marked_lines", "views", "commitment_lines", "finding_evidence"):
        run_sql(con, name)
    with transaction(con):  # last: a build cut short is done again by the next connection
        upgrade.after_views(con)
        con.execute("DELETE FROM catalog_on_record")
        con.execute("INSERT INTO catalog_on_record VALUES (?)", [config.code_version()])


def drop_temp_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the temporary tables a stage made: the run's one connection would hold them, in
    memory, until the run ends (a rebuild's hold a row for every file)."""
    for (name,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall():
        con.execute(f'DROP TABLE temp."{name}"')


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: a failed stage leaves the warehouse as it was."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


@contextmanager
def transactions(con: duckdb.DuckDBPyConnection, size: int) -> Iterator[Callable[[int], None]]:
    """Transactions in a row, each committed once it holds `size` of the work the caller
    counts (`done(n)` after each piece); the last commits when the block ends. A failure
    rolls back the open one only: the ones committed before stay whole."""
    held = 0

    def done(amount: int) -> None:
        nonlocal held
        held += amount
        if held >= size:
            con.execute("COMMIT")
            con.execute("BEGIN TRANSACTION")
            held = 0

    with transaction(con):
        yield done
