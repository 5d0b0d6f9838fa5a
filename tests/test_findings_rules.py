"""Overdue reports (SPEC 3) and findings (SPEC 4), one test per rule.

Default world: contract C-1 runs 2025-01-01 – 2026-12-31, quarterly, grace 30 days;
commitment K-1 is social_return, so social_return reports are needed.
"""
import hashlib
import shutil

import pytest

from naleving import stages, warehouse
from world import rm_line, sr_line

RECYCLED = {"kind": "recycled_material", "metric": "", "target": "20"}


def finding_id(kind: str, *key) -> str:
    """SPEC 4: the first 16 hex characters of sha256 of `kind|key parts joined by |`."""
    return hashlib.sha256("|".join([kind, *map(str, key)]).encode()).hexdigest()[:16]


def overdue(run, report_type: str = "social_return") -> list[str]:
    """The periods of the open report_overdue findings of one report type."""
    found = run.open_findings("report_overdue")
    return sorted(p for p, t in zip(found["period"], found["report_type"]) if t == report_type)


def evidence(run, fid: str) -> set[tuple[str, int]]:
    """(file_sha256, source_row) of every evidence row of a finding."""
    rows = run.sql("SELECT file_sha256, source_row FROM finding_evidence WHERE finding_id = ?", fid)
    return set(rows.iter_rows())


def data_file(world, name: str):
    """A data file by a stored file_name: relative to the data folder or to reports/."""
    return world.root / name if (world.root / name).is_file() else world.root / "reports" / name


def file_sha(world, name: str) -> str:
    """sha256 of the bytes of a data file: a register file by its name, a report by its name under reports/."""
    return hashlib.sha256(data_file(world, name).read_bytes()).hexdigest()


def submission_id(run, world, report: str) -> str:
    """The submission of a report file, found by its content."""
    subs = run.submissions()
    return subs.filter(subs["file_sha256"] == file_sha(world, report))["submission_id"].item()


def dated(line: dict, start: str, end: str) -> dict:
    """The line with period_start/period_end instead of a named period."""
    line = {k: v for k, v in line.items() if k != "period"}
    return {**line, "period_start": start, "period_end": end}


# --- 3: overdue reports -----------------------------------------------------------------------


def test_overdue_edge_quarter_ending_2026_03_31_is_overdue_on_2026_05_01_not_on_2026_04_30(world):
    world.contract().commitment()
    assert "2026-Q1" not in overdue(world.run("2026-04-30"))
    assert "2026-Q1" in overdue(world.run("2026-05-01"))


@pytest.mark.parametrize(
    "frequency, periods",
    [
        ("monthly", ["2025-05", "2025-06", "2025-07", "2025-08"]),
        ("quarterly", ["2025-Q2", "2025-Q3"]),
        ("half_yearly", ["2025-H1", "2025-H2"]),
        ("yearly", ["2025"]),
    ],
    ids=["monthly", "quarterly", "half_yearly", "yearly"],
)
def test_reporting_periods_per_frequency_within_contract_start_and_end(world, frequency, periods):
    world.contract(start_date="2025-05-15", end_date="2025-08-20", reporting_frequency=frequency,
                   report_grace_days="0").commitment()
    assert overdue(world.run("2026-01-01")) == periods


def test_reporting_frequency_defaults_to_quarterly(world):
    world.contract(end_date="2025-06-30").commitment()
    assert overdue(world.run("2026-01-01")) == ["2025-Q1", "2025-Q2"]


def test_last_period_is_clipped_to_contract_end(world):
    # Q3 clipped to 2025-07-01 – 2025-08-20: overdue the day after 2025-08-20 + grace, not after 09-30
    world.contract(end_date="2025-08-20", report_grace_days="0").commitment()
    assert "2025-Q3" not in overdue(world.run("2025-08-20"))
    assert "2025-Q3" in overdue(world.run("2025-08-21"))


def test_first_period_is_clipped_to_contract_start(world):
    # a contract starting mid-quarter: its first period is 2025-Q2 from 2025-05-15 (the start is only
    # visible in the finding's detail, since no report may fall before the contract start)
    world.contract(start_date="2025-05-15").commitment()
    found = world.run("2025-08-01").open_findings("report_overdue")
    assert found["period"].to_list() == ["2025-Q2"]
    assert "15-05-2025 t/m 30-06-2025" in found["detail"].item()


