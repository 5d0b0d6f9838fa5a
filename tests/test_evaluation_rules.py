"""Evaluation rules (SPEC 1.4, 1.5, 3 and the worked examples of 7), one test per rule.

Default world: contract C-1 runs 2025-01-01 – 2026-12-31 (729 days), value 1,000,000,
table utrecht-2025; commitment K-1 is social_return, 1000 hours, linear, tolerance 10.
"""
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from naleving import config, stages
from world import Run, rm_line, sr_line, ze_line

RECYCLED = {"kind": "recycled_material", "metric": ""}
ZERO_EMISSION = {"kind": "zero_emission_equipment", "metric": ""}
EXPECTED_2025_12_31 = 1000 * 364 / 729  # SPEC 7: f = 364 / 729 on 2025-12-31


def evaluate(world, as_of, lines=(), **commitment) -> dict:
    """Contract C-1 with the single commitment K-1 (defaults overridden by `commitment`),
    one report file holding `lines`, one run as of `as_of`: K-1's commitment_status row."""
    world.contract().commitment(**commitment)
    if lines:
        world.report("report.csv", list(lines))
    return world.run(as_of).status("K-1")


def dated(line: dict, start: str, end: str) -> dict:
    """The line with period_start/period_end instead of a named period."""
    line = {k: v for k, v in line.items() if k != "period"}
    return {**line, "period_start": start, "period_end": end}


# --- 1.5 valuation ----------------------------------------------------------------------


def test_hour_value_is_yearly_value_over_1872_plus_bonus_468_hours_is_12500_eur(world):
    row = evaluate(world, "2025-12-31", [sr_line(hours="468", bonus="50plus")], metric="eur", target="20000")
    assert row["metric"] == "eur"
    assert row["achieved"] == pytest.approx(468 * (40000 + 10000) / 1872)
    assert row["achieved"] == pytest.approx(12500)


def test_valuation_each_bonus_code_adds_its_own_yearly_value(world):
    row = evaluate(world, "2025-12-31", [sr_line(hours="468", bonus="50plus|statushouder")], metric="eur", target="20000")
    assert row["achieved"] == pytest.approx(468 * (40000 + 10000 + 10000) / 1872)  # 15000


def test_sociale_onderneming_counts_its_amount_eur_and_no_hours(world):
    world.contract()
    world.commitment(commitment_id="K-EUR", metric="eur", target="5000")
    world.commitment(commitment_id="K-HOURS", metric="hours", target="100")
    world.report("so.csv", [sr_line(person_ref="", target_group="sociale_onderneming", hours="", amount_eur="3000")])
    run = world.run("2025-12-31")
    assert run.submissions()["rows_accepted"].to_list() == [1]
    assert run.status("K-EUR")["achieved"] == pytest.approx(3000)
    assert run.status("K-HOURS")["achieved"] == 0


def test_sociale_onderneming_counts_no_hours_even_when_hours_are_filled_in(world):
    row = evaluate(world, "2025-12-31", [sr_line(target_group="sociale_onderneming", hours="10", amount_eur="3000")])
    assert row["metric"] == "hours"
    assert row["achieved"] == 0


def test_block_table_from_block_tables_csv_adds_a_table_used_by_its_contract(world):
    world.block_value("rotterdam-2025", "participatiewet", "group", "18720")  # € 10 an hour
    world.contract(block_table="rotterdam-2025").commitment(metric="eur", target="5000")
    world.report("sr.csv", [sr_line(hours="100")])
    assert world.run("2025-12-31").status()["achieved"] == pytest.approx(1000)


def test_block_table_from_block_tables_csv_replaces_the_shipped_table_by_id(world):
    world.block_value("utrecht-2025", "participatiewet", "group", "18720")
    world.contract().commitment(metric="eur", target="5000")
    world.report("sr.csv", [sr_line(hours="100"), sr_line(person_ref="P-2", target_group="banenafspraak", hours="100")])
    run = world.run("2025-12-31")
    # participatiewet now worth 18720 a year instead of 40000; banenafspraak is gone from the table
    assert run.status()["achieved"] == pytest.approx(1000)
    assert run.quarantine()["reasons"].to_list() == ["unknown_target_group"]


def test_group_and_bonus_codes_match_case_insensitively(world):
    row = evaluate(world, "2025-12-31", [sr_line(hours="468", target_group=" PARTICIPATIEWET ", bonus="50Plus")],
                   metric="eur", target="20000")
    assert row["achieved"] == pytest.approx(12500)


def test_block_table_ids_and_codes_match_case_insensitively(world):
    world.block_value("Rotterdam-2025", "Participatiewet", "GROUP", "18720")
    world.block_value("Rotterdam-2025", "VAST_Contract", "Bonus", "18720")
    world.contract(block_table="ROTTERDAM-2025").commitment(metric="eur", target="5000")
    world.report("sr.csv", [sr_line(hours="100", bonus="vast_contract")])
    assert world.run("2025-12-31").status()["achieved"] == pytest.approx(2000)


