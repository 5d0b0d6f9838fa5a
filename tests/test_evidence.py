"""Evidence the audit service can trust: snapshots, their hash chain, the archive, verify."""
import hashlib
import json
import os
import shutil
import stat
import zipfile
from pathlib import Path

import duckdb
import polars as pl
import pytest

from naleving import snapshots
from naleving.archive import Archive
from naleving.cli import main
from naleving.verify import verify
from world import Run, World, rm_line, sr_line


@pytest.fixture
def two_nights(world: World) -> World:
    """Two runs: a report, then a correction and a bad file the next night."""
    world.contract().commitment()
    world.commitment(commitment_id="K-2", kind="recycled_material", metric="percent", target="30")
    world.report("r.csv", [sr_line(submitted_at="2025-04-10"), sr_line(person_ref="111222333")])
    world.report("m.csv", [rm_line(evidence_ref="")])
    world.run("2026-11-29")
    world.report("r-correctie.csv", [sr_line(hours="150", submitted_at="2025-04-20")])
    world.report("kapot.xlsx", data=b"kapot")
    world.run("2026-11-30")
    return world


def state(world: World) -> Path:
    return world.warehouse.parent


def chain(world: World) -> list[snapshots.Snapshot]:
    return snapshots.snapshots(state(world) / "snapshots")


def problems(world: World) -> list[str]:
    return verify(state(world)).problems


def test_each_run_publishes_a_snapshot_with_a_manifest_of_hashes(two_nights):
    first, second = chain(two_nights)
    manifest = second.manifest()
    assert (manifest["sequence"], manifest["as_of"]) == (2, "2026-11-30")
    assert set(manifest["tables"]) == set(snapshots.TABLES)
    assert {name for names in manifest["tables"].values() for name in names} <= set(manifest["files"])
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((second.path / name).read_bytes()).hexdigest() == entry["sha256"]
        assert pl.read_parquet(second.path / name).height == entry["rows"]
    assert manifest["code_version"] and manifest["rule_version"]


def test_a_night_writes_only_its_new_lines_and_links_the_earlier_parts(two_nights):
    first, second = chain(two_nights)
    assert first.tables()["social_return_lines"] == ["social_return_lines-000001.parquet"]
    earlier, new = second.files("social_return_lines")
    assert earlier.name == "social_return_lines-000001.parquet"
    assert earlier.stat().st_ino == (first.path / earlier.name).stat().st_ino  # the same file, not a copy
    assert pl.read_parquet(new)["hours"].to_list() == [150.0]  # only the correction of the second night
    assert second.read("submissions").height == 4 and pl.read_parquet(second.files("submissions")[-1]).height == 2


def test_a_night_hashes_only_the_files_it_writes(world, monkeypatch):
    world.contract().commitment()
    world.report("r.csv", [sr_line(submitted_at="2025-04-10")])
    world.run("2026-11-29")
    world.report("r-correctie.csv", [sr_line(hours="150", submitted_at="2025-04-20")])
    hashed = []
    monkeypatch.setattr(snapshots, "sha256_file", lambda path: hashed.append(path.name) or "0" * 64)
    world.run("2026-11-30")
    first, second = chain(world)
    linked = {name for name in second.manifest()["files"] if name.endswith("-000001.parquet")}
    assert "social_return_lines-000001.parquet" in linked and "social_return_lines-000002.parquet" in hashed
    assert linked.isdisjoint(hashed)
    assert all(second.manifest()["files"][name] == first.manifest()["files"][name] for name in linked)


def test_after_a_snapshot_of_an_earlier_format_the_next_writes_its_tables_whole(world, monkeypatch):
    world.contract().commitment()
    world.report("r.csv", [sr_line(submitted_at="2025-04-10")])
    monkeypatch.setattr(snapshots, "FORMAT", "naleving-evidence/earlier")  # its parts may hold other columns
    world.run("2026-11-29")
    monkeypatch.undo()
    world.report("r-correctie.csv", [sr_line(hours="150", submitted_at="2025-04-20")])
    world.run("2026-11-30")
    first, second = chain(world)
    assert second.tables()["social_return_lines"] == ["social_return_lines-000002.parquet"]  # nothing linked
    lines = second.read("social_return_lines")
    assert lines.height == 2 and lines.filter(~pl.col("superseded"))["hours"].to_list() == [150.0]
    assert verify(state(world)).problems == []


