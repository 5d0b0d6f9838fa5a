"""The nightly run's stages as plain functions over the warehouse.

Each stage is one transaction, or one per STORE_LINES lines where a stage takes in files:
what lands is whole, and a stage cut short leaves the warehouse as it was after its last
committed transaction.
The Dagster assets call these; tests can call them without an orchestrator.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import duckdb
import polars as pl

from naleving import config, ingest, validate
from naleving.archive import Archive
from naleving.listing import GONE, ReportFile, all_report_files, changed_report_files
from naleving.read_ahead import read_ahead
from naleving.register import load_register, register_files
from naleving.warehouse import drop_temp_tables, run_sql, transaction, transactions

FILES_ON_RECORD = {"file_name": pl.String, "size": pl.Int64, "mtime_ns": pl.Int64, "file_sha256": pl.String}
REGISTER_ON_RECORD = {"file_name": pl.String, "file_sha256": pl.String, "code_version": pl.String}
# The two-year cap ranks each person's lines in a window: with DuckDB's 2 GB, 7.9 M lines at
# once spilled to disk (22 s), in slices of ~2 M they did not (10 s).
VALUED_LINES_A_SLICE = 2_000_000
# A transaction that adds a row group's worth of rows (122,880) to a table has DuckDB write
# them into the file, compressed, as they come; fewer go to its log first and are compressed
# again when the log is folded in. A batch brings ~100,000 lines of a report type, so several
# batches share a transaction (a run over 2 M lines: ~10 % less time, five runs each).
STORE_LINES = 1_000_000
# A file rewritten in place under its own name keeps its folder's time, so a night that lists
# only changed folders does not see it: every file is looked at again after this many days.
FULL_LISTING_DAYS = 7
T = TypeVar("T")
log = logging.getLogger(__name__)


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, as_of: date, data_dir: Path) -> None:
    con.execute(
        "INSERT INTO runs VALUES (?, ?, NULL, ?, ?, ?, 'running', ?) ON CONFLICT DO NOTHING",
        [run_id, config.now(), as_of, config.code_version(), config.RULE_VERSION, str(data_dir)],
    )


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, status: str) -> None:
    con.execute("UPDATE runs SET finished_at = ?, status = ? WHERE run_id = ?", [config.now(), status, run_id])


def store_register(con: duckdb.DuckDBPyConnection, data_dir: Path, archive: Archive) -> dict:
    """Validate the buyer's register and replace the stored one; raises RegisterError first.
    A register whose files and code are those the stored one came from is not read again:
    a national register (50,000 contracts) took seconds a night to read and compare."""
    files = pl.DataFrame(  # archived: overdue findings rest on register rows
        [(path.name, archive.keep(path.read_bytes()), config.code_version()) for path in register_files(data_dir)],
        schema=REGISTER_ON_RECORD, orient="row").sort("file_name")
    if files.height and files.equals(con.sql("SELECT * FROM register_on_record ORDER BY file_name").pl()):
        contracts, commitments = con.execute(
            "SELECT (SELECT count(*) FROM contracts), (SELECT count(*) FROM commitments)").fetchone()
        log.info("Register ongewijzigd: %d contracten, %d toezeggingen", contracts, commitments)
        return {"contracts": contracts, "commitments": commitments}
    register = load_register(data_dir)
    with transaction(con):
        _replace_rows(con, "contracts", "contract_id", register.contracts)
        _replace_rows(con, "commitments", "commitment_id", register.commitments)
        valuation = register.block_values  # no key, a few hundred rows: replaced whole
        con.execute("DELETE FROM block_values")
        con.execute("INSERT INTO block_values BY NAME SELECT * FROM valuation")
        con.execute("DELETE FROM register_on_record")
        con.execute("INSERT INTO register_on_record SELECT * FROM files")
    log.info("Register gelezen: %d contracten, %d toezeggingen", register.contracts.height, register.commitments.height)
    return {"contracts": register.contracts.height, "commitments": register.commitments.height}


def _replace_rows(con: duckdb.DuckDBPyConnection, table: str, key: str, frame: pl.DataFrame) -> None:
    """Make `table` hold exactly the rows of `frame`, writing only the rows that differ: the
    register rarely changes, and deleting and re-inserting every keyed row took seconds a night."""
    columns = ", ".join(con.table(table).columns)
    con.execute(f"CREATE OR REPLACE TEMP TABLE register_changes AS SELECT {columns} FROM frame EXCEPT SELECT {columns} FROM {table}")
    con.execute(f"""DELETE FROM {table} WHERE {key} NOT IN (SELECT {key} FROM frame)
                    OR {key} IN (SELECT {key} FROM register_changes)""")
    con.execute(f"INSERT INTO {table} SELECT * FROM register_changes")
    con.execute("DROP TABLE register_changes")


def receive_files(con: duckdb.DuckDBPyConnection, data_dir: Path, run_id: str, archive: Archive,
                  all_read: Callable[[], None] = lambda: None, every_file: bool = False) -> pl.DataFrame:
    """Record every new file in the submissions ledger and store its lines, accepted or
    quarantined; returns the ledger rows of this run.

    Only the folders whose time changed since the last intake are listed (listing.py); every
    file is listed when asked (`every_file`), when there is no listing on record and once
    FULL_LISTING_DAYS have passed since the last full one.
    Files are read, validated and stored a batch at a time, with their files on record in the
    same transaction, one per STORE_LINES lines: a rebuild never holds or stages the whole
    history, and a run cut short leaves every transaction it finished whole. The folders go on
    record with the last: a folder on record holds no file that is not. The rules look
    within one file at most, so the next batch is read and validated in the background while
    this one is stored. Supersession is ranked once the batches are in, for the group keys
    that got new groups. `all_read` is called once the last file is read, while the last
    batches are still validated and stored."""
    in_full = every_file or _full_listing_due(con)
    if in_full:
        listed, folders = all_report_files(data_dir)
    else:
        on_record = con.sql("SELECT * FROM folders_on_record ORDER BY folder").pl()
        listed, folders = changed_report_files(data_dir, on_record)
    paths = con.execute("SELECT * FROM listed l ANTI JOIN files_on_record r "
                        "ON r.file_name = l.name AND r.size = l.size AND r.mtime_ns = l.mtime_ns ORDER BY name").pl()
    if in_full:
        log.info("Alle bestanden bekeken: %d, waarvan %d eerder geopend", listed.height, listed.height - paths.height)
    else:
        log.info("Mappen opnieuw bekeken: %d van %d, met %d bestanden, waarvan %d eerder geopend",
                 folders.filter(pl.col("mtime_ns") != GONE).height, on_record.height, listed.height, listed.height - paths.height)
    # Of the ledger, only what decides on the files not on record: whether one came before under
    # its name and content, or under another name with its content.
    seen = set(con.execute("SELECT file_name, file_sha256 FROM submissions s SEMI JOIN paths p ON p.name = s.file_name").fetchall())
    ledger_sha = con.sql("SELECT file_sha256 FROM submissions").pl().to_series() if paths.height else pl.Series(dtype=pl.String)
    register = (con.sql("SELECT * FROM contracts").pl(), con.sql("SELECT * FROM block_values").pl())
    received_at = config.now()  # every file of a run arrives at its start
    batches = ingest.new_submissions([ReportFile(*row) for row in paths.iter_rows()], seen, ledger_sha, received_at, archive)
    ledgers = [pl.DataFrame(schema=ingest.LEDGER_SCHEMA)]
    # Storing a batch is one core's work; DuckDB's second thread only took CPU from reading and
    # validating the next batches (2 M lines: ~14 % less user CPU with one, over six runs).
    con.execute("SET threads = 1")
    try:
        with transactions(con, STORE_LINES) as stored:
            for checked in read_ahead(_checked(batch, run_id, *register) for batch in read_ahead(_then(batches, all_read))):
                _store(con, checked, received_at)
                ledgers.append(checked.ledger)
                stored(checked.ledger["rows_received"].sum())
            rank_report_groups(con)
            record_folders(con, folders, in_full)
    finally:
        con.execute("RESET threads")
    received = pl.concat(ledgers)
    if received["rows_received"].sum() >= STORE_LINES:
        # Lines a transaction wrote into the file are rewritten by the next checkpoint, and the
        # blocks they held fall free. Checkpointed now, the evaluation's tables take those
        # blocks; left to the closing checkpoint, a national rebuild kept 257 free (1×) to 864
        # (4×), and on 4× history the next night's closing checkpoint took 1.5 s instead of 1.0 s.
        con.execute("CHECKPOINT")
    return received


def _full_listing_due(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT coalesce(max(listed_at) <= ?, true) FROM full_listings",
                       [config.now() - timedelta(days=FULL_LISTING_DAYS)]).fetchone()[0]


def record_folders(con: duckdb.DuckDBPyConnection, folders: pl.DataFrame, in_full: bool) -> None:
    """Within the intake's last transaction: the folders as listed (Listing.folders), and when
    every file was."""
    con.register("listed_folders", folders)
    run_sql(con, "folders_on_record", every_folder=in_full, gone=GONE)
    con.unregister("listed_folders")
    if in_full:
        con.execute("INSERT INTO full_listings VALUES (?)", [config.now()])


def _then(items: Iterator[T], done: Callable[[], None]) -> Iterator[T]:
    yield from items
    done()


def validate_batch(ledger: pl.DataFrame, records: pl.DataFrame, contracts: pl.DataFrame,
                   block_values: pl.DataFrame) -> list[tuple[str, validate.Validated]]:
    """The lines of the batch's received files, accepted or quarantined, per report type."""
    received = ledger.filter(pl.col("status") == "received").select("submission_id", "report_type")
    absent = [pl.lit(None, pl.String).alias(c) for c in validate.RAW_COLUMNS if c not in records.columns]
    lines = records.with_columns(absent).join(received, on="submission_id", maintain_order="left")
    results = []
    for (report_type,), part in sorted(lines.partition_by("report_type", as_dict=True).items()):
        log.info("Valideren: %d regels %s", part.height, report_type)
        results.append((report_type, validate.validate_lines(report_type, part.drop("report_type"), contracts, block_values)))
    return results


