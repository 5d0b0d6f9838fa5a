"""Bringing a warehouse written by an earlier version up to date, once, when it is opened.

report_groups and social_return_valued were views; they are tables now. The views are
dropped, and report_groups is filled from the stored lines, as validation fills it.
finding_evidence was a table holding every counted line of a commitment finding; it is a
view now over stored_evidence (the table renamed, without those lines) and the counted lines.
counted_lines was a table rewritten every run; it is a view now over line_contributions,
which the next evaluation fills for every contract (none has a fingerprint yet).
raw_records kept every line read until validation took it over; files are now read and
validated in one transaction. Its lines were a second copy of what the line tables and
quarantine hold; a file read but not validated yet is forgotten, so the next run reads it again.
The line tables kept each accepted line's record as read (`raw`) beside its typed values: a
second copy of the archived original's row. The column is dropped.
line_contributions held each social-return line's hours or euros once more per commitment
(`amount`); counted_lines now takes them from social_return_valued. Those rows and the
column are dropped, and every contract is evaluated anew by the next run: a contract valued
while social_return_valued was a view has no valued lines stored.
unpublished_contracts named the contracts whose rows the next snapshot was to write; a
snapshot writes files now (unpublished_files), and the table is dropped.
changed_contracts had a key; each evaluation fills it afresh, so it is dropped and made
again without one. submissions and files_on_record had keys too: their rows move to the
tables made again without one.
Recycled lines claiming recycled tonnes without evidence are kept apart
(unsupported_claim_lines); a warehouse without any gets those of its stored lines.
The line tables hold each line's arrival (received_at, its submission's); it is filled from
the ledger and then required. line_contributions and social_return_valued hold it too: they
are dropped and every contract is evaluated anew.
Each person's valued lines are summed in person_totals; a warehouse without any gets those
of its valued lines, once the views are made (after_views). valuation_starts, filled afresh
by each evaluation, is made again with the latest period start before. person_totals without
person_key, the number a person is looked up by, is dropped and summed again.
Each commitment's file totals are summed in commitment_totals; a warehouse without any gets
those of its file totals as of its last evaluation.
"""
from __future__ import annotations

import duckdb

from naleving.columns import LINE_COLUMNS, LINE_TABLES

FORMER_VIEWS = ("report_groups", "social_return_valued")
FORMER_TABLES = ("finding_evidence", "counted_lines", "raw_records", "unpublished_contracts")
COMPUTED_PER_LINE = ("line_contributions", "social_return_valued")
FORMERLY_KEYED = ("submissions", "files_on_record")  # kept aside as keyed_<name> until the schema made them anew


