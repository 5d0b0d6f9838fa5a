"""Bringing a warehouse written by an earlier version up to date, once, when it is opened.

report_groups and social_return_valued were views; they are tables now. The views are
dropped, and report_groups is filled from the stored lines, as validation fills it.
finding_evidence was a table holding every counted line of a commitment finding; it is a
view now over stored_evidence (the table renamed, without those lines) and the counted lines.
counted_lines was a table rewritten every run; it is a view now over line_contributions,
which the next evaluation fills for every contract (none has a fingerprint yet).
"""
from __future__ import annotations

import duckdb
import polars as pl

FORMER_VIEWS = ("report_groups", "social_return_valued")


def former_views(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [name for (name,) in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal AND view_name IN ?", [list(FORMER_VIEWS)]).fetchall()]


def former_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [name for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT internal AND table_name IN ('finding_evidence', 'counted_lines')"
    ).fetchall()]


def keep_evidence_apart(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("ALTER TABLE finding_evidence RENAME TO stored_evidence")
    con.execute("DELETE FROM stored_evidence WHERE role = 'geteld'")


def drop_former_views(con: duckdb.DuckDBPyConnection, views: list[str]) -> None:
    for name in views:
        con.execute(f"DROP VIEW {name} CASCADE")


def fill_report_groups(con: duckdb.DuckDBPyConnection) -> None:
    """Every stored line's group, with supersession ranked over all of them."""
    from naleving import validate
    from naleving.warehouse import run_sql

    groups = [
        validate.report_groups(report_type, con.sql(
            f"SELECT submission_id, contract_id, period_start, period_end, submitted_at FROM {report_type}_lines").pl())
        for report_type in validate.LINE_COLUMNS
    ]
    con.register("new_groups", pl.concat(groups))
    run_sql(con, "report_groups")
    con.unregister("new_groups")
