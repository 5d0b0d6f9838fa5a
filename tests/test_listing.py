"""Listing a data folder's report files (naleving.listing)."""
import os
import shutil
import sys
import time

import polars as pl

from naleving import listing, stages, warehouse
from naleving.listing import FOLDERS, GONE, NOT_SETTLED, ReportFile, all_report_files, changed_report_files, listed_ahead, report_files


def _names(data_dir):
    return report_files(data_dir)["name"].to_list()


def _write(path, text="a;b\n"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _age_all(root, seconds_ago=3600):
    """Every file and folder under root as if written an hour ago."""
    then = time.time() - seconds_ago
    for folder, _, files in os.walk(root):
        for name in files:
            os.utime(os.path.join(folder, name), (then, then))
        os.utime(folder, (then, then))


def _folders(listing):
    return dict(listing.folders.iter_rows())


def _on_record(tmp_path, *listed):
    """The folders on record once the intake has put the listings there: (listing, whether of every file), in order."""
    with warehouse.connect(tmp_path / "naleving.duckdb") as con:
        for listing, in_full in listed:
            stages.record_folders(con, listing.folders, in_full)
        return con.sql("SELECT * FROM folders_on_record ORDER BY folder").pl()


def test_report_files_at_any_depth_in_order_without_hidden_ones(tmp_path):
    _write(tmp_path / "reports" / "b" / "2025" / "q3.csv")
    _write(tmp_path / "reports" / "a.xlsx")
    _write(tmp_path / "reports" / ".~lock.a.xlsx#")
    _write(tmp_path / "reports" / ".tmp" / "half.csv")
    _write(tmp_path / "contracts.xlsx")  # the register is not a report
    assert _names(tmp_path) == ["reports/a.xlsx", "reports/b/2025/q3.csv"]
    first = ReportFile(*report_files(tmp_path).row(0))
    assert (first.size, first.path) == (4, str(tmp_path / "reports" / "a.xlsx"))
    assert first.mtime_ns == (tmp_path / "reports" / "a.xlsx").stat().st_mtime_ns


def test_a_folder_without_reports_lists_no_files_and_no_folders_now_or_ahead(tmp_path):
    listed = changed_report_files(tmp_path, pl.DataFrame(schema=FOLDERS))
    assert listed.files.is_empty() and listed.folders.is_empty()
    with listed_ahead(tmp_path):
        ahead = all_report_files(tmp_path)
    assert ahead.files.schema == listed.files.schema and ahead.folders.schema == listed.folders.schema


def test_a_listing_ahead_is_taken_once_then_the_folder_is_listed_anew(tmp_path):
    _write(tmp_path / "reports" / "q3.csv")
    with listed_ahead(tmp_path):
        assert _names(tmp_path) == ["reports/q3.csv"]
        _write(tmp_path / "reports" / "q4.csv")
        assert _names(tmp_path) == ["reports/q3.csv", "reports/q4.csv"]


def test_a_listing_ahead_not_taken_is_dropped_when_its_block_ends(tmp_path):
    _write(tmp_path / "reports" / "q3.csv")
    with listed_ahead(tmp_path):
        pass
    _write(tmp_path / "reports" / "q4.csv")
    assert _names(tmp_path) == ["reports/q3.csv", "reports/q4.csv"]


def test_a_listing_ahead_is_the_full_listing_made_in_a_process_of_its_own(tmp_path, monkeypatch):
    _write(tmp_path / "reports" / "b" / "q3 (1).csv")
    _write(tmp_path / "reports" / "één;twee.xlsx")
    _write(tmp_path / "reports" / ".verborgen.csv")
    _age_all(tmp_path / "reports")
    expected = all_report_files(tmp_path)
    listed_here = []
    monkeypatch.setattr(listing, "changed_report_files", lambda *args: listed_here.append(args))
    monkeypatch.chdir(tmp_path.parent)
    with listed_ahead(tmp_path.relative_to(tmp_path.parent)):  # found under either spelling
        ahead = all_report_files(tmp_path)
    assert ahead.files.equals(expected.files) and ahead.folders.equals(expected.folders) and listed_here == []


def test_when_the_listing_ahead_fails_the_folder_is_listed_where_it_is_taken(tmp_path, monkeypatch):
    _write(tmp_path / "reports" / "q3.csv")
    monkeypatch.setattr(sys, "executable", shutil.which("false"))  # the process ahead fails
    listed_here, original = [], listing.changed_report_files
    monkeypatch.setattr(listing, "changed_report_files", lambda *args: listed_here.append(args[0]) or original(*args))
    with listed_ahead(tmp_path):
        assert _names(tmp_path) == ["reports/q3.csv"]
    assert listed_here == [tmp_path]


def test_only_the_folders_whose_time_changed_are_listed_with_the_new_folders_under_them(tmp_path):
    reports = tmp_path / "reports"
    _write(reports / "a" / "q1.csv")
    _write(reports / "b" / "q1.csv")
    _write(reports / "c" / "q1.csv")
    _age_all(reports)
    first = changed_report_files(tmp_path, pl.DataFrame(schema=FOLDERS))
    assert first.files.height == 3 and set(_folders(first)) == {"reports", "reports/a", "reports/b", "reports/c"}
    _write(reports / "a" / "q2.csv")                          # a file added: a's time changes
    _write(reports / "b" / "q1.csv", "a;b;c\n")               # written in place: b's time does not
    _write(reports / "c" / "2026" / "q1.csv")                 # a new folder under c
    second = changed_report_files(tmp_path, first.folders)
    assert second.files["name"].to_list() == ["reports/a/q1.csv", "reports/a/q2.csv", "reports/c/2026/q1.csv", "reports/c/q1.csv"]
    assert report_files(tmp_path).filter(pl.col("name") == "reports/b/q1.csv")["size"].item() == 6  # a full listing sees it
    folders = _folders(second)  # b and reports/ kept their time: only the others go on record again
    assert set(folders) == {"reports/a", "reports/c", "reports/c/2026"}
    assert folders["reports/a"] == folders["reports/c"] == folders["reports/c/2026"] == NOT_SETTLED  # changed just now
    assert dict(_on_record(tmp_path, (first, True), (second, False)).iter_rows()) == {**_folders(first), **folders}


def test_a_folder_changed_just_now_is_listed_again_until_it_has_settled(tmp_path):
    _write(tmp_path / "reports" / "a" / "q1.csv")
    first = changed_report_files(tmp_path, pl.DataFrame(schema=FOLDERS))
    assert _folders(first)["reports/a"] == NOT_SETTLED
    assert changed_report_files(tmp_path, first.folders).files["name"].to_list() == ["reports/a/q1.csv"]
    _age_all(tmp_path / "reports")
    settled = changed_report_files(tmp_path, first.folders)
    assert _folders(settled)["reports/a"] == (tmp_path / "reports" / "a").stat().st_mtime_ns
    assert changed_report_files(tmp_path, _on_record(tmp_path, (first, True), (settled, False))).files.is_empty()


def test_a_folder_holding_a_file_written_just_now_is_listed_again(tmp_path):
    _write(tmp_path / "reports" / "a" / "q1.csv")
    _age_all(tmp_path / "reports")
    os.utime(tmp_path / "reports" / "a" / "q1.csv")  # still being written
    listing = changed_report_files(tmp_path, pl.DataFrame(schema=FOLDERS))
    assert _folders(listing)["reports/a"] == NOT_SETTLED and _folders(listing)["reports"] != NOT_SETTLED


def test_a_folder_gone_leaves_the_listing_and_its_files_with_it(tmp_path):
    _write(tmp_path / "reports" / "a" / "q1.csv")
    _write(tmp_path / "reports" / "b" / "q1.csv")
    _age_all(tmp_path / "reports")
    first = changed_report_files(tmp_path, pl.DataFrame(schema=FOLDERS))
    (tmp_path / "reports" / "a" / "q1.csv").unlink()
    (tmp_path / "reports" / "a").rmdir()
    second = changed_report_files(tmp_path, first.folders)
    assert _folders(second)["reports/a"] == GONE and "reports/b" not in _folders(second) and second.files.is_empty()
    assert _on_record(tmp_path, (first, True), (second, False))["folder"].to_list() == ["reports", "reports/b"]
    full = all_report_files(tmp_path)  # a full listing leaves only what it listed
    assert _on_record(tmp_path, (first, True), (full, True))["folder"].to_list() == ["reports", "reports/b"]


def test_a_reports_folder_that_is_a_link_is_listed_and_its_time_followed(tmp_path):
    _write(tmp_path / "elders" / "a" / "q1.csv")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "reports").symlink_to(tmp_path / "elders")
    _age_all(tmp_path / "elders")
    first = changed_report_files(tmp_path / "data", pl.DataFrame(schema=FOLDERS))
    assert first.files["name"].to_list() == ["reports/a/q1.csv"]
    assert changed_report_files(tmp_path / "data", first.folders).files.is_empty()
    _write(tmp_path / "elders" / "q2.csv")
    assert changed_report_files(tmp_path / "data", first.folders).files["name"].to_list() == ["reports/q2.csv"]
