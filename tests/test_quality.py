"""Great Expectations suites of the published tables (SPEC §5) and naleving.quality."""

import json
import shutil
from datetime import date, datetime, timezone

import great_expectations as gx  # slow (~5 s), so once per module
import polars as pl
import pytest

from naleving.quality import _suites_dir, suite_names, validate_table

TABLES = ["commitment_status", "finding_evidence", "findings", "quarantine", "runs", "submissions"]
SHA_A, SHA_B = "a" * 64, "0123456789abcdef" * 4
T1, T2 = datetime(2025, 7, 1, 2, 0, tzinfo=timezone.utc), datetime(2025, 7, 1, 2, 5, tzinfo=timezone.utc)

# Two valid rows per table; tests override single columns to introduce one violation.
VALID = {
    "submissions": {
        "submission_id": ["s1", "s2"], "file_name": ["q3.csv", "kapot.xlsx"], "file_sha256": [SHA_A, SHA_B],
        "received_at": [T1, T2], "report_type": ["social_return", None], "status": ["accepted", "refused"],
        "refusal_reason": [None, "unreadable: not a workbook"], "rows_received": [10, 1],
        "rows_accepted": [8, 0], "rows_quarantined": [2, 1],
    },
    "quarantine": {
        "submission_id": ["s1", "s2"], "source_row": [4, None],
        "reasons": ["missing:hours;bsn_suspected", "unreadable"], "raw": ['{"hours": ""}', "PK\\x03..."],
    },
    "commitment_status": {
        "run_id": ["r1", "r1"], "as_of": [date(2025, 7, 1)] * 2, "commitment_id": ["c1", "c2"],
        "contract_id": ["k1", "k1"], "kind": ["social_return", "recycled_material"], "metric": ["hours", "percent"],
        "target": [1000.0, 30.0], "achieved": [200.0, None], "expected": [500.0, 30.0],
        "status": ["breached", "no_data"], "shortfall": [800.0, 30.0], "forecast_at_due": [400.0, None],
        "penalty_estimate_eur": [28000.0, None],
    },
    "findings": {
        "finding_id": ["0123456789abcdef", "fedcba9876543210"], "kind": ["commitment_breached", "report_overdue"],
        "severity": ["high", "medium"], "contract_id": ["k1", "k1"], "commitment_id": ["c1", None],
        "report_type": [None, "social_return"], "period": [None, "2025-Q2"], "detail": ["200 van 1000 uur", "geen rapport"],
        "status": ["open", "resolved"], "first_seen_run": ["r0", "r0"], "last_seen_run": ["r1", "r0"],
        "resolved_run": [None, "r1"],
    },
    "finding_evidence": {
        "finding_id": ["0123456789abcdef", "fedcba9876543210"], "file_name": ["q3.csv", "contracts.csv"],
        "file_sha256": [SHA_A, SHA_B], "source_row": [4, None], "role": ["line", "contract"],
    },
    "runs": {
        "run_id": ["r0", "r1"], "started_at": [T1, T2], "finished_at": [T2, None], "as_of": [date(2025, 7, 1)] * 2,
        "code_version": ["0.1.0"] * 2, "rule_version": ["1"] * 2, "status": ["completed", "running"],
    },
}


def frame(table: str, **changes: list) -> pl.DataFrame:
    """A valid frame of `table`, with the given columns replaced."""
    return pl.DataFrame({**VALID[table], **changes})


def expectation_count(table: str) -> int:
    return len(json.loads((_suites_dir() / f"{table}.json").read_text())["expectations"])


def test_suite_names_are_the_published_tables():
    assert suite_names() == TABLES


@pytest.mark.parametrize("table", TABLES)
def test_every_suite_file_is_a_gx_expectation_suite(table):
    stored = json.loads((_suites_dir() / f"{table}.json").read_text())
    suite = gx.ExpectationSuite(**stored)
    assert suite.name == table
    # Canonical: GX writes back exactly what is stored, so GX tools can load and save it too.
    assert suite.to_json_dict()["expectations"] == stored["expectations"]


@pytest.mark.parametrize("table", TABLES)
def test_valid_frame_passes(table):
    report = validate_table(table, frame(table))
    assert report.failed == []
    assert report.success
    assert report.evaluated == expectation_count(table)


@pytest.mark.parametrize("table", TABLES)
def test_empty_frame_passes(table):
    assert validate_table(table, frame(table).head(0)).success


