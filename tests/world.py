"""A small world builder: the smallest register and reports that show a rule.

`world.run(as_of)` runs the stages of the nightly job directly (no orchestrator) on a
warehouse of its own and returns an open connection to inspect the published tables.
"""
from __future__ import annotations

import csv
import io
import uuid
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from naleving import snapshots, stages, warehouse
from naleving.archive import Archive

CONTRACT = {
    "contract_id": "C-1", "buyer": "Gemeente Voorbeeld", "title": "Onderhoud wegen",
    "supplier_kvk": "12345678", "supplier_name": "Bouw BV", "value_eur": "1000000",
    "start_date": "2025-01-01", "end_date": "2026-12-31", "contract_manager": "m@voorbeeld.nl",
    "reporting_frequency": "", "report_grace_days": "", "block_table": "",
}
COMMITMENT = {
    "commitment_id": "K-1", "contract_id": "C-1", "kind": "social_return", "metric": "hours",
    "target": "1000", "target_pct_of_value": "", "scope": "", "due_date": "", "trajectory": "",
    "tolerance_pct": "", "penalty_rule": "", "penalty_rate_eur": "", "penalty_amount_eur": "",
    "description": "",
}


def csv_text(rows: list[dict], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


class World:
    def __init__(self, root: Path):
        self.root = root
        self.contracts: list[dict] = []
        self.commitments: list[dict] = []
        self.block_tables: list[dict] = []
        self.warehouse = root.parent / f"{root.name}-state" / "naleving.duckdb"
        self.archive = Archive(self.warehouse.parent / "archive")
        (root / "reports").mkdir(parents=True, exist_ok=True)

    def contract(self, **values) -> "World":
        self.contracts.append({**CONTRACT, **values})
        return self

    def commitment(self, **values) -> "World":
        self.commitments.append({**COMMITMENT, **values})
        return self

    def block_value(self, table_id: str, code: str, kind: str, value: str) -> "World":
        self.block_tables.append({"table_id": table_id, "code": code, "kind": kind, "value_eur_per_year": value})
        return self

    def report(self, name: str, rows: list[dict] | None = None, *, text: str | None = None,
               data: bytes | None = None, delimiter: str = ",") -> Path:
        """A report file under reports/: from rows (dicts), literal text, or raw bytes."""
        path = self.root / "reports" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if data is None:
            data = (text if text is not None else csv_text(rows, delimiter)).encode("utf-8")
        path.write_bytes(data)
        return path

    def write_register(self) -> None:
        (self.root / "contracts.csv").write_text(csv_text(self.contracts), encoding="utf-8")
        (self.root / "commitments.csv").write_text(csv_text(self.commitments), encoding="utf-8")
        if self.block_tables:
            (self.root / "block_tables.csv").write_text(csv_text(self.block_tables), encoding="utf-8")

    def run(self, as_of: date | str, every_file: bool = False) -> "Run":
        """One nightly run, stage by stage, as the Dagster job runs them."""
        as_of = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
        self.write_register()
        run_id = str(uuid.uuid4())
        with warehouse.connect(self.warehouse) as con:
            stages.start_run(con, run_id, as_of, self.root)
            stages.store_register(con, self.root, self.archive)
            stages.receive_files(con, self.root, run_id, self.archive, every_file=every_file)
            stages.evaluate(con, run_id, as_of)
            stages.derive_findings(con, run_id, as_of)
            stages.finish_run(con, run_id, "completed")
            snapshots.publish(con, self.warehouse.parent, run_id)
        return Run(self.warehouse, run_id)


class Run:
    """Read access to the warehouse after a run."""

    def __init__(self, path: Path, run_id: str):
        self.path, self.run_id = path, run_id

    def sql(self, query: str, *params) -> pl.DataFrame:
        con = duckdb.connect(str(self.path), read_only=True)
        try:
            return con.execute(query, list(params)).pl()
        finally:
            con.close()

    def status(self, commitment_id: str = "K-1") -> dict:
        rows = self.sql("SELECT * FROM commitment_status WHERE run_id = ? AND commitment_id = ?", self.run_id, commitment_id)
        assert rows.height == 1, rows
        return rows.row(0, named=True)

    def open_findings(self, kind: str | None = None) -> pl.DataFrame:
        frame = self.sql("SELECT * FROM findings WHERE status = 'open' ORDER BY finding_id")
        return frame if kind is None else frame.filter(pl.col("kind") == kind)

    def quarantine(self) -> pl.DataFrame:
        return self.sql("SELECT * FROM quarantine ORDER BY submission_id, source_row")

    def submissions(self) -> pl.DataFrame:
        return self.sql("SELECT * FROM submissions ORDER BY file_name")


def sr_line(**values) -> dict:
    """One social-return line for C-1 (supplier 12345678) in 2025-Q1."""
    return {"contract_id": "C-1", "supplier_kvk": "12345678", "period": "2025-Q1", "person_ref": "P-1",
            "target_group": "participatiewet", "hours": "100", "amount_eur": "", "bonus": "", **values}


def rm_line(**values) -> dict:
    return {"contract_id": "C-1", "supplier_kvk": "12345678", "period": "2025-Q1", "material": "asfalt",
            "delivered_tonnes": "100", "recycled_tonnes": "30", "evidence_ref": "WB-1", **values}


def ze_line(**values) -> dict:
    return {"contract_id": "C-1", "supplier_kvk": "12345678", "period": "2025-Q1", "machine_id": "M-1",
            "power_kw": "50", "energy_source": "electric", "hours": "100", **values}
