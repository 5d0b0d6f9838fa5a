"""SPEC 1.2, 1.3, 1.5 and 2: the buyer's register is all valid, or the run stops naming file, row and problem."""
import duckdb
import pytest

from naleving import stages
from naleving.register import RegisterError, load_register
from world import sr_line


def problem(world, tmp_path=None) -> str:
    world.write_register()
    with pytest.raises(RegisterError) as raised:
        load_register(world.root)
    return str(raised.value)


def test_valid_register_loads_with_defaults(world):
    world.contract(supplier_kvk="1234567").commitment(metric="", target="5000")
    world.commitment(commitment_id="K-2", kind="Recycled_Material", metric="", target="30", scope="")
    world.write_register()
    register = load_register(world.root)
    contract = register.contracts.row(0, named=True)
    assert (contract["supplier_kvk"], contract["reporting_frequency"], contract["report_grace_days"], contract["block_table"]) == (
        "01234567", "quarterly", 30, "utrecht-2025")
    by_id = {r["commitment_id"]: r for r in register.commitments.iter_rows(named=True)}
    assert (by_id["K-1"]["metric"], by_id["K-1"]["trajectory"], by_id["K-1"]["tolerance_pct"]) == ("eur", "linear", 10.0)
    assert (by_id["K-2"]["kind"], by_id["K-2"]["metric"], by_id["K-2"]["scope"], by_id["K-2"]["tolerance_pct"]) == (
        "recycled_material", "percent", "all", 0.0)


def test_duplicate_contract_id_names_file_and_rows(world):
    world.contract().contract(title="nogmaals").commitment()
    message = problem(world)
    assert "contracts.csv, rij 2 (contract_id C-1): duplicate_id" in message and "contracts.csv, rij 3 (contract_id C-1): duplicate_id" in message


def test_missing_required_value_names_the_column(world):
    world.contract(buyer="").commitment()
    assert "contracts.csv, rij 2 (contract_id C-1): missing:buyer" in problem(world)


def test_unreadable_date_in_register(world):
    world.contract(end_date="eind 2026").commitment()
    assert "contracts.csv, rij 2 (contract_id C-1): bad_date:end_date" in problem(world)


def test_end_before_start(world):
    world.contract(start_date="2026-01-01", end_date="2025-01-01").commitment()
    assert "rij 2 (contract_id C-1): end_before_start" in problem(world)


def test_commitment_of_unknown_contract(world):
    world.contract().commitment(contract_id="C-9")
    assert "commitments.csv, rij 2 (commitment_id K-1): unknown_contract" in problem(world)


def test_unknown_kind(world):
    world.contract().commitment(kind="groene_stroom")
    assert "commitments.csv, rij 2 (commitment_id K-1): unknown_kind" in problem(world)


def test_metric_must_fit_kind(world):
    world.contract().commitment(kind="recycled_material", metric="hours")
    assert "metric_not_for_kind" in problem(world)


def test_target_or_target_pct_of_value_required(world):
    world.contract().commitment(metric="eur", target="")
    assert "missing_target" in problem(world)


def test_unknown_power_class(world):
    world.contract().commitment(kind="zero_emission_equipment", metric="percent", target="50", scope="20-40")
    assert "unknown_power_class" in problem(world)


def test_penalty_rules_need_their_amounts(world):
    world.contract().commitment(penalty_rule="per_unit").commitment(commitment_id="K-2", penalty_rule="fixed")
    message = problem(world)
    assert "rij 2 (commitment_id K-1): missing_penalty_rate_eur" in message and "rij 3 (commitment_id K-2): missing_penalty_amount_eur" in message


def test_unknown_block_table(world):
    world.contract(block_table="nergens-2025").commitment()
    assert "unknown_block_table" in problem(world)


def test_unreadable_register_file(world):
    world.contract().commitment()
    world.write_register()
    (world.root / "contracts.csv").unlink()
    (world.root / "contracts.xlsx").write_bytes(b"geen excel")
    with pytest.raises(RegisterError, match="contracts.xlsx: onleesbaar"):
        load_register(world.root)


def test_block_tables_csv_replaces_a_shipped_table_by_id(world):
    world.block_value("utrecht-2025", "participatiewet", "group", "18720")
    world.contract().commitment()
    world.write_register()
    values = load_register(world.root).block_values
    utrecht = values.filter(values["table_id"] == "utrecht-2025")
    assert utrecht.select("code", "value_eur_per_year").rows() == [("participatiewet", 18720.0)]


def test_invalid_register_stops_the_run_and_keeps_the_published_state(world):
    world.contract().commitment()
    world.report("r.csv", [sr_line()])
    first = world.run("2026-11-29")
    before = first.sql("SELECT * FROM commitment_status")
    world.contracts.append(dict(world.contracts[0]))  # a duplicate contract id
    world.report("r2.csv", [sr_line(period="2025-Q2")])
    with pytest.raises(RegisterError):
        world.run("2026-11-30")
    assert first.sql("SELECT * FROM commitment_status").equals(before)
    assert first.sql("SELECT count(*) AS n FROM submissions")["n"][0] == 1


def test_a_new_register_replaces_the_stored_one_row_for_row(world):
    world.contract().contract(contract_id="C-2").contract(contract_id="C-3").commitment()
    world.run("2026-11-29")
    world.contracts[1]["title"] = "Nieuwe omschrijving"  # changed
    del world.contracts[2]  # dropped
    world.contract(contract_id="C-4")  # added
    run = world.run("2026-11-30")
    world.write_register()
    register = load_register(world.root)
    stored = run.sql("SELECT * FROM contracts ORDER BY contract_id")
    assert stored.equals(register.contracts.select(stored.columns).sort("contract_id"))
    assert stored["contract_id"].to_list() == ["C-1", "C-2", "C-4"]


def test_an_unchanged_register_is_not_read_again(world, monkeypatch):
    world.contract().commitment()
    world.run("2026-11-29")
    reads = []
    monkeypatch.setattr(stages, "load_register", lambda data_dir: reads.append(data_dir) or load_register(data_dir))
    assert world.run("2026-11-30").sql("SELECT count(*) AS n FROM contracts")["n"][0] == 1
    assert reads == []  # the same files under the same code
    world.contract(contract_id="C-2")
    assert world.run("2026-12-01").sql("SELECT count(*) AS n FROM contracts")["n"][0] == 2
    assert len(reads) == 1
    with duckdb.connect(str(world.warehouse)) as con:  # another version of the code reads it again
        con.execute("UPDATE register_on_record SET code_version = 'eerder'")
    world.run("2026-12-02")
    assert len(reads) == 2
