"""Bringing a warehouse written by an earlier version up to date, once, when it is opened.

report_groups and social_return_valued were views; they are tables now. The views are
dropped, and report_groups is filled from the stored lines, as validation fills it.
finding_evidence was a table holding every counted line of a commitment finding; it is a
view now over stored_evidence (the table renamed, without those lines) and the counted lines.
counted_lines was a table rewritten every run; it is a view now over line_contributions,
which the next evaluation fills for every contract (none has a fingerprint yet).
raw_records kept every line read, as JSON only; pending_records keeps the lines not
validated yet, with their cells: those of files still waiting are moved there, the rest was
a second copy of what the line tables and quarantine hold.
"""
from __future__ import annotations

import duckdb
import polars as pl

FORMER_VIEWS = ("report_groups", "social_return_valued")
FORMER_TABLES = ("finding_evidence", "counted_lines", "raw_records")


def before_schema(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Drop or rename what an earlier version kept differently, before the schema is created;
    returns the former views and tables `after_schema` still has to take over."""
    views = [name for (name,) in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal AND view_name IN ?", [list(FORMER_VIEWS)]).fetchall()]
    tables = [name for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT internal AND table_name IN ?", [list(FORMER_TABLES)]).fetchall()]
    for name in views:
        con.execute(f"DROP VIEW {name} CASCADE")
    if "finding_evidence" in tables:
        con.execute("ALTER TABLE finding_evidence RENAME TO stored_evidence")
        con.execute("DELETE FROM stored_evidence WHERE role = 'geteld'")
    if "counted_lines" in tables:
        con.execute("DROP TABLE counted_lines")
    if "raw_records" in tables:
        con.execute("""DELETE FROM raw_records WHERE submission_id NOT IN
                       (SELECT submission_id FROM submissions WHERE status = 'received')""")
        con.execute("ALTER TABLE raw_records RENAME TO former_raw_records")
    return {*views, *tables}


def after_schema(con: duckdb.DuckDBPyConnection, former: set[str]) -> None:
    if "report_groups" in former:
        _fill_report_groups(con)
    if "raw_records" in former:
        _move_pending_records(con)


def _move_pending_records(con: duckdb.DuckDBPyConnection) -> None:
    """The lines of files received but not validated, their cells read back from the JSON."""
    from naleving.validate import RAW_COLUMNS

    waiting = con.sql("SELECT * FROM former_raw_records").pl()
    cells = pl.col("raw").str.json_decode(pl.Struct({c: pl.String for c in RAW_COLUMNS}))
    pending = waiting.with_columns(cells.alias("cells")).unnest("cells")
    con.execute("INSERT INTO pending_records BY NAME SELECT * FROM pending")
    con.execute("DROP TABLE former_raw_records")


def _fill_report_groups(con: duckdb.DuckDBPyConnection) -> None:
    """Every stored line's group, with supersession ranked over all of them."""
    from naleving import stages, validate

    stages.record_report_groups(con, [
        validate.report_groups(report_type, con.sql(
            f"SELECT submission_id, contract_id, period_start, period_end, submitted_at FROM {report_type}_lines").pl())
        for report_type in validate.LINE_COLUMNS
    ])