def test_a_snapshot_writes_only_the_files_whose_rows_were_computed_anew(world):
    world.contract().contract(contract_id="C-2").commitment().commitment(commitment_id="K-2", contract_id="C-2")
    world.report("c1.csv", [sr_line()])
    world.report("c2.csv", [sr_line(contract_id="C-2", hours="70")])
    world.run("2026-11-29")
    world.report("c1-q2.csv", [sr_line(period="2025-Q2", hours="50")])
    second = world.run("2026-11-30")
    first, latest = chain(world)
    assert first.tables()["social_return_valued"] == ["social_return_valued-000001.parquet"]
    earlier, new = latest.files("social_return_valued")
    assert earlier.stat().st_ino == (first.path / earlier.name).stat().st_ino
    assert pl.read_parquet(new)["hours"].to_list() == [50.0]  # only the new file's line, valued after c1.csv's
    files = dict(second.sql("SELECT file_name, submission_id FROM submissions").rows())
    assert sorted(latest.read("file_parts").select("submission_id", "sequence").rows()) == sorted(
        [(files["reports/c1.csv"], 1), (files["reports/c2.csv"], 1), (files["reports/c1-q2.csv"], 2)])
    published = latest.read("commitment_lines").sort("amount")
    assert published["amount"].to_list() == [50.0, 70.0, 100.0]
    assert published.drop("run_id").sort("amount").equals(
        second.sql("SELECT * EXCLUDE (run_id) FROM counted_lines").sort("amount"))


def test_a_contract_gone_from_the_register_takes_its_files_rows_out_of_the_next_snapshot(world):
    world.contract().contract(contract_id="C-2").commitment().commitment(commitment_id="K-2", contract_id="C-2")
    world.commitment(commitment_id="K-3", contract_id="C-2", kind="recycled_material", metric="percent", target="30")
    world.report("c1.csv", [sr_line()])
    world.report("c2.csv", [sr_line(contract_id="C-2", hours="70")])
    world.report("m2.csv", [rm_line(contract_id="C-2")])
    world.run("2026-11-29")
    world.contracts.pop()
    world.commitments = world.commitments[:1]
    second = world.run("2026-11-30")
    latest = chain(world)[-1]
    assert latest.read("social_return_valued")["contract_id"].to_list() == ["C-1"]
    assert latest.read("line_contributions").height == 0
    assert second.sql("SELECT contract_id FROM social_return_valued UNION ALL SELECT contract_id FROM line_contributions") \
        ["contract_id"].to_list() == ["C-1"]


def test_a_snapshot_after_a_correction_holds_the_lines_valued_again_in_other_files(world):
    world.contract().commitment()
    world.report("a.csv", [sr_line(period="2025-H1", hours="1000", submitted_at="2025-07-05")])
    world.report("c.csv", [sr_line(period=p, hours="1000", submitted_at="2027-01-05")
                           for p in ("2025-H2", "2026-H1", "2026-H2")])
    world.run("2027-01-31")
    world.report("b.csv", [sr_line(period="2026-H1", hours="200", submitted_at="2027-01-20")])
    second = world.run("2027-01-31")
    first, latest = chain(world)
    new = pl.read_parquet(latest.files("social_return_valued")[-1])
    assert sorted(new["hours"].to_list()) == [200.0, 1000.0, 1000.0]  # b.csv, and c.csv's other lines valued again
    valued = "SELECT submission_id, source_row, hours_before, counted_hours FROM social_return_valued ORDER BY ALL"
    assert latest.read("social_return_valued").select("submission_id", "source_row", "hours_before", "counted_hours") \
        .sort(pl.all()).rows() == second.sql(valued).rows()