def test_valuation_the_same_bonus_codes_are_worth_what_each_contracts_own_table_says(world):
    world.block_value("rotterdam-2025", "participatiewet", "group", "18720")
    world.block_value("rotterdam-2025", "50plus", "bonus", "9360")
    world.contract().commitment(metric="eur", target="5000")
    world.contract(contract_id="C-2", block_table="rotterdam-2025")
    world.commitment(commitment_id="K-2", contract_id="C-2", metric="eur", target="5000")
    world.report("sr.csv", [sr_line(hours="100", bonus="50plus"), sr_line(contract_id="C-2", hours="100", bonus="50plus"),
                            sr_line(person_ref="P-2", hours="100")])
    run = world.run("2025-12-31")
    assert run.status("K-1")["achieved"] == pytest.approx(100 * (40000 + 10000) / 1872 + 100 * 40000 / 1872)
    assert run.status("K-2")["achieved"] == pytest.approx(100 * (18720 + 9360) / 1872)


HALF_YEARS = ["2025-H1", "2025-H2", "2026-H1", "2026-H2"]


def test_two_year_cap_counts_at_most_3744_hours_per_person(world):
    # SPEC 7 says "four quarters", but 1000 h in one quarter is over 60 h/week and is
    # quarantined as hours_implausible (SPEC 2); half years carry 1000 h plausibly.
    # The file lists the periods in reverse: the cap is taken in period order.
    world.contract().commitment()
    world.report("sr.csv", [sr_line(period=p, hours="1000") for p in reversed(HALF_YEARS)])
    run = world.run("2026-12-31")
    assert run.status()["achieved"] == pytest.approx(3744)
    valued = run.sql(
        "SELECT period_start, source_row, hours, counted_hours, capped FROM social_return_valued ORDER BY period_start")
    assert valued["hours"].to_list() == [1000, 1000, 1000, 1000]  # stored as reported
    assert valued["counted_hours"].to_list() == [1000, 1000, 1000, 744]
    assert valued["capped"].to_list() == [False, False, False, True]
    assert valued["source_row"].to_list() == [5, 4, 3, 2]


def test_two_year_cap_applies_to_euros_alike(world):
    lines = [sr_line(period=p, hours="1000") for p in HALF_YEARS]
    row = evaluate(world, "2026-12-31", lines, metric="eur", target="100000")
    assert row["achieved"] == pytest.approx(3744 * 40000 / 1872)  # 80000, not 4000 h' worth


def test_two_year_cap_is_per_contract(world):
    world.contract().contract(contract_id="C-2")
    world.commitment().commitment(commitment_id="K-2", contract_id="C-2")
    world.report("c1.csv", [sr_line(period="2025-H1", hours="1500"), sr_line(period="2025-H2", hours="1500")])
    world.report("c2.csv", [sr_line(contract_id="C-2", period="2025-H1", hours="1000")])
    run = world.run("2025-12-31")
    assert run.status("K-1")["achieved"] == pytest.approx(3000)
    assert run.status("K-2")["achieved"] == pytest.approx(1000)  # not 744: the same person, another contract


VALUED = "SELECT period_start, hours_before, counted_hours FROM social_return_valued ORDER BY period_start"


def test_two_year_cap_counts_the_hours_valued_by_earlier_runs(world):
    world.contract().commitment()
    world.report("a.csv", [sr_line(period=p, hours="1000") for p in HALF_YEARS[:3]])
    world.run("2026-12-31")
    world.report("b.csv", [sr_line(period="2026-H2", hours="1000")])
    run = world.run("2026-12-31")
    assert run.status()["achieved"] == pytest.approx(3744)
    assert [row[1:] for row in run.sql(VALUED).rows()] == [(0, 1000), (1000, 1000), (2000, 1000), (3000, 744)]
    # only the new line was valued, after the 3000 hours before it
    assert run.sql("SELECT person_ref, first_line.period_start::VARCHAR, hours_before FROM valuation_starts").rows() == [
        ("P-1", "2026-07-01", 3000)]


def test_an_evaluation_cut_short_is_done_whole_by_the_next_run(world, monkeypatch):
    world.contract().commitment()
    world.report("a.csv", [sr_line(period=p, hours="1000") for p in HALF_YEARS[:3]])
    world.run("2026-12-31")
    world.report("b.csv", [sr_line(period="2026-H2", hours="1000")])
    run_sql = stages.run_sql

    def fails_valuing(con, name, **variables):
        if name == "social_return_valued":
            raise RuntimeError("cut short")
        run_sql(con, name, **variables)

    monkeypatch.setattr(stages, "run_sql", fails_valuing)
    with pytest.raises(RuntimeError, match="cut short"):
        world.run("2026-12-31")
    # what to compute again was committed on its own; the lines it names were not cleared
    cut = Run(world.warehouse, "")
    assert cut.sql("SELECT count(*) AS n FROM evaluated_groups")["n"][0] == 1
    assert [row[1:] for row in cut.sql(VALUED).rows()] == [(0, 1000), (1000, 1000), (2000, 1000)]
    assert cut.sql("SELECT count(*) AS n FROM unevaluated_group_keys")["n"][0] == 1  # left to the next run
    monkeypatch.setattr(stages, "run_sql", run_sql)
    run = world.run("2026-12-31")
    assert run.status()["achieved"] == pytest.approx(3744)
    assert [row[1:] for row in run.sql(VALUED).rows()] == [(0, 1000), (1000, 1000), (2000, 1000), (3000, 744)]


