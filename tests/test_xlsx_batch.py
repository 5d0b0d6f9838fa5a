"""XLSX workbooks read together give exactly what reading each alone gives; the others are left to it."""
import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from chunk_support import as_read_alone, by_file
from naleving.ingest import ANCHORS, NewFile, read_files
from naleving.xlsx_batch import read_xlsx_files
from workbooks import xlsx_bytes

SAMPLE = Path(__file__).parent.parent / "sample_data" / "reports"
HEADER = ["contract_id", "supplier_kvk", "period", "person_ref", "target_group", "hours"]
LINE = ["C-1", 12345678, "2025-Q3", "P1", "wajong", 12.5]
WORKBOOKS = {  # (excel_row, column) -> value
    "plain": {(1, c): v for c, v in enumerate(HEADER)} | {(2, c): v for c, v in enumerate(LINE)},
    "title_block": {(1, 0): "Rapportage Q3 2025", (2, 0): "Leverancier X"}
    | {(4, c): v for c, v in enumerate(["Contractnummer", "KvK nummer", "Periode", "Uren"])}
    | {(5, 0): "C-1", (5, 1): 1234567, (5, 2): "2025-Q3", (5, 3): 3.14159265358979}
    | {(7, 0): " C-2 ", (7, 1): "01234567", (7, 2): dt.datetime(2025, 3, 31), (7, 3): "   "},
    "leading_empty_rows": {(3, 2): "contract_id", (3, 3): "supplier_kvk", (4, 2): "C-1", (4, 3): "12345678"},
    "narrow": {(1, 0): "contract_id", (1, 1): "supplier_kvk", (2, 0): "C-3", (2, 1): True},
    "header_only": {(1, c): v for c, v in enumerate(HEADER)},
    "mixed_column": {(1, 0): "contract_id", (1, 1): "supplier_kvk", (1, 2): "hours", (2, 0): "C-1", (2, 2): 2.25,
                     (3, 0): "C-2", (3, 2): "n.v.t.", (4, 0): "C-3", (4, 2): dt.datetime(2025, 1, 2, 14, 5, 5, 999_000)},
    # left to read_table:
    "nameless_column": {(1, 0): "contract_id", (1, 2): "supplier_kvk", (2, 0): "C-1", (2, 1): "x", (2, 2): "1"},
    "twice_named": {(1, 0): "contract_id", (1, 1): "supplier_kvk", (1, 2): "uren", (1, 3): "hours", (2, 0): "C-1"},
    "no_anchors": {(1, 0): "contract_id", (1, 1): "hours", (2, 0): "C-1", (2, 1): 3},
    "empty_sheet": {},
}
LEFT = {"nameless_column", "twice_named", "no_anchors", "empty_sheet", "not_a_workbook"}


def contents() -> dict[str, bytes]:
    return {name: xlsx_bytes(cells) for name, cells in WORKBOOKS.items()} | {"not_a_workbook": b"<!DOCTYPE html><html></html>"}


def read_together(files: dict[str, bytes]) -> tuple[dict[str, pl.DataFrame], set[str]]:
    with ThreadPoolExecutor(2) as workers:
        return by_file(read_xlsx_files(list(files.values()), ANCHORS, workers), list(files))


def test_workbooks_read_together_as_each_alone():
    lines, left = read_together(contents())
    assert left == LEFT
    assert lines["title_block"]["source_row"].to_list() == [5, 7]
    for name, frame in lines.items():
        assert frame.equals(as_read_alone(contents()[name], f"{name}.xlsx")), name


def test_workbooks_that_need_judgement_are_left_to_read_table():
    _, left = read_together({name: contents()[name] for name in sorted(LEFT)})
    assert left == LEFT


@pytest.mark.parametrize("name", sorted(LEFT))
def test_a_chunk_of_one_workbook_that_needs_judgement_leaves_it_to_read_table(name):
    assert read_together({name: contents()[name]}) == ({}, {name})


@pytest.mark.parametrize("chunk_size", [1, 3, 64])
def test_sample_workbooks_read_together_as_each_alone(chunk_size):
    paths = sorted(SAMPLE.rglob("*.xlsx"))
    files = {p.as_posix(): p.read_bytes() for p in paths}
    names, read = list(files), 0
    for start in range(0, len(names), chunk_size):
        lines, left = read_together({n: files[n] for n in names[start:start + chunk_size]})
        for name, frame in lines.items():
            assert frame.equals(as_read_alone(files[name], name)), name
        assert len(lines) + len(left) == len(names[start:start + chunk_size])
        read += len(lines)
    assert read == len(paths) - 1  # all but the portal page saved as .xlsx


def test_a_night_of_one_empty_workbook_refuses_it_as_read_alone_would():
    data = contents()["empty_sheet"]
    with ThreadPoolExecutor(2) as workers:
        submissions, records, _ = read_files([NewFile("leeg.xlsx", "0" * 64, data)], datetime(2026, 12, 1), workers)
    assert [(s.status, s.refusal_reason) for s in submissions] == [("refused", "unreadable:geen kopregel gevonden")]
    assert records.height == 0
