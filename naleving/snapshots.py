"""Evidence snapshots: each completed run's published tables as Parquet, with a manifest.

A snapshot is written in a staging folder and renamed into place, so a reader sees a whole
snapshot or none; it is never rewritten. Each manifest names the sha256 of the previous
one, so the snapshots form a hash chain that `naleving verify` walks.

Tables that only grow with new files (the ledger, the quarantine, the accepted lines) are
kept as parts: each snapshot writes one part with the files received since the previous
one and hard-links the earlier parts, so a night writes what is new, not the history.
Which lines a correction replaced is in report_groups; `attach` puts the mark back.
Tables computed per line (line contributions, social-return valuation) are parts too: a
snapshot writes the rows of the files (per contract) whose rows were computed anew since
the previous one, and a part of file_parts that names them: a file's current rows are in
the part its latest entry names.
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
from naleving.columns import LINE_TABLES
from naleving.warehouse import run_sql, sql_text, transaction

FORMAT = "naleving-evidence/7"  # 6: parts per file, not per contract; 7: file_parts in parts
MANIFEST = "manifest.json"
LATEST = "LATEST"
NAME = re.compile(r"^(\d{6})-([0-9A-Za-z-]{1,64})$")
TABLE_NAME = re.compile(r"^[a-z_]{1,64}$")
_PART_SEQUENCE = r"regexp_extract(s.filename, '-(\d{6})\.parquet$', 1)::INTEGER"  # <table>-NNNNNN.parquet
SUBMISSION_PARTS = ("submissions", "quarantine", *LINE_TABLES)  # a part per snapshot: its new files
FILE_PARTS = ("line_contributions", "social_return_valued")  # a part per snapshot: files whose rows were computed anew
INDEX = "file_parts"  # a part per snapshot: those files, with that part's sequence
COMPOSED = ("finding_evidence", "commitment_lines")  # views over stored tables (sql/*.sql)
TABLES = (
    "submissions", "quarantine", "commitment_status", "findings", "stored_evidence", "runs",
    "contracts", "commitments", "block_values", "report_groups", *LINE_TABLES,
    *FILE_PARTS, "last_evaluation", INDEX,
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

    def tables(self) -> dict[str, list[str]]:
        """Each published table and the files (parts) that hold it."""
        tables = self.manifest()["tables"]
        if not all(TABLE_NAME.match(t) for t in tables):  # names become SQL identifiers
            raise ValueError(f"{self.manifest_path}: onverwachte tabelnaam")
        return tables

    def readable(self) -> list[str]:
        """The tables `attach` shows: the stored ones and those composed from them."""
        return sorted({*self.tables(), *COMPOSED})

    def files(self, table: str) -> list[Path]:
        return [self.path / name for name in self.tables().get(table, [])]

    def read(self, table: str) -> pl.DataFrame:
        """One published table whole, as `attach` shows it."""
        con = duckdb.connect()
        try:
            attach(con, self)
            return con.sql(f"SELECT * FROM {table}").pl()
        finally:
            con.close()


def attach(con: duckdb.DuckDBPyConnection, snapshot: Snapshot) -> None:
    """Views named after the published tables over the snapshot's files, as the warehouse
    shows them: the line tables with their `superseded` mark, finding_evidence whole."""
    for table, names in snapshot.tables().items():
        stored = f"{table}_stored" if table in (*LINE_TABLES, *FILE_PARTS, INDEX) else table
        files = _sql_paths(snapshot.path / name for name in names)
        named = ", filename = true" if table in FILE_PARTS else ""  # the part a row is in
        con.execute(f"CREATE OR REPLACE VIEW {stored} AS SELECT * FROM read_parquet([{files}]{named})")
    con.execute(f"CREATE OR REPLACE VIEW {INDEX} AS {_latest_entries(f'{INDEX}_stored')}")
    con.execute(sql_text("marked_lines"))
    for table, line_type in LINE_TABLES.items():
        con.execute(f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM marked_lines('{line_type}', '{table}_stored')")
    for table in FILE_PARTS:  # each file's rows from the part file_parts names
        con.execute(f"CREATE OR REPLACE VIEW {table} AS SELECT s.* EXCLUDE (filename) FROM {table}_stored s "
                    "JOIN file_parts i ON i.contract_id = s.contract_id AND i.submission_id = s.submission_id "
                    f"AND i.sequence = {_PART_SEQUENCE}")
    con.execute(sql_text("commitment_lines"))
    con.execute(sql_text("finding_evidence"))


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
    earlier = previous if previous is not None and previous.manifest().get("format") == FORMAT else None
    _unpublished(con, chain if earlier else [])
    _index(con, earlier, sequence)
    files, tables = _linked_parts(con, earlier, staging)
    for table in TABLES:
        part, query = _part_query(table, sequence)
        rows = con.execute(f"COPY ({query}) TO '{_sql_path(staging / part)}' (FORMAT parquet)").fetchone()[0]
        if rows or not tables.get(table):  # an empty table still gets one part: its columns
            files[part] = {"rows": rows}
            tables.setdefault(table, []).append(part)
        else:
            (staging / part).unlink()
    dispositions = _write_dispositions(state_dir, staging)
    if dispositions is not None:
        files["dispositions.parquet"] = {"rows": dispositions.height}
        tables["dispositions"] = ["dispositions.parquet"]
    for file_name, entry in files.items():
        if "sha256" not in entry:  # a linked part keeps its entry: hashing it again read the whole history
            entry["sha256"] = sha256_file(staging / file_name)

    as_of, code_version, rule_version = con.execute(
        "SELECT as_of, code_version, rule_version FROM runs WHERE run_id = ?", [run_id]).fetchone()
    manifest = {
        "format": FORMAT, "sequence": sequence, "run_id": run_id, "as_of": as_of.isoformat(),
        "code_version": code_version, "rule_version": rule_version,
        "published_at": config.now().isoformat(), "files": files, "tables": tables,
        "previous_manifest_sha256": sha256_file(previous.manifest_path) if previous else None,
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    for path in staging.iterdir():
        os.chmod(path, 0o444)
    os.rename(staging, root / name)  # atomic: the whole snapshot appears at once
    pointer = root / f".{LATEST}.tmp"
    pointer.write_text(name + "\n", encoding="utf-8")
    os.replace(pointer, root / LATEST)
    con.execute("DELETE FROM unpublished_files")  # published now (again, if this line never ran)
    return Snapshot(sequence, run_id, root / name)


def _unpublished(con: duckdb.DuckDBPyConnection, chain: list[Snapshot]) -> None:
    """Temp table `unpublished`: the submissions no earlier part holds. A snapshot publishes
    every submission of its run and of the runs before it, so those of runs that published
    none; all of them after a snapshot of an earlier format, which this one does not extend.
    Reading the previous ledger parts for their ids instead read every submission ever sent."""
    con.execute("CREATE OR REPLACE TEMP TABLE unpublished AS SELECT submission_id FROM submissions "
                "WHERE run_id NOT IN (SELECT unnest(?::VARCHAR[]))", [[s.run_id for s in chain]])


def _index(con: duckdb.DuckDBPyConnection, earlier: Snapshot | None, sequence: int) -> None:
    """part_index and the temp table `new_file_parts` (the files this snapshot's parts hold),
    the index read again from the previous snapshot when the warehouse's is not its own."""
    with transaction(con):
        on_record = con.sql("SELECT sequence FROM part_index_sequence").fetchall()
        if earlier is not None and on_record not in ([(earlier.sequence,)], [(sequence,)]):
            con.execute("DELETE FROM part_index")
            parts = f"read_parquet([{_sql_paths(earlier.files(INDEX))}])"
            con.execute(f"INSERT INTO part_index {_latest_entries(parts)}")
        run_sql(con, "file_parts", sequence=sequence, afresh=earlier is None)


def _latest_entries(index_parts: str) -> str:
    """The index as it counts, from its parts' rows: each file's latest entry."""
    return f"SELECT contract_id, submission_id, max(sequence) AS sequence FROM {index_parts} GROUP BY ALL"


def _part_query(table: str, sequence: int) -> tuple[str, str]:
    """The file this snapshot writes for a table, and the rows it holds."""
    if table in SUBMISSION_PARTS:
        return _part_name(table, sequence), f"SELECT * FROM published_{table} SEMI JOIN unpublished USING (submission_id)"
    if table in FILE_PARTS:
        return _part_name(table, sequence), (
            f"SELECT * FROM published_{table} SEMI JOIN new_file_parts USING (contract_id, submission_id)")
    if table == INDEX:
        return _part_name(table, sequence), f"SELECT *, {sequence} AS sequence FROM new_file_parts ORDER BY ALL"
    return f"{table}.parquet", f"SELECT * FROM published_{table}"


def _linked_parts(con: duckdb.DuckDBPyConnection, earlier: Snapshot | None, staging: Path) -> tuple[dict, dict]:
    """Hard-link the previous snapshot's parts that still hold current rows into staging
    (same bytes, same manifest entry); returns the manifest's files and tables so far."""
    files, tables = {}, {}
    if earlier is None:
        return files, tables  # the first snapshot, or one of an earlier format: this one starts afresh
    listed = earlier.manifest()["files"]
    sequences = [sequence for (sequence,) in con.sql("SELECT DISTINCT sequence FROM part_index").fetchall()]
    referenced = {_part_name(table, sequence) for table in (*FILE_PARTS, INDEX) for sequence in sequences}
    for table in (*SUBMISSION_PARTS, *FILE_PARTS, INDEX):
        for name in earlier.tables().get(table, []):
            if table not in SUBMISSION_PARTS and name not in referenced:
                continue  # every file in it was computed anew since, and its index part named later parts
            try:
                os.link(earlier.path / name, staging / name)
            except OSError:  # another file system, or no hard links: a copy holds the same bytes
                shutil.copyfile(earlier.path / name, staging / name)
            files[name] = dict(listed[name])
            tables.setdefault(table, []).append(name)
    return files, tables


def _part_name(table: str, sequence: int) -> str:
    return f"{table}-{sequence:06d}.parquet"  # attach reads the sequence back (_PART_SEQUENCE)


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _sql_paths(paths) -> str:
    return ", ".join(f"'{_sql_path(p)}'" for p in paths)
