"""Listing a data folder's report files (naleving.listing)."""
import shutil
import sys

from naleving import listing
from naleving.listing import ReportFile, listed_ahead, report_files


def _names(data_dir):
    return report_files(data_dir)["name"].to_list()


def _write(path, text="a;b\n"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


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


def test_a_listing_ahead_is_the_folders_listing_made_in_a_process_of_its_own(tmp_path, monkeypatch):
    _write(tmp_path / "reports" / "b" / "q3 (1).csv")
    _write(tmp_path / "reports" / "één;twee.xlsx")
    _write(tmp_path / "reports" / ".verborgen.csv")
    expected = report_files(tmp_path)
    listed_here = []
    monkeypatch.setattr(listing, "_scan", lambda folder: listed_here.append(folder))
    monkeypatch.chdir(tmp_path.parent)
    with listed_ahead(tmp_path.relative_to(tmp_path.parent)):  # found under either spelling
        assert report_files(tmp_path).equals(expected)
    assert listed_here == []


def test_when_the_listing_ahead_fails_the_folder_is_listed_where_it_is_taken(tmp_path, monkeypatch):
    _write(tmp_path / "reports" / "q3.csv")
    monkeypatch.setattr(sys, "executable", shutil.which("false"))  # the process ahead fails
    listed_here, original = [], listing._scan
    monkeypatch.setattr(listing, "_scan", lambda folder: listed_here.append(folder) or original(folder))
    with listed_ahead(tmp_path):
        assert _names(tmp_path) == ["reports/q3.csv"]
    assert listed_here == [tmp_path]


def test_a_folder_without_reports_lists_no_files_now_or_ahead(tmp_path):
    assert report_files(tmp_path).is_empty()
    with listed_ahead(tmp_path):
        listed = report_files(tmp_path)
    assert listed.is_empty() and listed.schema == report_files(tmp_path).schema