def test_overdue_only_for_report_types_a_commitment_of_the_contract_needs(world):
    world.contract().contract(contract_id="C-2", end_date="2025-06-30")
    world.commitment().commitment(commitment_id="K-2", **RECYCLED)
    world.commitment(commitment_id="K-3", contract_id="C-2")
    run = world.run("2025-05-01")
    found = run.open_findings("report_overdue")
    assert sorted(zip(found["contract_id"], found["report_type"], found["period"])) == [
        ("C-1", "recycled_material", "2025-Q1"),
        ("C-1", "social_return", "2025-Q1"),
        ("C-2", "social_return", "2025-Q1"),
    ]


def test_received_group_overlapping_the_period_prevents_overdue(world):
    world.contract().commitment()
    world.report("sr.csv", [dated(sr_line(hours="10"), "2025-03-01", "2025-04-15")])  # overlaps Q1 and Q2
    run = world.run("2025-11-01")
    assert overdue(run) == ["2025-Q3"]


def test_received_group_of_another_report_type_does_not_prevent_overdue(world):
    world.contract().commitment().commitment(commitment_id="K-2", **RECYCLED)
    world.report("rm.csv", [rm_line(period="2025-Q1")])
    run = world.run("2025-05-01")
    assert overdue(run, "recycled_material") == []
    assert overdue(run, "social_return") == ["2025-Q1"]


def test_group_whose_lines_were_all_quarantined_is_not_received(world):
    world.contract().commitment()
    world.report("q1.csv", [sr_line(period="2025-Q1", supplier_kvk="87654321")])  # supplier_mismatch
    world.report("q2.csv", [sr_line(period="2025-Q2"), sr_line(period="2025-Q2", person_ref="P-2", hours="-1")])
    run = world.run("2025-08-01")
    assert sorted(run.quarantine()["reasons"]) == ["negative:hours", "supplier_mismatch"]
    assert overdue(run) == ["2025-Q1"]  # Q2 has one accepted line: received


# --- 4: finding ids and kinds ---------------------------------------------------------------


def test_finding_id_is_first_16_hex_of_sha256_of_kind_and_key_spec_example(world):
    world.contract(contract_id="C-7", end_date="2025-09-30").commitment(contract_id="C-7")
    world.report("q12.csv", [sr_line(contract_id="C-7", period=p) for p in ("2025-Q1", "2025-Q2")])
    found = world.run("2025-11-01").open_findings("report_overdue")
    expected = hashlib.sha256(b"report_overdue|C-7|social_return|2025-Q3").hexdigest()[:16]
    assert found["finding_id"].to_list() == [expected]
    assert found.select("contract_id", "report_type", "period", "severity").row(0) == (
        "C-7", "social_return", "2025-Q3", "medium")


def test_commitment_breached_finding_is_high_keyed_by_commitment_id(world):
    world.contract(end_date="2025-03-31").commitment()
    world.report("sr.csv", [sr_line(hours="100")])
    found = world.run("2025-05-01").open_findings("commitment_breached")
    assert found.select("finding_id", "severity", "contract_id", "commitment_id").rows() == [
        (finding_id("commitment_breached", "K-1"), "high", "C-1", "K-1")]


def test_commitment_behind_finding_is_medium_keyed_by_commitment_id(world):
    world.contract().commitment()
    world.report("sr.csv", [sr_line(hours="100")])
    run = world.run("2025-04-01")
    assert run.status()["status"] == "behind"
    found = run.open_findings("commitment_behind")
    assert found.select("finding_id", "severity", "contract_id", "commitment_id").rows() == [
        (finding_id("commitment_behind", "K-1"), "medium", "C-1", "K-1")]


def test_no_commitment_finding_when_on_track_or_met(world):
    world.contract().commitment().commitment(commitment_id="K-2", target="100")
    world.report("sr.csv", [sr_line(hours="120")])  # expected 1000 × 89/729 = 122.1
    run = world.run("2025-03-31")
    assert (run.status("K-1")["status"], run.status("K-2")["status"]) == ("on_track", "met")
    assert run.open_findings("commitment_behind").height == 0
    assert run.open_findings("commitment_breached").height == 0


