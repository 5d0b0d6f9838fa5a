"""The nightly job end to end on the sample world, against the outcomes that world was built to produce."""
import hashlib
import json
from pathlib import Path

import duckdb
import polars as pl
import pytest

from naleving import sample_world
from naleving.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
EXPECTED = json.loads((SAMPLE / "expected_outcomes.json").read_text(encoding="utf-8"))
LINE_REASONS = {
    "missing", "bad_number", "bad_date", "negative", "unknown_contract", "supplier_mismatch", "bad_period",
    "period_outside_contract", "unknown_target_group", "unknown_energy_source", "unknown_bonus",
    "recycled_exceeds_delivered", "hours_implausible", "bsn_suspected", "duplicate_line",
}


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> dict[str, pl.DataFrame]:
    warehouse = tmp_path_factory.mktemp("state") / "naleving.duckdb"
    assert main(["run", "--data", str(SAMPLE), "--as-of", EXPECTED["as_of"], "--warehouse", str(warehouse)]) == 0
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {
            "status": con.sql("SELECT * FROM commitment_status").pl(),
            "findings": con.sql("SELECT * FROM findings WHERE status = 'open'").pl(),
            "evidence": con.sql("SELECT * FROM finding_evidence").pl(),
            "submissions": con.sql("SELECT * FROM submissions").pl(),
            "quarantine": con.sql("SELECT q.*, s.file_name FROM quarantine q JOIN submissions s USING (submission_id)").pl(),
        }
    finally:
        con.close()


def test_every_commitment_has_its_designed_status(published):
    assert dict(published["status"].select("commitment_id", "status").iter_rows()) == EXPECTED["commitments"]


def test_every_status_occurs(published):
    assert set(published["status"]["status"]) == {"not_started", "met", "breached", "no_data", "behind", "on_track"}


def test_every_finding_kind_occurs(published):
    assert set(published["findings"]["kind"]) == {
        "commitment_breached", "commitment_behind", "report_overdue", "unsupported_claim", "data_quality"}


def test_commitment_findings_are_the_designed_ones(published):
    findings = published["findings"]
    for kind in ("commitment_breached", "commitment_behind"):
        assert sorted(findings.filter(pl.col("kind") == kind)["commitment_id"]) == sorted(EXPECTED["findings"][kind])


def test_overdue_reports_are_the_designed_ones(published):
    overdue = published["findings"].filter(pl.col("kind") == "report_overdue")
    assert sorted(overdue.select("contract_id", "report_type", "period").rows()) == sorted(
        tuple(x) for x in EXPECTED["findings"]["report_overdue"])


def test_unsupported_claims_point_at_file_and_row(published):
    claims = published["findings"].filter(pl.col("kind") == "unsupported_claim").join(
        published["evidence"], on="finding_id").select("file_name", "source_row")
    assert sorted(claims.rows()) == sorted(tuple(x) for x in EXPECTED["findings"]["unsupported_claim"])


def test_data_quality_findings_name_the_files(published):
    quality = published["findings"].filter(pl.col("kind") == "data_quality").join(
        published["evidence"].select("finding_id", "file_name").unique(), on="finding_id")
    assert sorted(quality["file_name"]) == sorted(EXPECTED["findings"]["data_quality"])


def test_every_file_is_accounted_for(published):
    files = {r["file_name"]: r for r in published["submissions"].iter_rows(named=True)}
    assert set(files) == set(EXPECTED["files"])
    for name, expected in EXPECTED["files"].items():
        got = files[name]
        assert (got["status"], got["rows_received"], got["rows_quarantined"]) == (
            expected["status"], expected["rows_received"], expected["rows_quarantined"]), name
        assert got["rows_received"] == got["rows_accepted"] + got["rows_quarantined"], name


def test_quarantine_reasons_per_row(published):
    got = {(r["file_name"], r["source_row"]): set(r["reasons"].split(";"))
           for r in published["quarantine"].iter_rows(named=True) if r["source_row"] is not None}
    expected = {(name, int(row)): set(codes)
                for name, file in EXPECTED["files"].items() if file["status"] == "accepted"
                for row, codes in file["quarantine_reasons"].items()}
    assert {k: v for k, v in got.items() if k[0] in {n for n, _ in expected}} == expected


def test_every_line_reason_code_occurs(published):
    codes = {code.split(":")[0] for reasons in published["quarantine"]["reasons"] for code in reasons.split(";")}
    assert LINE_REASONS <= codes
    assert {"unreadable", "unknown_report_type", "missing_columns"} <= {
        r.split(":")[0] for r in published["submissions"]["refusal_reason"].drop_nulls()}


def test_evidence_leads_to_the_original_bytes(published):
    evidence = published["evidence"].filter(pl.col("role") == "geteld").unique("file_name")
    for name, sha in evidence.select("file_name", "file_sha256").iter_rows():
        assert hashlib.sha256((SAMPLE / name).read_bytes()).hexdigest() == sha


def test_generator_makes_the_committed_world(tmp_path):
    sample_world.main(["--out", str(tmp_path / "world"), "--seed", "2026"])
    made = {p.relative_to(tmp_path / "world").as_posix(): p.read_bytes() for p in (tmp_path / "world").rglob("*") if p.is_file()}
    committed = {p.relative_to(SAMPLE).as_posix(): p.read_bytes() for p in SAMPLE.rglob("*")
                 if p.is_file() and p.name != "README.md"}
    assert made.keys() == committed.keys()
    assert [name for name in made if made[name] != committed[name]] == []
