"""Plain CSV files read together give exactly what reading each alone gives; the others are left to it."""
from pathlib import Path

import polars as pl
import pytest

from chunk_support import as_read_alone, by_file
from naleving.csv_batch import read_csv_files
from naleving.ingest import ANCHORS

SAMPLE = Path(__file__).parent.parent / "sample_data" / "reports"
HEADER = "contract_id,supplier_kvk,period,person_ref,target_group,hours"
FILES = {
    "plain": f"{HEADER}\nC-1,12345678,2025-Q3,P1,wajong,12\nC-1,12345678,2025-Q3,P2,,8\n",
    "dutch_bom_crlf": "\ufeffContractnummer;KvK nummer;Periode;Persoon;Doelgroep;Uren\r\nC-1;12345678;2025-Q3;P1;wajong;12,5\r\n",
    "blank_and_empty_lines": f"\n{HEADER}\n\n , ,,,,\nC-1,12345678,2025-Q3,\"P, 1\",wajong,3\n",
    "short_line": f"{HEADER}\nC-1,12345678\n",
    "header_only": f"{HEADER}\n",
    "empty_cells_after_header": f"{HEADER},,\nC-1,12345678,2025-Q3,P1,wajong,12,,\nC-1,12345678,2025-Q3,P2,wajong,3\n",
    "other_header": "contract_id,supplier_kvk,period,material,delivered_tonnes,recycled_tonnes,evidence_ref\nC-2,1,2025-Q1,beton,1,1,x\n",
    # left to read_table:
    "title_block": f"Rapportage social return\nLeverancier X\n{HEADER}\nC-1,12345678,2025-Q3,P1,wajong,12\n",
    "wide_line": f"{HEADER}\nC-1,12345678,2025-Q3,P1,wajong,12,extra\n",
    "nameless_column": "contract_id,,supplier_kvk\nC-1,x,12345678\n",
    "data_past_header": f"{HEADER},,\nC-1,12345678,2025-Q3,P1,wajong,12,,x\n",
    "twice_named": "contract_id,supplier_kvk,uren,hours\nC-1,1,2,3\n",
    "field_over_lines": f'{HEADER}\nC-1,12345678,2025-Q3,"P\n1",wajong,12\n',
}
LEFT = {"title_block", "wide_line", "data_past_header", "nameless_column", "twice_named", "field_over_lines", "binary", "cp1252",
        "blank_lines_only", "empty_cells_only", "empty", "very_wide_line"}


def contents() -> dict[str, bytes]:
    found = {name: text.encode() for name, text in FILES.items()}
    found["binary"] = b"contract_id,supplier_kvk\x00\x01\n"
    found["blank_lines_only"], found["empty_cells_only"], found["empty"] = b"\n \r\n\n", b";;;\n , \n", b""
    found["very_wide_line"] = f"{HEADER}\nC-1,12345678,2025-Q3,P1,wajong,12{',' * 5000}\n".encode()
    found["cp1252"] = "contract_id,supplier_kvk,period,person_ref,target_group,hours\nC-1,1,2025-Q3,Ren\u00e9,wajong,1\n".encode("cp1252")
    return found


def read_together(files: dict[str, bytes]) -> tuple[dict[str, pl.DataFrame], set[str]]:
    return by_file(read_csv_files(list(files.values()), ANCHORS), list(files))


def test_plain_files_read_together_as_each_alone():
    lines, left = read_together(contents())
    assert left == LEFT - {"cp1252"}  # cp1252 text is plain once decoded
    for name, frame in lines.items():
        assert frame.equals(as_read_alone(contents()[name], f"{name}.csv")), name


def test_files_that_need_judgement_are_left_to_read_table():
    _, left = read_together({name: contents()[name] for name in sorted(LEFT)})
    assert left == LEFT - {"cp1252"}


def test_a_header_only_file_has_its_columns_and_no_lines():
    lines, _ = read_together({"header_only": contents()["header_only"]})
    assert lines["header_only"].height == 0
    assert lines["header_only"].columns[1:-1] == HEADER.split(",")


@pytest.mark.parametrize("chunk_size", [1, 7, 64])
def test_sample_reports_read_together_as_each_alone(chunk_size):
    paths = sorted(SAMPLE.rglob("*.csv"))
    files = {p.as_posix(): p.read_bytes() for p in paths}
    names = list(files)
    for start in range(0, len(names), chunk_size):
        lines, left = read_together({n: files[n] for n in names[start:start + chunk_size]})
        for name, frame in lines.items():
            assert frame.equals(as_read_alone(files[name], name)), name
        assert len(lines) + len(left) == len(names[start:start + chunk_size])
    assert len(paths) > 40