def _nights_with_a_failed_publication(world: World, monkeypatch, failing: str) -> Run:
    """Three nights, the second's publication cut short where `failing` (os.rename of the
    staging folder, os.replace of LATEST) would land it; the third completes."""
    world.contract().commitment()
    world.report("a.csv", [sr_line(submitted_at="2025-04-10")])
    world.run("2026-11-29")
    world.report("b.csv", [sr_line(period="2025-Q2", hours="50")])
    real = getattr(os, failing)

    def cut_short(source, target):
        if failing == "rename" and ".staging-" in str(source) or failing == "replace" and Path(target).name == "LATEST":
            raise OSError("de stroom viel uit")
        return real(source, target)

    monkeypatch.setattr(os, failing, cut_short)
    with pytest.raises(OSError):
        world.run("2026-11-30")
    monkeypatch.undo()
    world.report("c.csv", [sr_line(period="2025-Q3", hours="70")])
    return world.run("2026-12-01")


def _published_whole_and_once(world: World, last: Run) -> snapshots.Snapshot:
    """The latest snapshot holds each file once and each file's valued lines as the warehouse does."""
    latest = chain(world)[-1]
    assert sorted(latest.read("submissions")["file_name"]) == ["reports/a.csv", "reports/b.csv", "reports/c.csv"]
    valued = "SELECT submission_id, source_row, hours, counted_hours FROM social_return_valued ORDER BY ALL"
    assert latest.read("social_return_valued").select("submission_id", "source_row", "hours", "counted_hours") \
        .sort(pl.all()).rows() == last.sql(valued).rows()
    assert verify(state(world)).problems == []
    return latest


def test_a_snapshot_that_never_landed_is_written_by_the_next_under_its_sequence(world, monkeypatch):
    latest = _published_whole_and_once(world, _nights_with_a_failed_publication(world, monkeypatch, "rename"))
    assert [s.sequence for s in chain(world)] == [1, 2]
    assert sorted(latest.read("file_parts")["sequence"].to_list()) == [1, 2, 2]  # b.csv's rows too


def test_a_snapshot_that_landed_before_its_run_failed_is_not_published_again(world, monkeypatch):
    latest = _published_whole_and_once(world, _nights_with_a_failed_publication(world, monkeypatch, "replace"))
    assert [s.sequence for s in chain(world)] == [1, 2, 3]
    assert pl.read_parquet(latest.files("submissions")[-1])["file_name"].to_list() == ["reports/c.csv"]


def test_an_index_the_warehouse_does_not_hold_is_read_from_the_last_snapshot(world):
    world.contract().commitment()
    world.report("a.csv", [sr_line(submitted_at="2025-04-10")])
    world.report("b.csv", [sr_line(period="2025-Q2", hours="50")])
    world.run("2026-11-29")
    with duckdb.connect(str(world.warehouse)) as con:  # as a warehouse from before the index was kept
        con.execute("DELETE FROM part_index; DELETE FROM part_index_sequence")
    world.report("c.csv", [sr_line(period="2025-Q3", hours="70")])
    files = dict(world.run("2026-12-01").sql("SELECT file_name, submission_id FROM submissions").rows())
    assert sorted(chain(world)[-1].read("file_parts").select("submission_id", "sequence").rows()) == sorted(
        [(files["reports/a.csv"], 1), (files["reports/b.csv"], 1), (files["reports/c.csv"], 2)])


def test_manifests_form_a_hash_chain(two_nights):
    first, second = chain(two_nights)
    assert first.manifest()["previous_manifest_sha256"] is None
    assert second.manifest()["previous_manifest_sha256"] == hashlib.sha256(first.manifest_path.read_bytes()).hexdigest()


def test_a_published_snapshot_is_never_rewritten(two_nights):
    first = chain(two_nights)[0]
    before = {p.name: p.read_bytes() for p in first.path.iterdir()}
    two_nights.run("2026-12-01")
    assert {p.name: p.read_bytes() for p in first.path.iterdir()} == before
    assert all(not (p.stat().st_mode & stat.S_IWUSR) for p in first.path.iterdir())


def test_latest_points_at_the_newest_whole_snapshot(two_nights):
    assert snapshots.latest(state(two_nights) / "snapshots").path == chain(two_nights)[-1].path