@pytest.mark.parametrize(
    ("table", "changes", "failed"),
    [
        ("submissions", {"status": ["accepted", "lost"]}, "expect_column_values_to_be_in_set(status): 1 van 2 rijen"),
        ("submissions", {"file_sha256": [SHA_A, SHA_B.upper()]}, "expect_column_values_to_match_regex(file_sha256): 1 van 2 rijen"),
        ("submissions", {"rows_received": [9, 1]}, "expect_column_pair_values_to_be_equal(rows_received, rows_accounted): 1 van 2 rijen"),
        ("submissions", {"refusal_reason": [None, None]}, "expect_column_values_to_not_be_null(refusal_reason) waar status == refused: 1 van 1 rijen"),
        ("quarantine", {"reasons": ["missing:hours;stale", "unreadable"]}, "expect_column_values_to_match_regex(reasons): 1 van 2 rijen"),
        ("quarantine", {"source_row": [0, None]}, "expect_column_values_to_be_between(source_row): 1 van 2 rijen"),
        ("commitment_status", {"commitment_id": ["c1", "c1"]}, "expect_compound_columns_to_be_unique(run_id, commitment_id): 2 van 2 rijen"),
        ("commitment_status", {"shortfall": [-1.0, 30.0]}, "expect_column_values_to_be_between(shortfall): 1 van 2 rijen"),
        ("findings", {"finding_id": ["0123456789ABCDEF", "fedcba9876543210"]}, "expect_column_values_to_match_regex(finding_id): 1 van 2 rijen"),
        ("findings", {"severity": ["high", "urgent"]}, "expect_column_values_to_be_in_set(severity): 1 van 2 rijen"),
        ("finding_evidence", {"file_sha256": [SHA_A, "abc"]}, "expect_column_values_to_match_regex(file_sha256): 1 van 2 rijen"),
        ("runs", {"run_id": ["r1", "r1"]}, "expect_column_values_to_be_unique(run_id): 2 van 2 rijen"),
        ("runs", {"status": ["completed", "paused"]}, "expect_column_values_to_be_in_set(status): 1 van 2 rijen"),
    ],
)
def test_one_violation_fails_naming_expectation_and_column(table, changes, failed):
    report = validate_table(table, frame(table, **changes))
    assert not report.success
    assert report.failed == [failed]


def test_float_row_counts_are_not_integers():
    report = validate_table("submissions", frame("submissions").with_columns(pl.col("rows_accepted").cast(pl.Float64)))
    assert report.failed == ["expect_column_values_to_be_in_type_list(rows_accepted): waargenomen float64"]


def test_missing_column_is_reported_not_raised():
    report = validate_table("submissions", frame("submissions").drop("rows_quarantined"))
    assert not report.success
    assert "expect_table_columns_to_match_set: ontbrekende kolommen rows_quarantined" in report.failed


def test_data_docs_are_written_per_table(tmp_path):
    runs = validate_table("runs", frame("runs"), docs_dir=tmp_path)
    findings = validate_table("findings", frame("findings"), docs_dir=tmp_path)
    assert runs.docs_index == tmp_path / "runs" / "index.html"
    # The second table's site must not erase the first one's pages.
    for report in (runs, findings):
        assert report.docs_index.is_file()
        assert list((report.docs_index.parent / "validations").rglob("*.html"))


def test_data_docs_templates_are_compiled_once_per_process(tmp_path, monkeypatch):
    import jinja2

    validate_table("runs", frame("runs"), docs_dir=tmp_path / "first")
    compiled = []
    original = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile", lambda env, *a, **k: compiled.append(a) or original(env, *a, **k))
    second = validate_table("findings", frame("findings"), docs_dir=tmp_path / "second")
    again = validate_table("runs", frame("runs"), docs_dir=tmp_path / "third")
    # Pages are rendered from the templates compiled for the first site, and the same as then.
    assert compiled == []
    assert second.docs_index.is_file()
    first_page, = (tmp_path / "first" / "runs" / "validations").rglob("*.html")
    again_page, = (tmp_path / "third" / "runs" / "validations").rglob("*.html")
    assert len(again_page.read_text()) == pytest.approx(len(first_page.read_text()), rel=0.01)


def test_expectations_folder_can_be_overridden(tmp_path, monkeypatch):
    shutil.copy(_suites_dir() / "runs.json", tmp_path / "runs.json")
    monkeypatch.setenv("NALEVING_EXPECTATIONS", str(tmp_path))
    assert suite_names() == ["runs"]
    assert validate_table("runs", frame("runs")).success


def test_unknown_table_is_refused():
    with pytest.raises(ValueError, match="geen expectation suite"):
        validate_table("contracts", pl.DataFrame({"contract_id": ["k1"]}))