def test_two_year_cap_takes_a_late_report_of_an_earlier_period_in_period_order(world):
    world.contract().commitment()
    world.report("a.csv", [sr_line(period=p, hours="1000") for p in HALF_YEARS[1:]])
    world.run("2026-12-31")
    world.report("b.csv", [sr_line(period="2025-H1", hours="1000")])
    run = world.run("2026-12-31")
    assert run.status()["achieved"] == pytest.approx(3744)
    assert [row[2] for row in run.sql(VALUED).rows()] == [1000, 1000, 1000, 744]  # the last half year capped


def test_two_year_cap_is_taken_again_from_a_corrected_period_on(world):
    world.contract().commitment()
    world.report("a.csv", [sr_line(period="2025-H1", hours="1000", submitted_at="2025-07-05")])
    world.report("c.csv", [sr_line(period=p, hours="1000", submitted_at="2027-01-05") for p in HALF_YEARS[1:]])
    assert world.run("2027-01-31").status()["achieved"] == pytest.approx(3744)
    world.report("b.csv", [sr_line(period="2026-H1", hours="200", submitted_at="2027-01-20")])
    run = world.run("2027-01-31")
    assert run.status()["achieved"] == pytest.approx(3200)
    assert [row[1:] for row in run.sql(VALUED).rows()] == [(0, 1000), (1000, 1000), (2000, 200), (2200, 1000)]


def test_two_year_cap_taken_again_counts_the_other_people_of_the_file_once(world):
    world.contract().commitment()
    world.report("a.csv", [sr_line(period="2025-H2", hours="100"), sr_line(period="2025-H2", person_ref="P-2", hours="50")])
    world.run("2026-12-31")
    world.report("b.csv", [sr_line(period="2025-H1", hours="10")])  # P-1's line in a.csv is valued again
    run = world.run("2026-12-31")
    assert run.status()["achieved"] == pytest.approx(160)
    assert run.sql("SELECT person_ref, count(*) AS n FROM social_return_valued GROUP BY ALL ORDER BY ALL").rows() == [
        ("P-1", 2), ("P-2", 1)]


SUMS = "SELECT person_ref, hours, last_start::VARCHAR FROM {} ORDER BY ALL"


def test_two_year_cap_reads_the_valued_lines_only_of_people_reporting_no_later_period(world, monkeypatch):
    read = []
    run_sql = stages.run_sql

    def look(con, name, **variables):
        run_sql(con, name, **variables)
        if name == "changed_contracts":
            read.append(con.sql("SELECT person_ref FROM valued_people ORDER BY ALL").fetchall())
    monkeypatch.setattr(stages, "run_sql", look)
    world.contract().commitment()
    world.report("a.csv", [sr_line(period="2025-H2", hours="1000", submitted_at="2027-01-05"),
                           sr_line(period="2025-H2", person_ref="P-2", hours="50", submitted_at="2027-01-05")])
    world.run("2027-01-31")
    # P-1 reports a later half year: the hours before are P-1's sums; P-2 an earlier one: P-2's lines are read
    world.report("b.csv", [sr_line(period="2026-H1", hours="1000", submitted_at="2027-01-10"),
                           sr_line(period="2025-H1", person_ref="P-2", hours="10", submitted_at="2027-01-10")])
    run = world.run("2027-01-31")
    assert read[-1] == [("P-2",)]
    assert run.sql("SELECT person_ref, hours_before, last_start_before::VARCHAR FROM valuation_starts "
                   "ORDER BY ALL").rows() == [("P-1", 1000, "2025-07-01"), ("P-2", 0, None)]
    assert run.sql(SUMS.format("person_totals")).rows() == [("P-1", 2000, "2026-01-01"), ("P-2", 60, "2025-07-01")]
    assert run.status()["achieved"] == pytest.approx(2060)
    # a quarter starting with P-1's last half year comes before it in the cap's order: P-1's lines are read
    world.report("q.csv", [dated(sr_line(hours="500", submitted_at="2027-01-15"), "2026-01-01", "2026-03-31")])
    run = world.run("2027-01-31")
    assert read[-1] == [("P-1",)]
    assert run.sql("SELECT period_end::VARCHAR, hours_before FROM social_return_valued WHERE person_ref = 'P-1' "
                   "ORDER BY ALL").rows() == [("2025-12-31", 0), ("2026-03-31", 1000), ("2026-06-30", 1500)]
    # a correction of both earlier half years without P-2: P-2 has no valued lines left, and no sums
    world.report("d.csv", [sr_line(period=p, hours="100", submitted_at="2027-01-20") for p in HALF_YEARS[:2]])
    run = world.run("2027-01-31")
    assert run.sql(SUMS.format("person_totals")).rows() == [("P-1", 1700, "2026-01-01")]
    assert run.status()["achieved"] == pytest.approx(1700)
    world.commitments[0]["target"] = "2000"  # the register changes: the contract is valued anew, its sums too
    run = world.run("2027-01-31")
    assert read[-1] == []
    assert run.sql(SUMS.format("person_totals")).rows() == run.sql(SUMS.format("person_sums('social_return_valued')")).rows()
    assert run.sql(SUMS.format("person_totals")).rows() == [("P-1", 1700, "2026-01-01")]