def test_unsupported_claim_per_evidence_less_line_keyed_by_submission_and_source_row(world):
    world.contract().commitment(**RECYCLED)
    world.report("rm.csv", [rm_line(), rm_line(recycled_tonnes="50", evidence_ref=""),
                            rm_line(recycled_tonnes="20", evidence_ref="")])
    run = world.run("2025-04-01")
    sid = submission_id(run, world, "rm.csv")
    found = run.open_findings("unsupported_claim")
    assert sorted(found["finding_id"]) == sorted([finding_id("unsupported_claim", sid, 3),
                                                  finding_id("unsupported_claim", sid, 4)])
    assert set(found["severity"]) == {"low"}
    sha = file_sha(world, "rm.csv")
    assert evidence(run, finding_id("unsupported_claim", sid, 3)) == {(sha, 3)}
    assert evidence(run, finding_id("unsupported_claim", sid, 4)) == {(sha, 4)}


def test_unsupported_claim_is_resolved_when_a_correction_supersedes_its_file(world):
    world.contract().commitment(**RECYCLED)
    world.report("rm.csv", [rm_line(recycled_tonnes="50", evidence_ref="", submitted_at="2025-04-10")])
    first = world.run("2025-04-20")
    fid = finding_id("unsupported_claim", submission_id(first, world, "rm.csv"), 2)
    assert list(first.open_findings("unsupported_claim")["finding_id"]) == [fid]
    world.report("rm-correctie.csv", [rm_line(recycled_tonnes="50", evidence_ref="WB-9", submitted_at="2025-04-15")])
    second = world.run("2025-04-21")
    assert second.open_findings("unsupported_claim").height == 0
    assert second.sql("SELECT status FROM findings WHERE finding_id = ?", fid).rows() == [("resolved",)]


def test_data_quality_one_finding_per_submission_with_quarantined_lines(world):
    world.contract().commitment()
    world.report("mixed.csv", [sr_line(), sr_line(person_ref="P-2", hours="-1"), sr_line(person_ref="P-3", hours="x")])
    world.report("clean.csv", [sr_line(period="2025-Q2")])
    run = world.run("2025-04-01")
    sid = submission_id(run, world, "mixed.csv")
    found = run.open_findings("data_quality")
    assert found.select("finding_id", "severity").rows() == [(finding_id("data_quality", sid), "low")]
    sha = file_sha(world, "mixed.csv")
    assert evidence(run, finding_id("data_quality", sid)) == {(sha, 3), (sha, 4)}


def test_data_quality_finding_names_the_contract_most_of_its_files_lines_are_for(world):
    world.contract().commitment().contract(contract_id="C-2").commitment(commitment_id="C-2-SR1", contract_id="C-2")
    world.report("c1.csv", [sr_line(), sr_line(person_ref="P-2", hours="-1")])
    world.run("2025-04-01")
    # a later night's file: its lines are found among those received since it arrived
    world.report("c2.csv", [sr_line(contract_id="C-2"), sr_line(contract_id="C-2", person_ref="P-2"),
                            sr_line(contract_id="C-2", person_ref="P-3", hours="x")])
    run = world.run("2025-04-02")
    found = run.open_findings("data_quality").select("finding_id", "contract_id").rows()
    assert sorted(found) == sorted([(finding_id("data_quality", submission_id(run, world, "c1.csv")), "C-1"),
                                    (finding_id("data_quality", submission_id(run, world, "c2.csv")), "C-2")])


def test_data_quality_finding_stays_open_with_its_evidence_in_later_runs(world):
    world.contract().commitment()
    world.report("mixed.csv", [sr_line(), sr_line(person_ref="P-2", hours="-1")])
    first = world.run("2025-04-01")
    second = world.run("2025-04-02")
    sid = submission_id(second, world, "mixed.csv")
    found = second.open_findings("data_quality")
    assert found.select("finding_id", "first_seen_run").rows() == [(finding_id("data_quality", sid), first.run_id)]
    assert evidence(second, finding_id("data_quality", sid)) == {(file_sha(world, "mixed.csv"), 3)}


def test_data_quality_finding_per_refused_file(world):
    world.contract().commitment()
    world.report("refused.csv", text="contract_id,target_group\nC-1,ww\n")  # missing_columns
    run = world.run("2025-04-01")
    sid = submission_id(run, world, "refused.csv")
    assert run.submissions()["status"].to_list() == ["refused"]
    found = run.open_findings("data_quality")
    assert found.select("finding_id", "severity").rows() == [(finding_id("data_quality", sid), "low")]
    assert evidence(run, finding_id("data_quality", sid)) == {(file_sha(world, "refused.csv"), 2)}