def test_snapshot_counts_only_this_runs_status_and_marks_superseded_lines(two_nights):
    second = chain(two_nights)[-1]
    status = second.read("commitment_status")
    assert set(status["run_id"]) == {second.run_id}
    lines = second.read("social_return_lines").sort("superseded")
    assert lines.select("hours", "superseded").rows() == [(150.0, False), (100.0, True)]


def test_totals_can_be_reproduced_from_the_published_lines(two_nights):
    second = chain(two_nights)[-1]
    status = second.read("commitment_status").filter(pl.col("commitment_id") == "K-1")
    lines = second.read("commitment_lines").filter(pl.col("commitment_id") == "K-1")
    assert lines["amount"].sum() == status["achieved"][0] == 150.0


def test_published_evidence_never_contains_a_bsn(two_nights):
    for snapshot in chain(two_nights):
        for path in snapshot.path.glob("*.parquet"):
            assert b"111222333" not in path.read_bytes(), path.name
            frame = pl.read_parquet(path)
            for column in frame.columns:
                if frame[column].dtype == pl.String:
                    assert not frame[column].str.contains("111222333").any(), (path.name, column)


def test_every_received_file_is_archived_by_sha256_for_the_service_account_only(two_nights):
    folder = state(two_nights) / "archive"
    archive = Archive(folder)
    for path in (two_nights.root / "reports").rglob("*"):
        if path.is_file():
            assert archive.read(hashlib.sha256(path.read_bytes()).hexdigest()) == path.read_bytes()
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o400 for p in folder.iterdir())
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    contracts_sha = hashlib.sha256((two_nights.root / "contracts.csv").read_bytes()).hexdigest()
    assert (folder / contracts_sha).is_file()


def test_an_original_from_a_pack_read_before_is_served_without_listing_the_archive(two_nights, monkeypatch):
    archive = Archive(state(two_nights) / "archive")
    packed = sorted(archive.shas() - {p.name for p in archive.root.iterdir()})
    first, second = packed[0], packed[-1]
    assert archive.read(first) is not None  # the folder listed once, every pack read
    monkeypatch.setattr(Archive, "_listing", lambda self: pytest.fail("listed the archive again"))
    assert hashlib.sha256(archive.read(second)).hexdigest() == second


def test_a_nights_files_are_archived_in_one_pack_that_any_zip_tool_opens(two_nights):
    packs = sorted((state(two_nights) / "archive").glob("pack-*.zip"))
    assert len(packs) == 2  # one a night
    with zipfile.ZipFile(packs[0]) as first, zipfile.ZipFile(packs[1]) as second:
        members = first.namelist() + second.namelist()
        assert all(info.compress_type == zipfile.ZIP_STORED for info in first.infolist())
    sent = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (two_nights.root / "reports").rglob("*") if p.is_file()}
    assert sorted(members) == sorted(sent)


def test_verify_passes_on_untouched_evidence(two_nights, capsys):
    assert main(["verify", str(state(two_nights))]) == 0
    assert capsys.readouterr().out.startswith("In orde: 2 snapshots")


def _writable(path: Path) -> None:
    for p in [path, *path.parent.iterdir()]:
        os.chmod(p, 0o755 if p.is_dir() else 0o644)


def test_verify_catches_an_edited_byte(two_nights, capsys):
    target = chain(two_nights)[0].files("findings")[0]
    _writable(target)
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    assert main(["verify", str(state(two_nights))]) == 1
    assert f"{chain(two_nights)[0].path.name}/findings.parquet: gewijzigd" in capsys.readouterr().out


def test_verify_catches_a_deleted_file(two_nights):
    target = chain(two_nights)[1].files("quarantine")[-1]
    target.unlink()
    assert f"{chain(two_nights)[1].path.name}/{target.name}: ontbreekt" in problems(two_nights)


def test_verify_catches_an_inserted_file(two_nights):
    (chain(two_nights)[1].path / "extra.parquet").write_bytes(b"PAR1")
    (state(two_nights) / "snapshots" / "notities.txt").write_text("x")
    found = problems(two_nights)
    assert f"{chain(two_nights)[1].path.name}/extra.parquet: toegevoegd (staat niet in het manifest)" in found
    assert "notities.txt: toegevoegd (geen snapshot)" in found