def test_two_year_cap_holds_when_contracts_are_valued_in_slices(world, monkeypatch):
    monkeypatch.setattr(stages, "VALUED_LINES_A_SLICE", 2)  # a national history is valued ~2 M lines at a time
    slices = []
    run_sql = stages.run_sql
    monkeypatch.setattr(stages, "run_sql", lambda con, name, **v: (
        slices.append(v["valuation_slice"]) if name == "social_return_valued" else None) or run_sql(con, name, **v))
    for contract, hours in (("C-1", ["1000"] * 4), ("C-2", ["1000", "1000"]), ("C-3", ["500"])):
        world.contract(contract_id=contract).commitment(commitment_id=f"K-{contract}", contract_id=contract)
        world.report(f"{contract}.csv", [sr_line(contract_id=contract, period=p, hours=h) for p, h in zip(HALF_YEARS, hours)])
    run = world.run("2026-12-31")
    assert slices == [0, 1, 2, 3]  # 7 lines, 2 a slice
    assert [run.status(f"K-{c}")["achieved"] for c in ("C-1", "C-2", "C-3")] == pytest.approx([3744, 2000, 500])
    assert run.sql("SELECT count(*) AS n FROM social_return_valued")["n"][0] == 7


def test_commitment_totals_are_the_sums_of_their_counted_lines_over_runs(world):
    world.contract().commitment().commitment(commitment_id="K-2", scope="asfalt", target="20", **RECYCLED)
    world.report("sr.csv", [sr_line(period=p, hours="1000") for p in HALF_YEARS[:2]])
    world.report("rm.csv", [rm_line(period="2025-Q1", submitted_at="2025-07-05"),
                            rm_line(period="2025-Q2", material="beton", submitted_at="2025-07-05")])
    world.run("2025-12-31")
    world.commitments[1]["scope"] = "all"  # the register changes: the contract is evaluated anew
    world.report("sr-late.csv", [sr_line(period="2026-H1", hours="500")])
    world.report("rm-q1.csv", [rm_line(period="2025-Q1", recycled_tonnes="50", submitted_at="2026-01-05")])
    for as_of in ("2026-03-31", "2026-06-30"):
        run = world.run(as_of)
        sums = dict((k, (a, n, d)) for k, a, n, d in run.sql(
            "SELECT commitment_id, sum(amount), sum(numerator), sum(denominator) FROM counted_lines GROUP BY ALL").rows())
        assert run.status()["achieved"] == pytest.approx(sums["K-1"][0])
        assert (run.status("K-2")["numerator"], run.status("K-2")["denominator"]) == pytest.approx(sums["K-2"][1:])
    assert run.status()["achieved"] == pytest.approx(2500)
    assert run.status("K-2")["achieved"] == pytest.approx(100 * (50 + 30) / 200)