def test_data_quality_finding_of_unreadable_file_has_evidence_leading_to_the_file(world):
    world.contract().commitment()
    world.report("broken.xlsx", data=b"not a workbook")
    run = world.run("2025-04-01")
    sid = submission_id(run, world, "broken.xlsx")
    assert run.open_findings("data_quality")["finding_id"].to_list() == [finding_id("data_quality", sid)]
    rows = evidence(run, finding_id("data_quality", sid))
    assert {sha for sha, _ in rows} == {file_sha(world, "broken.xlsx")}


# --- 4: lifecycle -----------------------------------------------------------------------------


def test_finding_keeps_its_id_across_runs(world):
    world.contract().commitment()
    first = world.run("2025-05-01")
    second = world.run("2025-05-02")
    fid = finding_id("report_overdue", "C-1", "social_return", "2025-Q1")
    rows = second.sql("SELECT status, first_seen_run, last_seen_run FROM findings WHERE finding_id = ?", fid)
    assert rows.rows() == [("open", first.run_id, second.run_id)]


def test_finding_no_longer_derived_is_resolved_by_the_run_that_resolved_it(world):
    world.contract().commitment()
    first = world.run("2025-05-01")
    world.report("q1.csv", [sr_line(period="2025-Q1")])  # the overdue report arrives before the next run
    second = world.run("2025-05-01")
    fid = finding_id("report_overdue", "C-1", "social_return", "2025-Q1")
    rows = second.sql("SELECT status, first_seen_run, last_seen_run, resolved_run FROM findings WHERE finding_id = ?", fid)
    assert rows.rows() == [("resolved", first.run_id, first.run_id, second.run_id)]
    assert overdue(second) == []


def test_unsupported_claim_a_night_does_not_look_at_again_stays_open_and_is_seen_by_it(world):
    world.contract().commitment(**RECYCLED)
    world.report("rm.csv", [rm_line(recycled_tonnes="50", evidence_ref="")])
    first = world.run("2025-04-20")
    world.report("rm-q2.csv", [rm_line(period="2025-Q2")])  # another file, with evidence
    second = world.run("2025-07-20")
    fid = finding_id("unsupported_claim", submission_id(second, world, "rm.csv"), 2)
    rows = second.sql("SELECT status, first_seen_run, last_seen_run FROM findings WHERE finding_id = ?", fid)
    assert rows.rows() == [("open", first.run_id, second.run_id)]
    assert evidence(second, fid) == {(file_sha(world, "rm.csv"), 2)}


def test_unsupported_claim_counts_once_its_period_has_ended_without_a_new_file(world):
    world.contract().commitment(**RECYCLED)
    world.report("rm.csv", [rm_line(period="2025-Q2", recycled_tonnes="50", evidence_ref="")])  # sent early
    first = world.run("2025-06-29")
    assert first.open_findings("unsupported_claim").height == 0
    second = world.run("2025-07-01")
    fid = finding_id("unsupported_claim", submission_id(second, world, "rm.csv"), 2)
    assert second.open_findings("unsupported_claim").select("finding_id", "first_seen_run").rows() == [(fid, second.run_id)]


def test_unsupported_claim_is_resolved_by_a_run_as_of_before_its_period_ended_and_open_again_after(world):
    world.contract().commitment(**RECYCLED)
    world.report("rm.csv", [rm_line(recycled_tonnes="50", evidence_ref="")])
    first = world.run("2025-04-20")
    fid = finding_id("unsupported_claim", submission_id(first, world, "rm.csv"), 2)
    second = world.run("2025-03-30")  # 2025-Q1 had not ended: the line does not count yet
    assert second.sql("SELECT status, resolved_run FROM findings WHERE finding_id = ?", fid).rows() == [("resolved", second.run_id)]
    third = world.run("2025-04-21")
    rows = third.sql("SELECT status, first_seen_run, last_seen_run FROM findings WHERE finding_id = ?", fid)
    assert rows.rows() == [("open", first.run_id, third.run_id)]