@dataclass(frozen=True)
class CheckedBatch:
    """A batch of files validated and ready to store."""
    ledger: pl.DataFrame                         # LEDGER_SCHEMA, final statuses and counts
    quarantine: pl.DataFrame                     # quarantine rows: of the refused files and the quarantined lines
    results: list[tuple[str, validate.Validated]]
    opened: pl.DataFrame                         # FILES_ON_RECORD


def _checked(batch: ingest.Batch, run_id: str, contracts: pl.DataFrame, block_values: pl.DataFrame) -> CheckedBatch:
    ledger = pl.DataFrame([s.ledger_row(run_id) for s in batch.submissions], schema=ingest.LEDGER_SCHEMA)
    records = pl.concat(batch.records, how="diagonal") if batch.records else pl.DataFrame(schema=ingest.RECORD_SCHEMA)
    results = validate_batch(ledger, records, contracts, block_values)
    if results:
        ledger = ledger.update(validate.counts([r for _, r in results]), on="submission_id")
    ledger = ledger.with_columns(pl.col("status").replace("received", "accepted"))
    reasons = ledger.filter(pl.col("status") == "refused").select(
        "submission_id", pl.col("refusal_reason").str.split(":").list.first().alias("reasons"))
    refused = records.join(reasons, on="submission_id").select("submission_id", "source_row", "reasons")
    quarantine = ingest.with_raw(pl.concat([refused, *(r.quarantine for _, r in results)]), batch.as_read)
    return CheckedBatch(ledger, quarantine, results, pl.DataFrame(batch.opened, schema=FILES_ON_RECORD, orient="row"))