def test_commitment_totals_kept_night_by_night_equal_those_summed_from_every_file(world):
    world.contract().commitment().commitment(commitment_id="K-2", scope="asfalt", target="20", **RECYCLED)
    world.commitment(commitment_id="K-3", target="50", **ZERO_EMISSION)
    counted_sums = """SELECT commitment_id, sum(amount), sum(numerator), sum(denominator) FROM counted_lines
                      GROUP BY ALL ORDER BY ALL"""
    nights = [
        ("2025-12-31", {"sr.csv": [sr_line(period=p, hours="1000") for p in HALF_YEARS[:2]],
                        "rm.csv": [rm_line(period="2025-Q1", submitted_at="2025-07-05"),
                                   rm_line(period="2025-Q3", material="beton", submitted_at="2025-10-05")],
                        "ze.csv": [ze_line(period="2025-Q2")]}),
        ("2025-06-30", {}),                                                     # the date back: H2 and Q3 no longer count
        ("2026-03-31", {"rm-q1.csv": [rm_line(period="2025-Q1", recycled_tonnes="50", submitted_at="2026-01-05")]}),
        ("2026-06-30", {"sr-late.csv": [sr_line(period="2026-H1", hours="500")]}),
    ]
    for i, (as_of, files) in enumerate(nights):
        for name, lines in files.items():
            world.report(name, lines)
        if i == 3:
            world.commitments[1]["scope"] = "all"   # the register changes: its contract is counted anew
            del world.commitments[2]                # and K-3 is gone
        run = world.run(as_of)
        status = run.sql("SELECT commitment_id, achieved, numerator, denominator FROM commitment_status "
                         "WHERE run_id = ? ORDER BY ALL", run.run_id).rows()
        sums = run.sql(counted_sums).rows()
        assert _rounded((k, a if a is not None else 100 * n / d, n, d) for k, a, n, d in sums
                        if k in {s[0] for s in status}) == _rounded(status), as_of
        kept = run.sql("SELECT commitment_id, files, amount, numerator, denominator FROM commitment_totals ORDER BY ALL").rows()
        assert kept == run.sql("""SELECT commitment_id, count(*), sum(amount::DECIMAL(38, 9)), sum(numerator::DECIMAL(38, 9)),
                                         sum(denominator::DECIMAL(38, 9)) FROM file_totals
                                  WHERE period_end <= ?::DATE GROUP BY ALL ORDER BY ALL""", as_of).rows(), as_of
    assert [k for k, *_ in kept] == ["K-1", "K-2"]
    assert run.status()["achieved"] == 2500 and run.status("K-2")["achieved"] == pytest.approx(100 * (50 + 30) / 200)


def _rounded(rows) -> list[tuple]:
    return [tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in rows]


# --- 3: which lines count -----------------------------------------------------------------


def test_only_lines_with_period_end_on_or_before_as_of_count(world):
    world.contract().commitment()
    world.report("sr.csv", [sr_line(period="2025-Q1", hours="100"), sr_line(period="2025-Q2", hours="200")])
    assert world.run("2025-06-29").status()["achieved"] == pytest.approx(100)
    assert world.run("2025-06-30").status()["achieved"] == pytest.approx(300)


def test_superseded_group_does_not_count_later_submitted_at_wins(world):
    # SPEC 7: A submitted 2026-01-20, B 2026-02-15, same group: only B counts. A's name is the greater one.
    world.contract().commitment()
    world.report("z-file-a.csv", [dated(sr_line(hours="100", submitted_at="2026-01-20"), "2025-10-01", "2025-12-31")])
    world.report("a-file-b.csv", [dated(sr_line(hours="200", submitted_at="2026-02-15"), "2025-10-01", "2025-12-31")])
    run = world.run("2026-03-01")
    assert run.status()["achieved"] == pytest.approx(200)
    marked = run.sql("""SELECT s.file_name, l.hours, l.superseded FROM social_return_lines_marked l
                        JOIN submissions s USING (submission_id) ORDER BY s.file_name""")
    assert [(Path(name).name, hours, superseded) for name, hours, superseded in marked.rows()] == [
        ("a-file-b.csv", 200.0, False), ("z-file-a.csv", 100.0, True)]


def test_superseded_without_submitted_at_greater_file_name_wins_on_same_receive_time(world):
    world.contract().commitment()
    world.report("q4-a.csv", [sr_line(period="2025-Q4", hours="100")])
    world.report("q4-b.csv", [sr_line(period="2025-Q4", hours="200")])
    run = world.run("2026-03-01")
    assert run.submissions()["received_at"].n_unique() == 1
    assert run.status()["achieved"] == pytest.approx(200)
    marked = run.sql("""SELECT s.file_name, l.superseded FROM social_return_lines_marked l
                        JOIN submissions s USING (submission_id) ORDER BY s.file_name""")
    assert [(Path(name).name, superseded) for name, superseded in marked.rows()] == [
        ("q4-a.csv", True), ("q4-b.csv", False)]


def test_superseded_without_submitted_at_later_received_file_wins(world, monkeypatch):
    world.contract().commitment()
    world.report("z.csv", [sr_line(period="2025-Q4", hours="100")])
    monkeypatch.setattr(config, "now", lambda: datetime(2026, 1, 10, 2, 0))
    world.run("2026-03-01")
    world.report("a.csv", [sr_line(period="2025-Q4", hours="200")])
    monkeypatch.setattr(config, "now", lambda: datetime(2026, 1, 11, 2, 0))
    run = world.run("2026-03-01")
    assert run.status()["achieved"] == pytest.approx(200)
    assert run.sql("SELECT count(*) AS n FROM social_return_lines")["n"].item() == 2


