"""Listing a data folder's report files (naleving.listing)."""
import os
import time

import polars as pl

from naleving.listing import FOLDERS, NOT_SETTLED, ReportFile, changed_report_files, report_files


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


def test_a_folder_without_reports_lists_no_files_and_no_folders(tmp_path):
    listing = changed_report_files(tmp_path, pl.DataFrame(schema=FOLDERS))
    assert listing.files.is_empty() and listing.folders.is_empty()
    assert listing.files.schema == report_files(tmp_path).schema


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
    folders = _folders(second)
    assert folders["reports/b"] == _folders(first)["reports/b"] and folders["reports"] == _folders(first)["reports"]
    assert folders["reports/a"] == folders["reports/c"] == folders["reports/c/2026"] == NOT_SETTLED  # changed just now


def test_a_folder_changed_just_now_is_listed_again_until_it_has_settled(tmp_path):
    _write(tmp_path / "reports" / "a" / "q1.csv")
    first = changed_report_files(tmp_path, pl.DataFrame(schema=FOLDERS))
    assert _folders(first)["reports/a"] == NOT_SETTLED
    assert changed_report_files(tmp_path, first.folders).files["name"].to_list() == ["reports/a/q1.csv"]
    _age_all(tmp_path / "reports")
    settled = changed_report_files(tmp_path, first.folders)
    assert _folders(settled)["reports/a"] == (tmp_path / "reports" / "a").stat().st_mtime_ns
    assert changed_report_files(tmp_path, settled.folders).files.is_empty()


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
    assert set(_folders(second)) == {"reports", "reports/b"} and second.files.is_empty()