def _store(con: duckdb.DuckDBPyConnection, batch: CheckedBatch, received_at: datetime) -> None:
    """Within the open transaction: files go on record only together with what was read from
    them; the lines keep their files' arrival."""
    ledger, quarantined, opened = batch.ledger, batch.quarantine, batch.opened  # local names: DuckDB finds frames by name
    con.execute("DELETE FROM files_on_record WHERE file_name IN (SELECT file_name FROM opened)")  # a name's earlier record
    con.execute("INSERT INTO files_on_record SELECT * FROM opened")
    con.execute("INSERT INTO submissions BY NAME SELECT * FROM ledger")
    con.execute("INSERT INTO quarantine BY NAME SELECT * FROM quarantined")
    for report_type, result in batch.results:
        accepted = result.accepted
        con.execute(f"INSERT INTO {report_type}_lines BY NAME SELECT *, ?::TIMESTAMP AS received_at FROM accepted", [received_at])
        if report_type == "recycled_material":
            con.register("accepted_claims", accepted.with_columns(received_at=pl.lit(received_at)))
            keep_unsupported_claims(con, "accepted_claims")
            con.unregister("accepted_claims")
    if batch.results:
        record_report_groups(con, [validate.report_groups(t, r.accepted) for t, r in batch.results], ledger)


