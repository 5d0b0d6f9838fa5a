"""Evidence snapshots: each completed run's published tables as Parquet, with a manifest.

A snapshot is written in a staging folder and renamed into place, so a reader sees a whole
snapshot or none; it is never rewritten. Each manifest names the sha256 of the previous
one, so the snapshots form a hash chain that `naleving verify` walks.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from naleving import config

FORMAT = "naleving-evidence/1"
MANIFEST = "manifest.json"
LATEST = "LATEST"
NAME = re.compile(r"^(\d{6})-([0-9A-Za-z-]{1,64})$")
TABLES = (
    "submissions", "quarantine", "commitment_status", "findings", "finding_evidence", "runs",
    "contracts", "commitments", "block_values",
    "social_return_lines", "recycled_material_lines", "zero_emission_equipment_lines",
    "social_return_valued", "commitment_lines",
)
DISPOSITIONS_DB = "dispositions.sqlite"


@dataclass(frozen=True)
class Snapshot:
    sequence: int
    run_id: str
    path: Path

    @property
    def manifest_path(self) -> Path:
        return self.path / MANIFEST

    def manifest(self) -> dict:
        return json.loads(self.manifest_path.read_text(encoding="utf-8"))

    def table(self, name: str) -> Path:
        return self.path / f"{name}.parquet"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def snapshots(root: Path) -> list[Snapshot]:
    """Every snapshot folder under root, in publication order."""
    if not root.is_dir():
        return []
    found = [(NAME.match(p.name), p) for p in root.iterdir() if p.is_dir()]
    return sorted((Snapshot(int(m[1]), m[2], p) for m, p in found if m), key=lambda s: s.sequence)


def latest(root: Path) -> Snapshot | None:
    """The snapshot LATEST names (written last, after the folder is complete)."""
    pointer = root / LATEST
    if not pointer.is_file():
        return None
    match = NAME.match(pointer.read_text(encoding="utf-8").strip())
    return Snapshot(int(match[1]), match[2], root / match[0]) if match else None


def _write_dispositions(state_dir: Path, staging: Path) -> pl.DataFrame | None:
    """Decisions recorded in the portal travel with the evidence, so auditors see them."""
    db = state_dir / DISPOSITIONS_DB
    if not db.is_file():
        return None
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as source:
        rows = source.execute("SELECT * FROM dispositions ORDER BY 1").fetchall()
        declared = source.execute("PRAGMA table_info(dispositions)").fetchall()
    # typed from the table's declaration, so an empty or all-null column still has a type
    schema = {name: pl.Int64 if kind.upper().startswith("INT") else pl.String for _, name, kind, *_ in declared}
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    frame.write_parquet(staging / "dispositions.parquet")
    return frame


def publish(con: duckdb.DuckDBPyConnection, state_dir: Path, run_id: str) -> Snapshot:
    root = state_dir / "snapshots"
    root.mkdir(parents=True, exist_ok=True)
    chain = snapshots(root)
    previous = chain[-1] if chain else None
    sequence = previous.sequence + 1 if previous else 1
    name = f"{sequence:06d}-{run_id}"
    staging = root / f".staging-{name}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()

    con.execute("SET VARIABLE run_id = ?", [run_id])
    files = {}
    for table in TABLES:
        path = staging / f"{table}.parquet"
        con.execute(f"COPY (SELECT * FROM published_{table}) TO '{_sql_path(path)}' (FORMAT parquet)")
        files[path.name] = {"rows": con.execute(f"SELECT count(*) FROM published_{table}").fetchone()[0]}
    dispositions = _write_dispositions(state_dir, staging)
    if dispositions is not None:
        files["dispositions.parquet"] = {"rows": dispositions.height}
    for file_name, entry in files.items():
        entry["sha256"] = sha256_file(staging / file_name)

    as_of, code_version, rule_version = con.execute(
        "SELECT as_of, code_version, rule_version FROM runs WHERE run_id = ?", [run_id]).fetchone()
    manifest = {
        "format": FORMAT, "sequence": sequence, "run_id": run_id, "as_of": as_of.isoformat(),
        "code_version": code_version, "rule_version": rule_version,
        "published_at": config.now().isoformat(), "files": files,
        "previous_manifest_sha256": sha256_file(previous.manifest_path) if previous else None,
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    for path in staging.iterdir():
        os.chmod(path, 0o444)
    os.rename(staging, root / name)  # atomic: the whole snapshot appears at once
    pointer = root / f".{LATEST}.tmp"
    pointer.write_text(name + "\n", encoding="utf-8")
    os.replace(pointer, root / LATEST)
    return Snapshot(sequence, run_id, root / name)


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