def test_superseded_share_lines_of_an_earlier_run_stop_counting_the_rest_of_their_file_counts(world):
    world.contract().commitment(target="20", **RECYCLED)
    world.report("a.csv", [rm_line(period="2025-Q1", recycled_tonnes="30", submitted_at="2025-07-05"),
                           rm_line(period="2025-Q2", recycled_tonnes="10", submitted_at="2025-07-05")])
    assert world.run("2025-09-30").status()["achieved"] == pytest.approx(20)  # 40 of 200 t
    world.report("b.csv", [rm_line(period="2025-Q1", recycled_tonnes="70", submitted_at="2025-08-01")])
    assert world.run("2025-09-30").status()["achieved"] == pytest.approx(40)  # 80 of 200 t


def test_duplicate_file_is_recorded_but_not_counted_again(world):
    world.contract().commitment()
    lines = [sr_line(hours="100")]
    world.report("q1.csv", lines)
    world.report("q1-copy.csv", lines)
    run = world.run("2025-06-30")
    assert sorted(run.submissions()["status"]) == ["accepted", "duplicate"]
    assert run.status()["achieved"] == pytest.approx(100)


# --- 3: cumulative kinds --------------------------------------------------------------------


@pytest.mark.parametrize(
    "hours, status",
    [("449.38", "behind"), ("449.39", "on_track"), ("450", "on_track"), ("999.9", "on_track"), ("1000", "met")],
)
def test_linear_expectation_spec_example(world, hours, status):
    # behind below 1000 × 364/729 × 0.9 = 449.3827…
    row = evaluate(world, "2025-12-31", [sr_line(period="2025", hours=hours)])
    assert row["expected"] == pytest.approx(EXPECTED_2025_12_31)
    assert row["expected"] == pytest.approx(499.31, abs=0.01)
    assert row["achieved"] == pytest.approx(float(hours))
    assert row["status"] == status


def test_end_trajectory_expects_nothing_before_due_and_the_target_from_due(world):
    world.contract().commitment(trajectory="end")
    before = world.run("2026-12-30").status()
    on_due = world.run("2026-12-31").status()
    assert (before["expected"], before["status"]) == (0, "on_track")
    assert (on_due["expected"], on_due["status"]) == (1000, "behind")


def test_forecast_at_due_formula_then_achieved_from_due_and_empty_before_start(world):
    world.contract().commitment()
    world.report("sr.csv", [sr_line(period="2025", hours="364")])
    assert world.run("2024-12-31").status()["forecast_at_due"] is None
    assert world.run("2025-12-31").status()["forecast_at_due"] == pytest.approx(364 / 364 * 729)
    assert world.run("2026-12-31").status()["forecast_at_due"] == pytest.approx(364)
    assert world.run("2027-06-01").status()["forecast_at_due"] == pytest.approx(364)


def test_target_pct_of_value_sets_target_from_contract_value(world):
    row = evaluate(world, "2025-12-31", metric="eur", target="", target_pct_of_value="2")
    assert row["target"] == pytest.approx(20000)  # 1,000,000 × 2 / 100
    assert row["expected"] == pytest.approx(20000 * 364 / 729)


def test_metric_defaults_to_eur_for_social_return(world):
    row = evaluate(world, "2025-12-31", [sr_line(hours="468")], metric="", target="20000")
    assert row["metric"] == "eur"
    assert row["achieved"] == pytest.approx(468 * 40000 / 1872)  # 10000


def test_tolerance_defaults_to_10_percent_of_expected(world):
    world.contract()
    world.commitment(commitment_id="K-DEFAULT").commitment(commitment_id="K-ZERO", tolerance_pct="0")
    world.report("sr.csv", [sr_line(period="2025", hours="460")])  # 460 ≥ 0.9 × 499.31, < 499.31
    run = world.run("2025-12-31")
    assert run.status("K-DEFAULT")["status"] == "on_track"
    assert run.status("K-ZERO")["status"] == "behind"


def test_custom_tolerance_sets_the_behind_threshold(world):
    world.contract()
    world.commitment(commitment_id="K-50", tolerance_pct="50").commitment(commitment_id="K-DEFAULT")
    world.report("sr.csv", [sr_line(period="2025", hours="250")])  # 250 ≥ 0.5 × 499.31 = 249.66
    run = world.run("2025-12-31")
    assert run.status("K-50")["status"] == "on_track"
    assert run.status("K-DEFAULT")["status"] == "behind"


# --- 3: share kinds -------------------------------------------------------------------------


def test_recycled_share_per_material_scope_and_all(world):
    world.contract()
    world.commitment(commitment_id="K-ASFALT", scope="asfalt", target="20", **RECYCLED)
    world.commitment(commitment_id="K-ALL", scope="all", target="20", **RECYCLED)
    world.commitment(commitment_id="K-DEFAULT", scope="", target="20", **RECYCLED)
    world.report("rm.csv", [rm_line(), rm_line(material="beton", recycled_tonnes="10", evidence_ref="WB-2")])
    run = world.run("2025-06-30")
    assert run.status("K-ASFALT")["achieved"] == pytest.approx(30)   # 30 / 100
    assert run.status("K-ALL")["achieved"] == pytest.approx(20)      # 40 / 200
    assert run.status("K-DEFAULT")["achieved"] == pytest.approx(20)  # scope defaults to all