def before_schema(con: duckdb.DuckDBPyConnection) -> bool:
    """Drop or rename what an earlier version kept differently, before the schema is created;
    True when report_groups must then be filled (fill_report_groups)."""
    views = [name for (name,) in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal AND view_name IN ?", [list(FORMER_VIEWS)]).fetchall()]
    tables = [name for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT internal AND table_name IN ?", [list(FORMER_TABLES)]).fetchall()]
    for name in views:
        con.execute(f"DROP VIEW {name} CASCADE")
    if "finding_evidence" in tables:
        con.execute("ALTER TABLE finding_evidence RENAME TO stored_evidence")
        con.execute("DELETE FROM stored_evidence WHERE role = 'geteld'")
    for name in ("counted_lines", "unpublished_contracts"):
        if name in tables:
            con.execute(f"DROP TABLE {name}")
    keyed = [name for (name,) in con.execute("SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' "
                                             "AND table_name IN ?", [["changed_contracts", *FORMERLY_KEYED]]).fetchall()]
    if "changed_contracts" in keyed:
        con.execute("DROP TABLE changed_contracts")
    for table, column in (("valuation_starts", "last_start_before"), ("person_totals", "person_key")):
        if con.execute("SELECT 1 FROM duckdb_columns() WHERE table_name = ? HAVING count(*) > 0 "
                       "AND NOT bool_or(column_name = ?)", [table, column]).fetchall():
            con.execute(f"DROP TABLE {table}")
    if "raw_records" in tables:
        if con.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = 'files_on_record'").fetchall():
            con.execute("""DELETE FROM files_on_record WHERE file_name IN
                           (SELECT file_name FROM submissions WHERE status = 'received')""")
        con.execute("DELETE FROM submissions WHERE status = 'received'")
        con.execute("DROP TABLE raw_records")
    for (name,) in con.execute("SELECT table_name FROM duckdb_columns() WHERE NOT internal AND column_name = 'raw' "
                               "AND table_name IN ?", [list(LINE_TABLES)]).fetchall():
        con.execute(f"ALTER TABLE {name} DROP COLUMN raw")
    if con.execute("SELECT 1 FROM duckdb_columns() WHERE NOT internal AND table_name = 'line_contributions' "
                   "AND column_name = 'amount'").fetchall():
        # rewritten, not altered: DuckDB refuses to commit a delete and an alter of one table together
        con.execute("CREATE TABLE share_contributions AS SELECT * EXCLUDE (amount) FROM line_contributions WHERE amount IS NULL")
        con.execute("DROP TABLE line_contributions")
        con.execute("ALTER TABLE share_contributions RENAME TO line_contributions")
        con.execute("DELETE FROM evaluated_contracts")
    _arrival(con)
    for name in FORMERLY_KEYED:
        if name in keyed:
            con.execute(f"ALTER TABLE {name} RENAME TO keyed_{name}")
    return "report_groups" in views


def after_schema(con: duckdb.DuckDBPyConnection, fill_groups: bool) -> None:
    """Move the rows of the tables kept aside into the ones the schema made; then fill
    report_groups if before_schema said so, and the unsupported claims if none are kept."""
    for (name,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE table_name IN ?",
                               [[f"keyed_{name}" for name in FORMERLY_KEYED]]).fetchall():
        con.execute(f"INSERT INTO {name.removeprefix('keyed_')} BY NAME SELECT * FROM {name}")
        con.execute(f"DROP TABLE {name}")
    if fill_groups:
        fill_report_groups(con)
    if not con.execute("SELECT 1 FROM unsupported_claim_lines LIMIT 1").fetchall():  # new, or none yet: from the stored lines
        from naleving import stages
        stages.keep_unsupported_claims(con, "recycled_material_lines")


def after_views(con: duckdb.DuckDBPyConnection) -> None:
    """Sum each person's valued lines if no sums are kept (new, or no valued lines yet), and
    each commitment's file totals as of the last evaluation's date likewise."""
    if not con.execute("SELECT 1 FROM person_totals LIMIT 1").fetchall():
        con.execute("INSERT INTO person_totals BY NAME SELECT *, person_key(contract_id, person_ref) AS person_key "
                    "FROM person_sums('social_return_valued')")
    if not con.execute("SELECT 1 FROM commitment_totals LIMIT 1").fetchall():
        con.execute("CREATE OR REPLACE TEMP VIEW counted_file_totals AS SELECT *, 1 AS sign FROM file_totals "
                    "WHERE period_end <= (SELECT as_of FROM last_evaluation)")
        con.execute("INSERT INTO commitment_totals SELECT * FROM commitment_sums('counted_file_totals')")
        con.execute("DROP VIEW counted_file_totals")  # commitment_sums takes a name; the view served it only


def _arrival(con: duckdb.DuckDBPyConnection) -> None:
    """Give the line tables their lines' arrival; drop the tables computed per line without it."""
    has_arrival = dict(con.execute(
        "SELECT table_name, bool_or(column_name = 'received_at') FROM duckdb_columns() WHERE NOT internal "
        "AND table_name IN ? GROUP BY ALL", [[*LINE_TABLES, *COMPUTED_PER_LINE]]).fetchall())  # absent: created by the schema
    for name in LINE_TABLES:
        if has_arrival.get(name) is False:
            con.execute(f"ALTER TABLE {name} ADD COLUMN received_at TIMESTAMP")
            con.execute(f"UPDATE {name} l SET received_at = s.received_at FROM submissions s WHERE s.submission_id = l.submission_id")
    if any(has_arrival.get(name) is False for name in COMPUTED_PER_LINE):
        for name in COMPUTED_PER_LINE:
            con.execute(f"DROP TABLE IF EXISTS {name}")
        con.execute("DELETE FROM evaluated_contracts")


def require_arrival(con: duckdb.DuckDBPyConnection) -> None:
    """After before_schema committed (DuckDB refuses the constraint on rows updated in the
    same transaction): every line has its arrival."""
    for (name,) in con.execute("SELECT table_name FROM duckdb_columns() WHERE NOT internal AND column_name = 'received_at' "
                               "AND is_nullable AND table_name IN ?", [list(LINE_TABLES)]).fetchall():
        con.execute(f"ALTER TABLE {name} ALTER COLUMN received_at SET NOT NULL")


def fill_report_groups(con: duckdb.DuckDBPyConnection) -> None:
    """Every stored line's group, with supersession ranked over all of them."""
    from naleving import stages, validate

    stages.record_report_groups(con, [
        validate.report_groups(report_type, con.sql(
            f"SELECT submission_id, contract_id, period_start, period_end, submitted_at FROM {report_type}_lines").pl())
        for report_type in LINE_COLUMNS
    ], con.sql("SELECT submission_id, file_name, received_at FROM submissions").pl())
    stages.rank_report_groups(con)
