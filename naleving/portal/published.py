"""The latest evidence snapshot as the portal reads it, derived once per snapshot.

The portal never opens the warehouse: it reads the Parquet files of the snapshot LATEST
names, through an in-memory DuckDB, and keeps what it derived until LATEST moves on.
"""
from __future__ import annotations

import functools
import threading
from pathlib import Path

import duckdb
import polars as pl

from naleving import snapshots
from naleving.columns import LINE_COLUMNS
from naleving.snapshots import Snapshot

MODEL_SQL = Path(__file__).with_name("published.sql")
HISTORY_COLUMNS = ("as_of", "commitment_id", "contract_id", "status", "target", "achieved", "expected")
EVIDENCE_LIMIT = 500  # a page shows this many evidence rows; the export and the snapshot hold all


def _typed_record(report_type: str) -> str:
    """An accepted line's typed values as a JSON object, named as in its table."""
    cells = ", ".join(f"'{c}', {c}" for c in LINE_COLUMNS[report_type][2:])  # after the line's key
    return f"SELECT submission_id, source_row, json_object({cells}) AS record FROM {report_type}_lines"


# An accepted line shows its typed values (its record as read is in the archive, which the
# portal does not open); a quarantined line its record as read.
_LINES_SQL = "\n    UNION ALL ".join(
    [*map(_typed_record, LINE_COLUMNS), "SELECT submission_id, source_row, raw AS record FROM quarantine"])
_EVIDENCE_SQL = f"""
WITH lines AS (
    {_LINES_SQL}
)
SELECT e.role, e.file_name, e.file_sha256, e.source_row, l.record,
       c.amount, c.numerator, c.denominator, count(*) OVER () AS total
FROM finding_evidence e
LEFT JOIN submissions s ON s.file_sha256 = e.file_sha256 AND s.status <> 'duplicate'
LEFT JOIN lines l ON l.submission_id = s.submission_id AND l.source_row = e.source_row
LEFT JOIN commitment_lines c
       ON c.commitment_id = $commitment AND c.submission_id = s.submission_id AND c.source_row = e.source_row
WHERE e.finding_id = $finding
ORDER BY CASE e.role WHEN 'toezegging' THEN 0 WHEN 'contract' THEN 1 ELSE 2 END, e.file_name, e.source_row
LIMIT $limit
"""


class Published:
    """One snapshot: its derived tables in memory, its detail tables queried on demand."""

    def __init__(self, snapshot: Snapshot, chain: list[Snapshot]):
        self.snapshot = snapshot
        self.manifest = snapshot.manifest()
        self._con = duckdb.connect()
        snapshots.attach(self._con, snapshot)
        self._con.execute(MODEL_SQL.read_text(encoding="utf-8"))
        self.findings = self._con.sql("SELECT * FROM finding_rows").pl()
        self.contracts = self._con.sql("SELECT * FROM contract_rows").pl()
        self.commitments = self._con.sql("SELECT * FROM commitment_rows").pl()
        self._status_files = [path for s in chain if s.sequence <= snapshot.sequence for path in s.files("commitment_status")]
        self.history = functools.lru_cache(maxsize=256)(self._history)

    def query(self, sql: str, **params) -> pl.DataFrame:
        with self._con.cursor() as cursor:  # a cursor per call: requests run in parallel threads
            return cursor.execute(sql, params).pl()

    def contract(self, contract_id: str) -> dict | None:
        rows = self.contracts.filter(pl.col("contract_id") == contract_id)
        return rows.row(0, named=True) if rows.height else None

    def finding(self, finding_id: str) -> dict | None:
        rows = self.findings.filter(pl.col("finding_id") == finding_id)
        return rows.row(0, named=True) if rows.height else None

    def submissions(self, contract_id: str) -> pl.DataFrame:
        return self.query("SELECT * FROM contract_submissions WHERE contract_id = $c", c=contract_id)

    def quarantined(self, contract_id: str) -> pl.DataFrame:
        return self.query("SELECT * FROM quarantine_lines WHERE contract_id = $c ORDER BY file_name, source_row",
                          c=contract_id)

    def evidence(self, finding_id: str, commitment_id: str | None) -> pl.DataFrame:
        """The rows a finding rests on, down to file and row, with what each line counted for."""
        return self.query(_EVIDENCE_SQL, finding=finding_id, commitment=commitment_id, limit=EVIDENCE_LIMIT)

    def _history(self, contract_id: str) -> pl.DataFrame:
        """Each run's figures for the contract's commitments: one row per commitment and as_of,
        the latest publication winning when a date was evaluated twice."""
        runs = [pl.scan_parquet(path).select(HISTORY_COLUMNS).filter(pl.col("contract_id") == contract_id)
                .with_columns(pl.lit(number).alias("publication"))
                for number, path in enumerate(self._status_files)]
        return (pl.concat(runs).collect().sort("as_of", "publication")
                .unique(["commitment_id", "as_of"], keep="last", maintain_order=True))


class PublishedCache:
    """The Published of the snapshot LATEST names; rebuilt only when LATEST moves."""

    def __init__(self, state_dir: Path):
        self.root = state_dir / "snapshots"
        self._current: Published | None = None
        self._lock = threading.Lock()

    def current(self) -> Published | None:
        snapshot = snapshots.latest(self.root)
        if snapshot is None:
            return None
        current = self._current
        if current is None or current.snapshot != snapshot:
            with self._lock:
                if self._current is None or self._current.snapshot != snapshot:
                    self._current = Published(snapshot, snapshots.snapshots(self.root))
                current = self._current
        return current
