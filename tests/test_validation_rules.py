"""SPEC 2: every line is accepted or quarantined with reason codes a supplier can act on."""
import duckdb
import pytest

from naleving.warehouse import sql_text
from world import rm_line, sr_line, ze_line


def reasons_of(world, rows, as_of="2026-11-29", name="r.csv") -> list[str]:
    """Reasons of each line of one report, in file order ('' when accepted)."""
    world.contract().commitment()
    world.report(name, rows)
    run = world.run(as_of)
    quarantined = dict(run.quarantine().select("source_row", "reasons").iter_rows())
    return [quarantined.get(row, "") for row in range(2, len(rows) + 2)]


def test_clean_line_is_accepted(world):
    assert reasons_of(world, [sr_line()]) == [""]


@pytest.mark.parametrize("column", ["contract_id", "supplier_kvk", "person_ref", "target_group", "hours"])
def test_missing_required_value(world, column):
    assert reasons_of(world, [sr_line(**{column: ""})]) == [f"missing:{column}"]


def test_missing_period(world):
    line = sr_line()
    del line["period"]
    line.update(period_start="2025-01-01", period_end="")
    assert reasons_of(world, [line]) == ["missing:period"]


def test_bad_number(world):
    assert reasons_of(world, [sr_line(hours="tien")]) == ["bad_number:hours"]


def test_bad_date(world):
    assert reasons_of(world, [sr_line(submitted_at="2025/13/45")]) == ["bad_date:submitted_at"]


def test_negative(world):
    assert reasons_of(world, [rm_line(recycled_tonnes="-5")]) == ["negative:recycled_tonnes"]


def test_unknown_contract(world):
    assert reasons_of(world, [sr_line(contract_id="C-404")]) == ["unknown_contract"]


def test_supplier_mismatch(world):
    assert reasons_of(world, [sr_line(supplier_kvk="87654321")]) == ["supplier_mismatch"]


@pytest.mark.parametrize("period", ["2025-Q5", "Q 2025", "volgend jaar"])
def test_bad_period_unreadable(world, period):
    assert reasons_of(world, [sr_line(period=period)]) == ["bad_period"]


def test_bad_period_end_before_start(world):
    line = sr_line()
    del line["period"]
    line.update(period_start="31-03-2025", period_end="01-01-2025")
    assert reasons_of(world, [line]) == ["bad_period"]


def test_period_outside_contract(world):
    assert reasons_of(world, [sr_line(period="2024-Q4"), sr_line(period="2027-Q1")]) == ["period_outside_contract"] * 2


def test_unknown_target_group(world):
    assert reasons_of(world, [sr_line(target_group="iedereen")]) == ["unknown_target_group"]


def test_target_group_of_another_block_table_is_unknown(world):
    world.block_value("eigen-2025", "statushouder_groep", "group", "30000")
    world.contract(block_table="eigen-2025").commitment()
    world.report("r.csv", [sr_line(target_group="participatiewet"), sr_line(target_group="Statushouder_Groep", person_ref="P-2")])
    reasons = dict(world.run("2026-11-29").quarantine().select("source_row", "reasons").iter_rows())
    assert reasons == {2: "unknown_target_group"}


def test_unknown_energy_source(world):
    assert reasons_of(world, [ze_line(energy_source="stoom")]) == ["unknown_energy_source"]


def test_dutch_energy_sources_are_known(world):
    lines = [ze_line(energy_source="Elektrisch"), ze_line(machine_id="M-2", energy_source="waterstof"),
             ze_line(machine_id="M-3", energy_source="benzine")]
    assert reasons_of(world, lines) == ["", "", ""]


def test_unknown_bonus(world):
    assert reasons_of(world, [sr_line(bonus="50plus|bijzonder"), sr_line(person_ref="P-2", bonus="50PLUS | Statushouder")]) == ["unknown_bonus", ""]


def test_recycled_exceeds_delivered(world):
    assert reasons_of(world, [rm_line(delivered_tonnes="10", recycled_tonnes="12")]) == ["recycled_exceeds_delivered"]


def test_hours_implausible_person_60_per_week(world):
    # 2025-Q1 has 90 days: at most 60 × 90 / 7 ≈ 771.4 hours for one person.
    assert reasons_of(world, [sr_line(hours="771"), sr_line(person_ref="P-2", hours="772")]) == ["", "hours_implausible"]


def test_hours_implausible_machine_24_per_day(world):
    assert reasons_of(world, [ze_line(hours="2160"), ze_line(machine_id="M-2", hours="2161")]) == ["", "hours_implausible"]


def test_bsn_suspected_is_masked_never_stored(world):
    world.contract().commitment()
    world.report("r.csv", [sr_line(person_ref="111222333")])
    run = world.run("2026-11-29")
    assert run.quarantine()["reasons"].to_list() == ["bsn_suspected"]
    for table in ("quarantine", "social_return_lines"):
        assert run.sql(f"SELECT count(*) AS n FROM {table} WHERE CAST(columns(*) AS VARCHAR) LIKE '%111222333%'")["n"][0] == 0