def keep_unsupported_claims(con: duckdb.DuckDBPyConnection, lines: str) -> None:
    """Keep apart the lines of the table or frame named `lines` that claim recycled tonnes
    without evidence (unsupported_claim_lines.sql)."""
    run_sql(con, "unsupported_claim_lines", claims_in=lines)


def line_counts(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, int]:
    """Lines accepted and quarantined from the files of a run."""
    accepted, quarantined = con.execute(
        "SELECT coalesce(sum(rows_accepted), 0), coalesce(sum(rows_quarantined), 0) FROM submissions WHERE run_id = ?",
        [run_id]).fetchone()
    return {"lines_accepted": int(accepted), "lines_quarantined": int(quarantined)}


def record_report_groups(con: duckdb.DuckDBPyConnection, groups: list[pl.DataFrame], files: pl.DataFrame) -> None:
    """Add report groups (validate.report_groups) of the ledger rows `files`, their keys to be
    ranked (rank_report_groups.sql). The file's name and arrival come from `files`: joining
    the ledger table read its ids whole, a tenth of a second on 4× national history."""
    con.register("new_groups", pl.concat(groups).join(
        files.select("submission_id", "file_name", "received_at"), on="submission_id", maintain_order="left"))
    run_sql(con, "report_groups")
    con.unregister("new_groups")


def rank_report_groups(con: duckdb.DuckDBPyConnection) -> None:
    """Rank supersession for the group keys recorded since the last ranking."""
    run_sql(con, "rank_report_groups")


def evaluate(con: duckdb.DuckDBPyConnection, run_id: str, as_of: date) -> pl.DataFrame:
    """Append this run's commitment_status; returns it."""
    log.info("Toezeggingen evalueren per %s", as_of.isoformat())
    with transaction(con):  # what to compute again: scratch of each evaluation, committed apart
        run_sql(con, "changed_contracts", run_id=run_id)
    with transaction(con):
        con.execute("DELETE FROM commitment_status WHERE run_id = ?", [run_id])
        run_sql(con, "clear_recomputed")
        slices = _valuation_slices(con)
        for part in range(slices):
            run_sql(con, "social_return_valued", valuation_slices=slices, valuation_slice=part)
        run_sql(con, "person_totals")
        run_sql(con, "counted_lines", run_id=run_id, as_of=as_of)
        run_sql(con, "commitment_totals", as_of=as_of)
        run_sql(con, "commitment_status", run_id=run_id, as_of=as_of)
    drop_temp_tables(con)
    return con.execute("SELECT * FROM commitment_status WHERE run_id = ? ORDER BY commitment_id", [run_id]).pl()


def _valuation_slices(con: duckdb.DuckDBPyConnection) -> int:
    """How many slices the changed contracts' social-return lines are valued in: about
    VALUED_LINES_A_SLICE lines each, estimated from the share of contracts that changed."""
    lines, changed, contracts = con.execute("SELECT (SELECT count(*) FROM social_return_lines), "
                                            "(SELECT count(*) FROM changed_contracts), (SELECT count(*) FROM contracts)").fetchone()
    return max(1, math.ceil(lines * min(1.0, changed / max(contracts, 1)) / VALUED_LINES_A_SLICE))


def derive_findings(con: duckdb.DuckDBPyConnection, run_id: str, as_of: date) -> None:
    """Derive findings and their evidence, and move each finding through its lifecycle."""
    with transaction(con):
        run_sql(con, "overdue_periods", as_of=as_of)
        run_sql(con, "derive_findings", run_id=run_id, as_of=as_of)
        run_sql(con, "apply_findings", run_id=run_id, as_of=as_of)
    drop_temp_tables(con)