def test_verify_catches_an_edited_manifest(two_nights):
    first = chain(two_nights)[0]
    _writable(first.manifest_path)
    manifest = first.manifest()
    manifest["as_of"] = "2020-01-01"
    first.manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    assert any("keten verbroken" in p for p in problems(two_nights))


def test_verify_catches_a_dropped_snapshot(two_nights):
    two_nights.run("2026-12-01")
    shutil.rmtree(chain(two_nights)[1].path)
    found = problems(two_nights)
    assert "snapshot 000002: ontbreekt (de keten springt naar " + chain(two_nights)[1].path.name + ")" in found
    assert any("keten verbroken" in p for p in found)


def test_verify_catches_a_reordered_chain(two_nights):
    first, second = chain(two_nights)
    swapped_first = first.path.with_name(f"000001-{second.run_id}")
    swapped_second = second.path.with_name(f"000002-{first.run_id}")
    os.rename(first.path, first.path.with_name("tmp"))
    os.rename(second.path, swapped_first)
    os.rename(first.path.with_name("tmp"), swapped_second)
    found = problems(two_nights)
    assert any("volgnummer of run_id past niet" in p for p in found)
    assert any("keten verbroken" in p for p in found)


def _repack(pack: Path, change) -> None:
    """Rewrite a pack with change(member, bytes) -> bytes or None (left out)."""
    with zipfile.ZipFile(pack) as opened:
        members = {name: opened.read(name) for name in opened.namelist()}
    os.chmod(pack, 0o600)
    with zipfile.ZipFile(pack, "w") as rewritten:
        for name, data in members.items():
            if (changed := change(name, data)) is not None:
                rewritten.writestr(name, changed)


def test_verify_catches_an_altered_or_missing_archive_file(two_nights):
    archive = state(two_nights) / "archive"
    sha = {name: hashlib.sha256((two_nights.root / "reports" / name).read_bytes()).hexdigest() for name in ("r.csv", "m.csv")}
    first_pack = next(p for p in sorted(archive.glob("pack-*.zip")) if sha["r.csv"] in zipfile.ZipFile(p).namelist())
    _repack(first_pack, lambda name, data: None if name == sha["m.csv"] else b"anders" if name == sha["r.csv"] else data)
    register = archive / hashlib.sha256((two_nights.root / "contracts.csv").read_bytes()).hexdigest()
    os.chmod(register, 0o600)
    register.write_bytes(b"anders")
    found = problems(two_nights)
    assert f"archive/{first_pack.name}/{sha['r.csv']}: gewijzigd (inhoud past niet bij de naam)" in found
    assert f"archive/{register.name}: gewijzigd (inhoud past niet bij de naam)" in found
    assert any(p.startswith(f"archive/{sha['m.csv']}: ontbreekt") for p in found)


def test_verify_names_a_damaged_pack_and_anything_added_to_the_archive(two_nights):
    archive = state(two_nights) / "archive"
    damaged = sorted(archive.glob("pack-*.zip"))[0]
    os.chmod(damaged, 0o600)
    damaged.write_bytes(damaged.read_bytes()[:-30])
    (archive / "notities.txt").write_text("los")
    found = problems(two_nights)
    assert f"archive/{damaged.name}: onleesbaar (pakket of bestand beschadigd)" in found
    assert "archive/notities.txt: toegevoegd (geen sha256-naam)" in found


def test_rerun_as_of_an_earlier_date_reproduces_that_runs_results(two_nights):
    """On the same inputs, a run as of D gives the values of the earlier run as of D, whatever ran between."""
    earlier = chain(two_nights)[-1]  # as of 2026-11-30, all inputs received
    two_nights.run("2027-03-01")
    two_nights.run("2026-11-30")
    again = chain(two_nights)[-1]

    def results(snapshot):
        status = snapshot.read("commitment_status").drop("run_id").sort("commitment_id")
        findings = snapshot.read("findings").filter(pl.col("status") == "open")
        return status, findings.select("finding_id", "kind", "severity", "detail").sort("finding_id")

    assert chain(two_nights)[-2].manifest()["as_of"] == "2027-03-01"
    for before, after in zip(results(earlier), results(again)):
        assert after.equals(before)