def test_nine_digits_failing_eleven_test_is_no_bsn(world):
    assert reasons_of(world, [sr_line(person_ref="123456789")]) == [""]


def test_duplicate_line_every_copy_after_the_first(world):
    assert reasons_of(world, [sr_line(), sr_line(), sr_line(), sr_line(person_ref="P-2")]) == ["", "duplicate_line", "duplicate_line", ""]


def test_several_reasons_are_joined(world):
    assert reasons_of(world, [sr_line(supplier_kvk="87654321", hours="-1")]) == ["supplier_mismatch;negative:hours"]


def test_quarantine_keeps_the_raw_record(world):
    world.contract().commitment()
    world.report("r.csv", [{**sr_line(hours="x"), "opmerking": "zie mail"}])
    raw = world.run("2026-11-29").quarantine()["raw"][0]
    assert '"hours":"x"' in raw and '"opmerking":"zie mail"' in raw


def test_social_enterprise_needs_amount_not_hours(world):
    lines = [sr_line(person_ref="", target_group="sociale_onderneming", hours="", amount_eur="3000"),
             sr_line(person_ref="", target_group="sociale_onderneming", hours="", amount_eur="")]
    assert reasons_of(world, lines) == ["", "missing:amount_eur"]


def test_rows_received_equals_accepted_plus_quarantined(world):
    world.contract().commitment()
    world.report("r.csv", [sr_line(), sr_line(hours="x"), sr_line(person_ref="P-2")])
    files = world.run("2026-11-29").submissions()
    assert files.select("rows_received", "rows_accepted", "rows_quarantined").row(0) == (3, 2, 1)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("kapot.xlsx", b"dit is geen excel", "unreadable"),
        ("onbekend.csv", b"contract_id,supplier_kvk,kleur\nC-1,12345678,rood\n", "unknown_report_type"),
        ("half.csv", b"contract_id,supplier_kvk,period,target_group\nC-1,12345678,2025-Q1,ww\n", "missing_columns"),
    ],
)
def test_refused_file_is_recorded_with_reason(world, name, data, reason):
    world.contract().commitment()
    world.report(name, data=data)
    run = world.run("2026-11-29")
    file = run.submissions().row(0, named=True)
    assert file["status"] == "refused" and file["refusal_reason"].startswith(reason)
    assert file["rows_received"] == file["rows_quarantined"] and file["rows_accepted"] == 0
    assert run.open_findings("data_quality").height == 1


def test_missing_columns_names_the_columns(world):
    world.contract().commitment()
    world.report("half.csv", text="contract_id,supplier_kvk,period,target_group\nC-1,12345678,2025-Q1,ww\n")
    assert world.run("2026-11-29").submissions()["refusal_reason"][0] == "missing_columns:person_ref,hours"


def test_header_only_file_is_accepted_and_reports_nothing(world):
    world.contract().commitment()
    world.report("leeg.csv", text="contract_id;supplier_kvk;period;person_ref;target_group;hours\n")
    file = world.run("2026-11-29").submissions().row(0, named=True)
    assert (file["status"], file["rows_received"]) == ("accepted", 0)


def test_a_bad_file_never_stops_the_night(world):
    world.contract().commitment()
    world.report("kapot.xlsx", data=b"\x00\x01")
    world.report("goed.csv", [sr_line()])
    run = world.run("2026-11-29")
    assert run.status()["achieved"] == 100


def test_bad_period_end_before_start_for_every_report_type(world):
    backwards = {"period_start": "2025-03-31", "period_end": "2025-01-01"}
    lines = [{**{k: v for k, v in make().items() if k != "period"}, **backwards} for make in (sr_line, rm_line, ze_line)]
    world.contract().commitment()
    for number, line in enumerate(lines):
        world.report(f"r{number}.csv", [line])
    assert world.run("2026-11-29").quarantine()["reasons"].to_list() == ["bad_period"] * 3


def _not_adding_up(world, run_id: str) -> list[str]:
    con = duckdb.connect(str(world.warehouse))
    try:
        con.execute("SET VARIABLE run_id = ?", [run_id])
        return [row[0] for row in con.sql(sql_text("accounting")).fetchall()]
    finally:
        con.close()


def test_received_equals_accepted_plus_quarantined_for_every_file_of_the_run(world):
    world.contract().commitment()
    world.report("a.csv", [sr_line(), sr_line(person_ref="P-2", hours="-1")])
    run = world.run("2026-11-29")
    assert _not_adding_up(world, run.run_id) == []
    con = duckdb.connect(str(world.warehouse))
    con.execute("DELETE FROM social_return_lines")  # a line lost after it was accepted
    con.close()
    assert _not_adding_up(world, run.run_id) == ["reports/a.csv"]