def test_recycled_tonnes_without_evidence_count_zero_but_delivered_count(world):
    # SPEC 7: 100 t / 30 t with a ticket and 100 t / 50 t without → 30 / 200 = 15 %
    lines = [rm_line(), rm_line(recycled_tonnes="50", evidence_ref="")]
    row = evaluate(world, "2025-06-30", lines, target="20", **RECYCLED)
    assert (row["numerator"], row["denominator"]) == (30, 200)
    assert row["achieved"] == pytest.approx(15)


def test_zero_emission_share_per_power_class_lower_bound_inclusive(world):
    world.contract()
    world.commitment(commitment_id="K-LT19", scope="<19", target="50", **ZERO_EMISSION)
    world.commitment(commitment_id="K-19-37", scope="19-37", target="50", **ZERO_EMISSION)
    world.report("ze.csv", [
        ze_line(machine_id="M-18", power_kw="18", energy_source="diesel"),
        ze_line(machine_id="M-19", power_kw="19", energy_source="electric"),
        ze_line(machine_id="M-37", power_kw="37", energy_source="diesel"),
    ])
    run = world.run("2025-06-30")
    lt19, mid = run.status("K-LT19"), run.status("K-19-37")
    assert (lt19["achieved"], lt19["denominator"]) == (0, 100)   # only the 18 kW machine
    assert (mid["achieved"], mid["denominator"]) == (100, 100)   # only the 19 kW machine; 37 kW is 37-56


def test_hybrid_is_not_zero_emission_and_hydrogen_is(world):
    lines = [ze_line(machine_id="M-H", energy_source="hybrid"), ze_line(machine_id="M-W", energy_source="hydrogen")]
    row = evaluate(world, "2025-06-30", lines, target="50", **ZERO_EMISSION)
    assert (row["numerator"], row["denominator"]) == (100, 200)
    assert row["achieved"] == pytest.approx(50)


# --- 3: statuses ----------------------------------------------------------------------------


def test_status_not_started_before_contract_start(world):
    row = evaluate(world, "2024-12-31")
    assert row["status"] == "not_started"
    assert row["expected"] == 0


def test_status_met_cumulative_before_due(world):
    row = evaluate(world, "2025-12-31", [sr_line(period="2025", hours="1000")])
    assert row["status"] == "met"
    assert row["shortfall"] == 0


def test_status_met_for_share_only_after_due(world):
    world.contract().commitment(target="20", **RECYCLED)
    world.report("rm.csv", [rm_line()])  # 30 %
    assert world.run("2026-12-31").status()["status"] == "on_track"  # on the due date: not yet met
    assert world.run("2027-01-01").status()["status"] == "met"


def test_status_breached_after_due_when_not_met(world):
    row = evaluate(world, "2027-01-01", [sr_line(period="2025", hours="400")])
    assert row["status"] == "breached"
    assert row["shortfall"] == pytest.approx(600)


def test_status_no_data_for_share_with_denominator_zero(world):
    row = evaluate(world, "2025-06-30", [rm_line(delivered_tonnes="0", recycled_tonnes="0")], target="20", **RECYCLED)
    assert row["denominator"] == 0
    assert row["achieved"] is None
    assert row["status"] == "no_data"


def test_status_behind_for_share_below_target_minus_tolerance_points(world):
    world.contract()
    world.commitment(commitment_id="K-DEFAULT", target="31", **RECYCLED)  # share tolerance defaults to 0
    world.commitment(commitment_id="K-TOL", target="31", tolerance_pct="1", **RECYCLED)
    world.commitment(commitment_id="K-FAR", target="40", tolerance_pct="9.9", **RECYCLED)
    world.report("rm.csv", [rm_line()])  # 30 %
    run = world.run("2025-06-30")
    assert run.status("K-DEFAULT")["status"] == "behind"
    assert run.status("K-TOL")["status"] == "on_track"  # 30 ≥ 31 − 1
    assert run.status("K-FAR")["status"] == "behind"    # 30 < 40 − 9.9


def test_status_on_track_cumulative_within_tolerance(world):
    row = evaluate(world, "2025-12-31", [sr_line(period="2025", hours="500")])
    assert row["status"] == "on_track"


def test_status_order_cumulative_met_wins_over_breached_after_due(world):
    row = evaluate(world, "2027-01-01", [sr_line(period="2025", hours="1000")])
    assert row["status"] == "met"


def test_status_order_share_after_due_without_data_is_breached(world):
    row = evaluate(world, "2027-01-01", target="20", **RECYCLED)
    assert row["achieved"] is None
    assert row["status"] == "breached"


def test_status_order_not_started_before_anything_else(world):
    row = evaluate(world, "2024-12-31", due_date="2024-06-30")  # as_of > due, but before start
    assert row["status"] == "not_started"


