"""The nightly job as Dagster runs it: definitions, CLI, idempotency, incremental intake."""
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from naleving import config, ingest, listing, stages, warehouse
from naleving.cli import main
from pipelines.definitions import defs
from pipelines.resources import Naleving
from pipelines.sensors import new_reports
from world import World, rm_line, sr_line

ROOT = Path(__file__).resolve().parents[1]
GRAPH_SNAPSHOT = ROOT / "tests" / "snapshots" / "asset_graph.txt"


def asset_graph() -> str:
    """Assets with their upstream assets, and checks with their asset: the shape reviewers should see change."""
    graph = defs.resolve_asset_graph()
    lines = [
        f"asset {key.to_user_string()} <- {', '.join(sorted(p.to_user_string() for p in graph.get(key).parent_keys)) or '-'}"
        for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string())
    ]
    lines += sorted(f"check {c.asset_key.to_user_string()}:{c.name}" for c in graph.asset_check_keys)
    return "\n".join(lines) + "\n"


def test_asset_graph_matches_snapshot():
    assert asset_graph() == GRAPH_SNAPSHOT.read_text(encoding="utf-8")


def test_definitions_validate_with_the_workspace():
    done = subprocess.run([str(Path(sys.executable).parent / "dagster"), "definitions", "validate", "-w", "workspace.yaml"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_schedule_runs_the_nightly_job_at_two_in_amsterdam():
    schedule = defs.resolve_schedule_def("nightly_schedule")
    assert (schedule.job_name, schedule.cron_schedule, schedule.execution_timezone) == ("nightly", "0 2 * * *", "Europe/Amsterdam")


def test_sensor_requests_a_run_when_files_land(world):
    world.contract().commitment()
    resource = Naleving(data_dir=str(world.root), warehouse=str(world.warehouse))
    with dg.build_sensor_context(cursor=None, resources={"naleving": resource}) as context:
        first = new_reports(context)
    assert len(first.run_requests) == 1
    with dg.build_sensor_context(cursor=first.cursor, resources={"naleving": resource}) as context:
        assert isinstance(new_reports(context), dg.SkipReason)
    world.report("nieuw.csv", [sr_line()])
    with dg.build_sensor_context(cursor=first.cursor, resources={"naleving": resource}) as context:
        assert len(new_reports(context).run_requests) == 1


def test_a_run_the_sensor_starts_lists_every_file(world):
    world.contract().commitment()
    resource = Naleving(data_dir=str(world.root), warehouse=str(world.warehouse))
    with dg.build_sensor_context(cursor=None, resources={"naleving": resource}) as context:
        request, = new_reports(context).run_requests
    assert request.run_config == {"resources": {"naleving": {"config": {"every_file": True}}}}
    assert dg.validate_run_config(defs.resolve_job_def("nightly"), request.run_config)["resources"]["naleving"]["config"]["every_file"]


def cli(world, as_of="2026-11-29") -> int:
    world.write_register()
    return main(["run", "--data", str(world.root), "--as-of", as_of, "--warehouse", str(world.warehouse)])


def tables(path: Path) -> dict[str, list]:
    """Every published table's content, without the run ledger and the run ids."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            "submissions": con.sql("SELECT * EXCLUDE (run_id) FROM submissions ORDER BY ALL").fetchall(),
            "quarantine": con.sql("SELECT * FROM quarantine ORDER BY ALL").fetchall(),
            "lines": con.sql("SELECT * FROM social_return_lines ORDER BY ALL").fetchall(),
            "latest_status": con.sql("""SELECT * EXCLUDE (run_id) FROM commitment_status
                WHERE run_id = (SELECT run_id FROM runs WHERE status = 'completed' ORDER BY started_at DESC LIMIT 1)
                ORDER BY ALL""").fetchall(),
            "findings": con.sql("SELECT * EXCLUDE (first_seen_run, last_seen_run) FROM findings ORDER BY ALL").fetchall(),
            "evidence": con.sql("SELECT * FROM finding_evidence ORDER BY ALL").fetchall(),
        }
    finally:
        con.close()


def test_cli_runs_the_job_and_prints_a_summary(world, capsys):
    world.contract().commitment()
    world.report("r.csv", [sr_line(), sr_line(hours="x", person_ref="P-2")])
    assert cli(world) == 0
    out = capsys.readouterr().out
    assert "Bestanden:        1 nieuw ontvangen — geaccepteerd (accepted) 1" in out
    assert "1 geaccepteerd, 1 in quarantaine (van 2 ontvangen)" in out
    assert "Toezeggingen:     1 — achter op schema (behind) 1" in out


def test_the_job_opens_the_warehouse_once_and_closes_it_when_it_ends(world, monkeypatch):
    world.contract().commitment()
    world.report("r.csv", [sr_line()])
    world.write_register()
    opened = []
    connect = warehouse.connect

    def counted(path):
        opened.append(path)
        return connect(path)
    monkeypatch.setattr(warehouse, "connect", counted)
    config = {"data_dir": str(world.root), "warehouse": str(world.warehouse), "as_of": "2026-11-29"}
    result = defs.resolve_job_def("nightly").execute_in_process(
        run_config={"resources": {"naleving": {"config": config}}}, instance=dg.DagsterInstance.ephemeral())
    assert result.success and opened == [str(world.warehouse)]
    with duckdb.connect(str(world.warehouse), read_only=True) as con:  # another configuration: only once closed
        assert con.sql("SELECT status FROM runs").fetchall() == [("completed",)]


@pytest.mark.parametrize("store_lines, checkpointed", [(2, True), (3, False)])
def test_an_intake_of_store_lines_or_more_checkpoints_the_lines_it_stored(world, monkeypatch, store_lines, checkpointed):
    # A big intake's transactions leave blocks to fall free at the next checkpoint; taken at
    # once, the evaluation's tables reuse them. What shows it: the log is folded into the file.
    monkeypatch.setattr(stages, "STORE_LINES", store_lines)
    world.contract().commitment()
    world.report("r.csv", [sr_line(person="P-1"), sr_line(person="P-2")])
    world.write_register()
    wal = Path(f"{world.warehouse}.wal")
    with warehouse.connect(world.warehouse) as con:
        stages.start_run(con, "r1", date(2026, 11, 30), world.root)
        stages.store_register(con, world.root, world.archive)
        con.execute("CHECKPOINT")
        stages.receive_files(con, world.root, "r1", world.archive)
        assert con.execute("SELECT count(*) FROM social_return_lines").fetchone()[0] == 2
        assert (not wal.exists() or wal.stat().st_size == 0) == checkpointed


def test_the_evaluation_and_the_findings_leave_no_temporary_tables_on_the_runs_connection(world):
    world.contract().commitment()
    world.report("r.csv", [sr_line()])
    world.report("rm.csv", [rm_line(recycled_tonnes="5", evidence_ref="")])
    world.write_register()
    temporary = "SELECT table_name FROM duckdb_tables() WHERE temporary"
    with warehouse.connect(world.warehouse) as con:
        stages.start_run(con, "r1", date(2026, 11, 30), world.root)
        stages.store_register(con, world.root, world.archive)
        stages.receive_files(con, world.root, "r1", world.archive)
        stages.evaluate(con, "r1", date(2026, 11, 30))
        assert con.execute(temporary).fetchall() == []
        stages.derive_findings(con, "r1", date(2026, 11, 30))
        assert con.execute(temporary).fetchall() == []
        assert con.execute("SELECT count(*) FROM findings").fetchone()[0] > 0


def test_the_findings_asset_shows_the_open_findings_first_by_severity(world, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(world.warehouse.parent / "dagster"))
    world.contract(end_date="2026-06-30").commitment()  # due and not met: breached
    world.report("rm.csv", [rm_line(recycled_tonnes="20", evidence_ref=""), rm_line(recycled_tonnes="5", evidence_ref="")])
    assert cli(world, as_of="2026-11-30") == 0
    with dg.DagsterInstance.get() as instance:
        shown = instance.get_latest_materialization_event(dg.AssetKey("findings")).asset_materialization.metadata
    with duckdb.connect(str(world.warehouse), read_only=True) as con:
        open_by_kind = dict(con.sql("SELECT kind, count(*) FROM findings WHERE status = 'open' GROUP BY kind").fetchall())
    assert set(open_by_kind) == {"commitment_breached", "report_overdue", "unsupported_claim"}
    assert (open_by_kind["commitment_breached"], open_by_kind["unsupported_claim"]) == (1, 2)
    assert shown["open"].value == sum(open_by_kind.values())
    assert {k: v.value for k, v in shown.items() if k.startswith("open_") and k != "open_findings"} == \
        {f"open_{kind}": n for kind, n in open_by_kind.items()}
    rows = shown["open_findings"].value.splitlines()[2:]
    assert rows[0].startswith("| high | commitment_breached |") and rows[-1].startswith("| low | unsupported_claim |")


def test_same_inputs_twice_change_nothing_but_the_run_ledger(world):
    world.contract().commitment()
    world.report("r.csv", [sr_line(), sr_line(hours="x", person_ref="P-2")])
    assert cli(world) == 0
    first = tables(world.warehouse)
    assert cli(world) == 0
    assert tables(world.warehouse) == first
    con = duckdb.connect(str(world.warehouse), read_only=True)
    assert con.sql("SELECT count(*) FROM runs WHERE status = 'completed'").fetchone()[0] == 2
    con.close()


def test_cli_with_a_broken_register_exits_non_zero_naming_file_and_row(world, capsys):
    world.contract().contract().commitment()
    assert cli(world) == 1
    err = capsys.readouterr().err
    assert "contracts.csv, rij 3 (contract_id C-1): duplicate_id" in err and "niet voltooid" in err
    con = duckdb.connect(str(world.warehouse), read_only=True)
    assert con.sql("SELECT status FROM runs").fetchall() == [("failed",)]
    con.close()


def test_a_file_already_received_is_never_read_again(world):
    world.contract().commitment()
    world.report("r.csv", [sr_line()])
    world.run("2026-11-29")
    second = world.run("2026-11-30")
    assert second.sql("SELECT count(*) AS n FROM submissions WHERE run_id = ?", second.run_id)["n"][0] == 0
    assert second.sql("SELECT count(*) AS n FROM social_return_lines")["n"][0] == 1


def test_byte_identical_file_is_a_duplicate_not_read_again(world):
    world.contract().commitment()
    world.report("r.csv", [sr_line()])
    world.report("r2.csv", [sr_line()])
    run = world.run("2026-11-29")
    files = run.submissions().select("file_name", "status", "rows_received").rows()
    assert files == [("reports/r.csv", "accepted", 1), ("reports/r2.csv", "duplicate", 0)]
    assert run.status()["achieved"] == 100


def test_a_changed_file_under_the_same_name_is_a_new_submission(world):
    world.contract().commitment()
    world.report("r.csv", [sr_line(submitted_at="2025-04-10")])
    world.run("2026-11-29")
    world.report("r.csv", [sr_line(hours="250", submitted_at="2025-04-20")])
    run = world.run("2026-11-30")
    assert run.submissions().height == 2
    assert run.status()["achieved"] == 250


def test_correction_supersedes_and_keeps_replaced_lines(world):
    world.contract().commitment()
    world.report("a.csv", [sr_line(period="2025-Q4", submitted_at="2026-01-20")])
    world.report("b.csv", [sr_line(period="2025-Q4", hours="300", submitted_at="2026-02-15")])
    run = world.run("2026-11-29")
    assert run.status()["achieved"] == 300
    marked = run.sql("""SELECT s.file_name, l.superseded FROM social_return_lines_marked l
                        JOIN submissions s USING (submission_id) ORDER BY 1""").rows()
    assert marked == [("reports/a.csv", True), ("reports/b.csv", False)]


def test_cli_with_a_relative_warehouse_path_writes_data_docs_there(world, monkeypatch):
    world.contract().commitment()
    monkeypatch.chdir(world.root.parent)
    world.write_register()
    ahead, listed_ahead = [], listing.listed_ahead
    monkeypatch.setattr(listing, "listed_ahead", lambda data: ahead.append(data) or listed_ahead(data))
    assert main(["run", "--data", world.root.name, "--as-of", "2026-11-29", "--warehouse", "state/naleving.duckdb"]) == 0
    assert (world.root.parent / "state" / "gx_docs" / "commitment_status" / "index.html").is_file()
    assert ahead == [Path(world.root.name)]  # a first run lists every file, ahead


def test_a_night_with_only_refused_and_duplicate_files(world):
    world.contract().commitment()
    world.report("r.csv", [sr_line()])
    world.run("2026-11-29")
    world.report("kopie.csv", [sr_line()])
    world.report("kapot.xlsx", data=b"kapot")
    run = world.run("2026-11-30")
    assert run.submissions().select("file_name", "status").rows() == [
        ("reports/kapot.xlsx", "refused"), ("reports/kopie.csv", "duplicate"), ("reports/r.csv", "accepted")]


def _age(path, seconds_ago: int = 3600) -> None:
    then = time.time() - seconds_ago
    os.utime(path, (then, then))


def test_a_file_on_record_by_name_size_and_time_is_not_opened_again(world):
    world.contract().commitment()
    path = world.report("r.csv", [sr_line(hours="100")])
    _age(path)
    world.run("2026-11-29")
    mtime = path.stat().st_mtime_ns
    world.report("r.csv", [sr_line(hours="250")])  # same size; the old time put back
    os.utime(path, ns=(mtime, mtime))
    second = world.run("2026-11-30")
    assert second.submissions().height == 1
    assert second.status()["achieved"] == 100


def test_a_file_on_record_is_opened_again_when_its_time_changes(world):
    world.contract().commitment()
    path = world.report("r.csv", [sr_line(hours="100", submitted_at="2025-04-10")])
    _age(path, 7200)
    world.run("2026-11-29")
    world.report("r.csv", [sr_line(hours="250", submitted_at="2025-04-20")])
    _age(path)
    second = world.run("2026-11-30")
    assert second.submissions().height == 2
    assert second.status()["achieved"] == 250


def test_a_file_touched_without_change_is_not_a_new_submission(world):
    world.contract().commitment()
    path = world.report("r.csv", [sr_line()])
    _age(path, 7200)
    world.run("2026-11-29")
    _age(path)
    second = world.run("2026-11-30")
    assert second.submissions().height == 1
    assert second.sql("SELECT count(*) AS n FROM files_on_record")["n"][0] == 1


def _age_tree(root, seconds_ago: int = 3600) -> None:
    """Every file and folder under root as if written a while ago, their times settled."""
    for folder, _, files in os.walk(root):
        for name in files:
            _age(os.path.join(folder, name), seconds_ago)
        _age(folder, seconds_ago)


def _rewritten_in_place(world):
    """A night's report, then the same file written over in place with other hours: its folder keeps its time."""
    world.contract().commitment()
    path = world.report("2025/r.csv", [sr_line(hours="100", submitted_at="2025-04-10")])
    _age_tree(world.root / "reports", 7200)
    world.run("2026-11-29")
    world.report("2025/r.csv", [sr_line(hours="250", submitted_at="2025-04-20")])
    _age(path)


def test_a_night_lists_only_the_folders_whose_time_changed(world):
    _rewritten_in_place(world)
    world.report("2026/nieuw.csv", [sr_line(period="2025-Q3", hours="10")])  # a new folder: reports/ changes
    _age_tree(world.root / "reports" / "2026")
    run = world.run("2026-11-30")
    assert run.submissions().select("file_name").to_series().to_list() == ["reports/2025/r.csv", "reports/2026/nieuw.csv"]
    assert run.status()["achieved"] == 110
    assert world.run("2026-12-01", every_file=True).status()["achieved"] == 260


def test_every_file_is_listed_again_a_week_after_the_last_full_listing(world, monkeypatch):
    _rewritten_in_place(world)
    now = config.now()
    monkeypatch.setattr(config, "now", lambda: now + timedelta(days=6, hours=23))
    assert world.run("2026-11-30").status()["achieved"] == 100
    monkeypatch.setattr(config, "now", lambda: now + timedelta(days=7, minutes=1))
    assert world.run("2026-12-01").status()["achieved"] == 250


def test_cli_lists_every_file_when_asked_and_then_ahead(world, monkeypatch):
    _rewritten_in_place(world)
    ahead, listed_ahead = [], listing.listed_ahead
    monkeypatch.setattr(listing, "listed_ahead", lambda data: ahead.append(data) or listed_ahead(data))
    cli = ["run", "--data", str(world.root), "--as-of", "2026-11-30", "--warehouse", str(world.warehouse)]
    assert main([*cli, "--alle-bestanden"]) == 0 and ahead == [world.root]
    con = duckdb.connect(str(world.warehouse), read_only=True)
    assert con.sql("SELECT count(*) FROM submissions").fetchone() == (2,)
    con.close()
    assert main(cli) == 0 and ahead == [world.root]  # a night of changed folders only


def test_a_night_cut_short_lists_its_changed_folders_again(world, monkeypatch):
    world.contract().commitment()
    world.report("2025/r.csv", [sr_line(hours="100")])
    _age_tree(world.root / "reports", 7200)
    world.run("2026-11-29")
    world.report("2025/later.csv", [sr_line(period="2025-Q3", hours="10")])
    _age_tree(world.root / "reports")

    def fails(*args):
        raise OSError("schijf vol")
    with monkeypatch.context() as patched:
        patched.setattr(stages, "rank_report_groups", fails)
        with pytest.raises(OSError):
            world.run("2026-11-30")
    assert world.run("2026-11-30").status()["achieved"] == 110


def test_files_taken_in_batches_give_the_same_outcome_as_one_batch(tmp_path, monkeypatch):
    outcomes = []
    for batch_lines, read_chunk, store_lines in ((1, 1, 1), (1_000_000, 64, 1_000_000)):  # a batch per file; all in one
        monkeypatch.setattr(ingest, "BATCH_LINES", batch_lines)
        monkeypatch.setattr(ingest, "READ_CHUNK", read_chunk)
        monkeypatch.setattr(stages, "STORE_LINES", store_lines)
        world = World(tmp_path / f"batch-{batch_lines}")
        world.contract().commitment()
        world.report("a.csv", [sr_line(), sr_line(person_ref="P-2", hours="-1")])
        world.report("b.csv", [sr_line(period="2025-Q3"), sr_line(period="2025-Q3")])
        world.report("c.csv", text="contract_id,target_group\nC-1,ww\n")
        run = world.run("2026-11-29")
        outcomes.append((
            run.submissions().select("file_name", "status", "rows_received", "rows_accepted", "rows_quarantined").rows(),
            run.quarantine().select("source_row", "reasons").sort("source_row", "reasons").rows(),
            run.status()["achieved"],
        ))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0][1] == ("reports/b.csv", "accepted", 2, 1, 1)


def test_a_run_cut_short_keeps_the_transactions_it_committed(world, monkeypatch):
    monkeypatch.setattr(ingest, "BATCH_LINES", 1)
    monkeypatch.setattr(ingest, "READ_CHUNK", 1)
    monkeypatch.setattr(stages, "STORE_LINES", 1)  # a transaction per file
    world.contract().commitment()
    world.report("a.csv", [sr_line(hours="100")])
    world.report("b.csv", [sr_line(period="2025-Q2", hours="50")])
    store, stored = stages._store, []

    def cut_short_at_the_second(con, batch, received_at):
        if stored:
            raise KeyboardInterrupt
        stored.append(store(con, batch, received_at))
    monkeypatch.setattr(stages, "_store", cut_short_at_the_second)
    with pytest.raises(KeyboardInterrupt):
        world.run("2026-11-29")
    monkeypatch.setattr(stages, "_store", store)
    kept = duckdb.connect(str(world.warehouse), read_only=True)
    assert kept.sql("SELECT file_name FROM submissions").fetchall() == [("reports/a.csv",)]
    assert kept.sql("SELECT count(*) FROM social_return_lines").fetchall() == [(1,)]
    kept.close()
    run = world.run("2026-11-30")  # takes in the rest
    assert run.submissions()["file_name"].to_list() == ["reports/a.csv", "reports/b.csv"]
    assert run.status()["achieved"] == 150


def test_a_run_cut_short_before_ranking_leaves_its_report_groups_to_the_next(world, monkeypatch):
    world.contract().commitment()
    world.report("a.csv", [sr_line(submitted_at="2025-04-10")])
    world.run("2026-11-29")
    world.report("b.csv", [sr_line(hours="150", submitted_at="2025-04-20")])  # the same group, later: replaces a.csv

    def cut_short(con):
        raise KeyboardInterrupt
    monkeypatch.setattr(stages, "rank_report_groups", cut_short)
    with pytest.raises(KeyboardInterrupt):
        world.run("2026-11-30")
    monkeypatch.undo()
    run = world.run("2026-12-01")  # no new files: it ranks what the run before stored
    assert run.sql("SELECT file_name, superseded FROM report_groups ORDER BY file_name").rows() == [
        ("reports/a.csv", True), ("reports/b.csv", False)]
    assert run.status()["achieved"] == 150


def test_only_the_ranked_keys_of_evaluated_contracts_wait_for_the_next_evaluation(world, monkeypatch):
    world.contract().commitment()
    world.report("a.csv", [sr_line(hours="100")])
    world.run("2026-11-29")
    world.contract(contract_id="C-2").commitment(commitment_id="C-2-SR1", contract_id="C-2")  # new in the register
    world.report("b.csv", [sr_line(period="2025-Q2", hours="50"), sr_line(contract_id="C-2", hours="70")])
    waiting = []
    evaluate = stages.evaluate

    def look_first(con, run_id, as_of):
        waiting.extend(con.sql("SELECT contract_id, period_start FROM unevaluated_group_keys").fetchall())
        return evaluate(con, run_id, as_of)
    monkeypatch.setattr(stages, "evaluate", look_first)
    run = world.run("2026-11-30")
    # C-2 is evaluated whole as a contract never evaluated, without its keys
    assert waiting == [("C-1", date(2025, 4, 1))]
    assert (run.status()["achieved"], run.status("C-2-SR1")["achieved"]) == (150, 70)


def test_the_catalog_is_built_again_only_when_the_code_version_changes(world):
    world.contract().commitment()
    world.run("2026-11-29")
    con = duckdb.connect(str(world.warehouse))
    con.execute("DROP VIEW commitment_lines")
    con.close()
    with warehouse.connect(world.warehouse) as con:  # the same code: the catalog is taken as it is
        assert not con.sql("SELECT * FROM duckdb_views() WHERE view_name = 'commitment_lines'").fetchall()
        con.execute("UPDATE catalog_on_record SET code_version = 'an earlier version'")
    with warehouse.connect(world.warehouse) as con:
        assert con.sql("SELECT * FROM duckdb_views() WHERE view_name = 'commitment_lines'").fetchall()
        assert con.sql("SELECT * FROM catalog_on_record").fetchall() == [(config.code_version(),)]


def test_a_warehouse_of_the_earlier_version_is_brought_up_to_date(world):
    world.contract().commitment()
    world.report("a.csv", [sr_line(submitted_at="2025-04-10")])
    world.report("b.csv", [sr_line(hours="150", submitted_at="2025-04-20")])
    world.report("rm.csv", [rm_line(), rm_line(recycled_tonnes="20", evidence_ref="")])
    world.run("2026-11-29")
    groups = "SELECT * FROM report_groups ORDER BY file_name"
    con = duckdb.connect(str(world.warehouse))
    before = con.sql(groups).fetchall()
    evidence = con.sql("SELECT * FROM finding_evidence ORDER BY ALL").fetchall()
    claims = con.sql("SELECT * FROM unsupported_claim_lines").fetchall()
    con.execute("DROP TABLE unsupported_claim_lines")  # claims were found among all recycled lines
    for former_view in ("report_groups", "social_return_valued"):  # views in the earlier version
        con.execute(f"DROP TABLE {former_view}")
        con.execute(f"CREATE VIEW {former_view} AS SELECT 1 AS x")
    con.execute("DROP TABLE catalog_on_record")  # not kept yet: every connection built the catalog
    con.execute("DROP VIEW finding_evidence")  # a table holding the counted lines too
    con.execute("ALTER TABLE stored_evidence RENAME TO finding_evidence")
    con.execute("INSERT INTO finding_evidence SELECT * FROM (VALUES ('f', 'r.csv', 'sha', 2, 'geteld'))")
    con.execute("DROP VIEW counted_lines")  # a table rewritten every run
    con.execute("CREATE TABLE counted_lines AS SELECT 1 AS x")
    con.execute("CREATE TABLE unpublished_contracts (contract_id VARCHAR PRIMARY KEY)")  # snapshots wrote contracts whole
    con.execute("DROP TABLE changed_contracts")
    con.execute("CREATE TABLE changed_contracts (contract_id VARCHAR PRIMARY KEY)")  # emptied slowly
    # every line read, kept until validation; one file read but not validated yet
    con.execute("CREATE TABLE raw_records (submission_id VARCHAR, source_row BIGINT, decimal_comma BOOLEAN, raw VARCHAR)")
    con.execute("INSERT INTO raw_records SELECT submission_id, 2, false, '{}' FROM submissions")
    con.execute("""INSERT INTO submissions (submission_id, file_name, file_sha256, received_at, report_type, status,
                   rows_received, rows_accepted, rows_quarantined, run_id)
                   SELECT 'w', 'reports/w.csv', 'sha-w', now(), 'social_return', 'received', 1, 0, 0, run_id FROM runs""")
    con.execute("INSERT INTO files_on_record VALUES ('reports/w.csv', 1, 1, 'sha-w')")
    kept = {t: con.sql(f"SELECT * FROM {t} WHERE file_name <> 'reports/w.csv' ORDER BY ALL").fetchall()
            for t in ("submissions", "files_on_record")}
    con.execute("ALTER TABLE submissions ADD PRIMARY KEY (submission_id)")  # keyed, their index written at every checkpoint
    con.execute("ALTER TABLE files_on_record ADD PRIMARY KEY (file_name)")
    lines = con.sql("SELECT * FROM social_return_lines ORDER BY ALL").fetchall()
    for table in ("social_return_lines", "line_contributions"):  # no arrival kept
        con.execute(f"ALTER TABLE {table} DROP COLUMN received_at")
    con.execute("ALTER TABLE social_return_lines ADD COLUMN raw VARCHAR DEFAULT '{}'")  # each line's record as read
    con.execute("ALTER TABLE line_contributions ADD COLUMN amount DOUBLE")  # social-return lines counted per commitment
    con.execute("""INSERT INTO line_contributions BY NAME SELECT l.contract_id, m.commitment_id, l.submission_id,
                   l.source_row, l.period_end, l.hours AS amount FROM social_return_lines l JOIN commitments m USING (contract_id)""")
    con.close()
    with warehouse.connect(world.warehouse) as con:
        assert con.sql("SELECT * FROM social_return_lines ORDER BY ALL").fetchall() == lines  # without raw, arrival back
        assert con.sql("SELECT is_nullable FROM duckdb_columns() WHERE table_name = 'social_return_lines' "
                       "AND column_name = 'received_at'").fetchall() == [(False,)]
        assert con.sql(groups).fetchall() == before
        assert con.sql("SELECT * FROM unsupported_claim_lines").fetchall() == claims
        assert [(row[1], row[-2]) for row in claims] == [(3, None)]  # source_row, evidence_ref: the one without
        assert not con.sql("SELECT * FROM submissions WHERE file_name = 'reports/w.csv'").fetchall()  # to be read again
        assert not con.sql("SELECT * FROM files_on_record WHERE file_name = 'reports/w.csv'").fetchall()
        assert not con.sql("SELECT * FROM duckdb_tables() WHERE table_name IN ('raw_records', 'unpublished_contracts')").fetchall()
        assert not con.sql("SELECT * FROM duckdb_constraints() WHERE table_name IN "
                           "('changed_contracts', 'submissions', 'files_on_record') AND constraint_type = 'PRIMARY KEY'").fetchall()
        assert {t: con.sql(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in kept} == kept
        assert con.sql("SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'submissions' "
                       "AND constraint_type = 'NOT NULL'").fetchone() == (9,)
        assert not con.sql("SELECT * FROM duckdb_tables() WHERE table_name LIKE 'keyed_%'").fetchall()
        assert not con.sql("SELECT * FROM line_contributions").fetchall()  # no share commitments here
        assert not con.sql("SELECT * FROM evaluated_contracts").fetchall()  # every contract evaluated anew
    assert [row[-1] for row in before] == [True, False, False]  # b.csv supersedes a.csv; rm.csv has its own group
    again = world.run("2026-11-29")
    assert again.sql("SELECT * FROM finding_evidence ORDER BY ALL").rows() == evidence
    world.report("w.csv", [sr_line(hours="12,5", submitted_at="2025-04-25")])
    assert world.run("2026-11-30").status()["achieved"] == 12.5  # w.csv read, validated, superseding b.csv


def test_a_warehouse_without_person_totals_sums_its_valued_lines_when_upgraded(world):
    world.contract().commitment()
    world.report("a.csv", [sr_line(period=p, hours="1000") for p in ("2025-H1", "2025-H2", "2026-H1")])
    world.run("2026-12-31")
    con = duckdb.connect(str(world.warehouse))
    con.execute("DROP TABLE person_totals")  # an earlier version read every valued line of a touched person
    con.execute("ALTER TABLE valuation_starts DROP COLUMN last_start_before")
    con.execute("UPDATE catalog_on_record SET code_version = 'an earlier version'")
    con.close()
    with warehouse.connect(world.warehouse) as con:
        assert con.sql("SELECT person_ref, hours, last_start FROM person_totals").fetchall() == [
            ("P-1", 3000, date(2026, 1, 1))]
    world.report("b.csv", [sr_line(period="2026-H2", hours="1000")])
    run = world.run("2026-12-31")
    assert run.sql("SELECT hours_before, last_start_before::VARCHAR FROM valuation_starts").rows() == [
        (3000, "2026-01-01")]
    assert run.status()["achieved"] == 3744


def test_a_warehouse_without_commitment_totals_sums_its_file_totals_when_upgraded(world):
    world.contract().commitment()
    world.report("a.csv", [sr_line(period=p, hours="1000") for p in ("2025-H1", "2025-H2", "2026-H1")])
    world.run("2025-12-31")
    con = duckdb.connect(str(world.warehouse))
    con.execute("DROP TABLE commitment_totals")  # an earlier version summed every file's totals each night
    con.execute("UPDATE catalog_on_record SET code_version = 'an earlier version'")
    con.close()
    with warehouse.connect(world.warehouse) as con:
        assert con.sql("SELECT commitment_id, files, amount::DOUBLE FROM commitment_totals").fetchall() == [("K-1", 2, 2000)]
        assert con.sql("SELECT view_name FROM duckdb_views() WHERE temporary AND NOT internal").fetchall() == []
    assert world.run("2026-06-30").status()["achieved"] == 3000


def test_person_totals_without_the_key_people_are_looked_up_by_are_summed_again_when_upgraded(world):
    world.contract().commitment()
    world.report("a.csv", [sr_line(period=p, hours="1000") for p in ("2025-H1", "2025-H2", "2026-H1")])
    world.run("2026-12-31")
    con = duckdb.connect(str(world.warehouse))
    con.execute("ALTER TABLE person_totals DROP COLUMN person_key")  # an earlier version looked people up by name
    con.execute("UPDATE person_totals SET hours = 0")  # not kept: summed again from the valued lines
    con.execute("UPDATE catalog_on_record SET code_version = 'an earlier version'")
    con.close()
    with warehouse.connect(world.warehouse) as con:
        assert con.sql("SELECT person_ref, hours, person_key = person_key(contract_id, person_ref) FROM person_totals").fetchall() == [
            ("P-1", 3000, True)]
    world.report("b.csv", [sr_line(period="2026-H2", hours="1000")])
    run = world.run("2026-12-31")
    assert run.sql("SELECT hours_before FROM valuation_starts").rows() == [(3000,)]  # found by its key
    assert run.status()["achieved"] == 3744