def test_unsupported_claims_of_a_run_cut_short_before_its_findings_are_looked_at_by_the_next(world, monkeypatch):
    world.contract().commitment(**RECYCLED)
    world.report("rm.csv", [rm_line(recycled_tonnes="50", evidence_ref="", submitted_at="2025-04-10")])
    first = world.run("2025-04-20")
    fid = finding_id("unsupported_claim", submission_id(first, world, "rm.csv"), 2)
    world.report("rm-correctie.csv", [rm_line(recycled_tonnes="50", evidence_ref="WB-9", submitted_at="2025-04-15")])

    def cut_short(con, run_id, as_of):
        raise KeyboardInterrupt
    monkeypatch.setattr(stages, "derive_findings", cut_short)
    with pytest.raises(KeyboardInterrupt):
        world.run("2025-04-21")  # evaluates the correction, which replaces rm.csv
    monkeypatch.undo()
    third = world.run("2025-04-21")  # no new files: its evaluation counts nothing again
    assert third.sql("SELECT status, resolved_run FROM findings WHERE finding_id = ?", fid).rows() == [("resolved", third.run_id)]


def test_findings_of_nights_that_look_again_at_what_changed_equal_those_of_looking_at_everything(world, tmp_path):
    world.contract().commitment(**RECYCLED).commitment(commitment_id="K-2")
    nights = [
        ("2025-04-20", {"a.csv": [rm_line(recycled_tonnes="50", evidence_ref="", submitted_at="2025-04-10"),
                                  rm_line(material="beton", recycled_tonnes="5", evidence_ref="")]}),
        ("2025-06-29", {"b.csv": [rm_line(period="2025-Q2", recycled_tonnes="7", evidence_ref="")],
                        "sr.csv": [sr_line(hours="-1")]}),
        ("2025-07-02", {"a-correctie.csv": [rm_line(recycled_tonnes="50", evidence_ref="WB-9", submitted_at="2025-04-15")]}),
        ("2025-03-30", {}),
        ("2025-10-02", {"c.csv": [rm_line(period="2025-Q3", recycled_tonnes="9", evidence_ref="")]}),
    ]
    for as_of, files in nights:
        for name, lines in files.items():
            world.report(name, lines)
        run = world.run(as_of)
        everything = tmp_path / "everything.duckdb"
        shutil.copy(world.warehouse, everything)
        with warehouse.connect(everything) as con:
            con.execute("DELETE FROM last_findings")  # as at a first derivation: every claim looked at
            stages.derive_findings(con, run.run_id, run.sql("SELECT as_of FROM runs WHERE run_id = ?", run.run_id).item())
            looked_at_all = con.sql("SELECT finding_id, status, detail FROM findings ORDER BY ALL").fetchall()
        assert run.sql("SELECT finding_id, status, detail FROM findings ORDER BY ALL").rows() == looked_at_all, as_of
        assert run.open_findings("unsupported_claim").height > 0 or as_of == "2025-03-30"


# --- 4: evidence ------------------------------------------------------------------------------


def test_overdue_evidence_is_the_contract_and_commitment_rows_of_the_register(world):
    world.contract().commitment()
    run = world.run("2025-05-01")
    fid = finding_id("report_overdue", "C-1", "social_return", "2025-Q1")
    assert evidence(run, fid) == {
        (file_sha(world, "contracts.csv"), 2),
        (file_sha(world, "commitments.csv"), 2),
    }


def test_commitment_finding_evidence_includes_the_counted_lines(world):
    world.contract().commitment()
    world.report("sr.csv", [sr_line(hours="100")])
    run = world.run("2025-04-01")
    rows = evidence(run, finding_id("commitment_behind", "K-1"))
    assert (file_sha(world, "sr.csv"), 2) in rows
    assert (file_sha(world, "commitments.csv"), 2) in rows


def test_every_finding_has_evidence_rows_with_file_sha256_and_source_row(world):
    world.contract().commitment().commitment(commitment_id="K-2", **RECYCLED)
    world.report("rm.csv", [rm_line(evidence_ref="")])
    world.report("sr.csv", [sr_line(), sr_line(person_ref="P-2", hours="-1")])
    world.report("refused.csv", text="contract_id,target_group\nC-1,ww\n")
    run = world.run("2025-08-01")
    findings = run.open_findings()
    assert set(findings["kind"]) == {"commitment_behind", "report_overdue", "unsupported_claim", "data_quality"}
    for fid in findings["finding_id"]:
        rows = run.sql("SELECT file_name, file_sha256, source_row FROM finding_evidence WHERE finding_id = ?", fid)
        assert rows.height, fid
        for name, sha, source_row in rows.iter_rows():
            assert sha == file_sha(world, name), (fid, name)  # the named file, byte for byte
            assert source_row is not None and source_row >= 2, (fid, name)