# --- 3: shortfall and penalty ----------------------------------------------------------------


def test_shortfall_cumulative_is_target_minus_achieved_never_negative(world):
    world.contract().commitment().commitment(commitment_id="K-2", target="100")
    world.report("sr.csv", [sr_line(period="2025", hours="400")])
    run = world.run("2025-12-31")
    assert run.status("K-1")["shortfall"] == pytest.approx(600)
    assert run.status("K-2")["shortfall"] == 0


def test_shortfall_share_in_percentage_points(world):
    row = evaluate(world, "2025-06-30", [rm_line(recycled_tonnes="15")], target="40", **RECYCLED)
    assert row["achieved"] == pytest.approx(15)
    assert row["shortfall"] == pytest.approx(25)


def test_shortfall_share_without_achieved_is_the_target(world):
    row = evaluate(world, "2025-06-30", target="40", **RECYCLED)
    assert row["achieved"] is None
    assert row["shortfall"] == pytest.approx(40)


@pytest.mark.parametrize(
    "commitment, penalty",
    [
        ({"metric": "eur", "target": "20000", "penalty_rule": "shortfall_eur"}, 10000),  # 20000 − 468 h × 40000/1872
        ({"metric": "hours", "target": "1000", "penalty_rule": "per_unit", "penalty_rate_eur": "2.5"}, 532 * 2.5),
        ({"metric": "hours", "target": "1000", "penalty_rule": "fixed", "penalty_amount_eur": "5000"}, 5000),
    ],
    ids=["shortfall_eur", "per_unit", "fixed"],
)
def test_penalty_estimate_when_breached(world, commitment, penalty):
    row = evaluate(world, "2027-01-01", [sr_line(hours="468")], **commitment)
    assert row["status"] == "breached"
    assert row["penalty_estimate_eur"] == pytest.approx(penalty)


def test_penalty_estimate_only_when_breached(world):
    row = evaluate(world, "2025-12-31", [sr_line(hours="400")], penalty_rule="fixed", penalty_amount_eur="5000")
    assert row["status"] == "behind"
    assert row["penalty_estimate_eur"] is None


def test_penalty_estimate_empty_without_penalty_rule(world):
    row = evaluate(world, "2027-01-01")
    assert row["status"] == "breached"
    assert row["penalty_estimate_eur"] is None


# --- 3: due date ----------------------------------------------------------------------------


def test_due_date_defaults_to_contract_end(world):
    world.contract().commitment()
    on_end = world.run("2026-12-31").status()
    after_end = world.run("2027-01-01").status()
    assert (on_end["expected"], on_end["status"]) == (1000, "behind")
    assert after_end["status"] == "breached"


def test_due_date_set_on_the_commitment_is_used(world):
    world.contract().commitment(due_date="2025-12-31")
    assert world.run("2025-12-31").status()["expected"] == pytest.approx(1000)
    assert world.run("2026-01-01").status()["status"] == "breached"


def test_due_equal_to_start_gives_f_1_from_start_on(world):
    world.contract().commitment(due_date="2025-01-01")
    before = world.run("2024-12-31").status()
    on_start = world.run("2025-01-01").status()
    assert (before["expected"], before["status"]) == (0, "not_started")
    assert (on_start["expected"], on_start["status"]) == (1000, "behind")


def _contribution_of(world, contract_id: str) -> list[float]:
    con = duckdb.connect(str(world.warehouse))
    try:
        return [r[0] for r in con.execute(
            "SELECT counted_hours FROM social_return_valued WHERE contract_id = ? ORDER BY ALL", [contract_id]).fetchall()]
    finally:
        con.close()


def _mark(world, contract_id: str) -> None:
    """Put a value no evaluation would compute on a contract's valued lines."""
    con = duckdb.connect(str(world.warehouse))
    con.execute("UPDATE social_return_valued SET counted_hours = -1 WHERE contract_id = ?", [contract_id])
    con.close()


def test_evaluation_recomputes_only_the_contracts_whose_inputs_changed(world):
    world.contract().contract(contract_id="C-2").commitment().commitment(commitment_id="K-2", contract_id="C-2")
    world.report("c1.csv", [sr_line()])
    world.report("c2.csv", [sr_line(contract_id="C-2")])
    world.run("2026-11-29")
    _mark(world, "C-2")
    world.report("c1-q2.csv", [sr_line(period="2025-Q2", hours="50")])  # new lines for C-1 only
    second = world.run("2026-11-30")
    assert _contribution_of(world, "C-2") == [-1]          # untouched: not recomputed
    assert _contribution_of(world, "C-1") == [50, 100]     # its new file counted
    assert second.status()["achieved"] == 150
    world.commitments[1]["target"] = "2000"                 # C-2's register row changed
    world.run("2026-12-01")
    assert _contribution_of(world, "C-2") == [100]
