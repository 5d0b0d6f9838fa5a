"""Reader variants of SPEC 1.1: every test builds its own file in tmp_path."""

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import pytest
import xlsxwriter

from naleving.parsing import number
from naleving.readers import RawTable, UnreadableFile, read_table
from workbooks import xlsx_bytes

ANCHORS = frozenset({"contract_id", "supplier_kvk"})


def read_file(tmp_path: Path, content: bytes, name: str = "report.csv") -> RawTable:
    path = tmp_path / name
    path.write_bytes(content)
    return read_table(path.read_bytes(), path.name, ANCHORS)


def read_xlsx(tmp_path: Path, cells: dict[tuple[int, int], object], name: str = "report.xlsx") -> RawTable:
    """`cells` maps (excel_row, column_index) to a value (workbooks.xlsx_bytes)."""
    path = tmp_path / name
    path.write_bytes(xlsx_bytes(cells))
    return read_table(path.read_bytes(), path.name, ANCHORS)


def rows(table: RawTable) -> list[dict]:
    return table.frame.to_dicts()


# --- CSV -------------------------------------------------------------------------------


def test_csv_semicolon_delimiter_detected(tmp_path):
    table = read_file(tmp_path, b"contract_id;supplier_kvk;hours\nC-1;12345678;1,5\n")
    assert (table.delimiter, table.decimal_comma) == (";", True)
    assert rows(table) == [{"source_row": 2, "contract_id": "C-1", "supplier_kvk": "12345678", "hours": "1,5"}]


def test_csv_comma_delimiter_detected_with_quoted_fields(tmp_path):
    table = read_file(tmp_path, b'contract_id,supplier_kvk,hours,title\nC-1,12345678,"1,5","say ""hi"""\n')
    assert (table.delimiter, table.decimal_comma) == (",", False)
    assert rows(table)[0]["hours"] == "1,5"
    assert rows(table)[0]["title"] == 'say "hi"'


def test_csv_delimiter_detected_from_header_line_not_title_line(tmp_path):
    # the title has a comma, the table itself is ';'-delimited
    table = read_file(tmp_path, b"Rapportage, derde kwartaal\ncontract_id;supplier_kvk\nC-1;12345678\n")
    assert table.delimiter == ";"
    assert table.header_row == 2
    assert rows(table) == [{"source_row": 3, "contract_id": "C-1", "supplier_kvk": "12345678"}]


def test_csv_utf8_bom(tmp_path):
    table = read_file(tmp_path, "\ufeffcontract_id;supplier_kvk;title\nC-1;12345678;Café\n".encode())
    assert table.encoding == "utf-8-sig"
    assert table.frame.columns[1] == "contract_id"  # the BOM is not part of the first header
    assert rows(table)[0]["title"] == "Café"


def test_csv_utf8_without_bom(tmp_path):
    table = read_file(tmp_path, "contract_id;supplier_kvk;title\nC-1;12345678;Café €\n".encode())
    assert table.encoding == "utf-8"
    assert rows(table)[0]["title"] == "Café €"


def test_csv_windows_1252(tmp_path):
    table = read_file(tmp_path, "contract_id;supplier_kvk;title\nC-1;12345678;Café €\n".encode("cp1252"))
    assert table.encoding == "cp1252"
    assert rows(table)[0]["title"] == "Café €"


def test_csv_crlf(tmp_path):
    table = read_file(tmp_path, b"contract_id;supplier_kvk\r\nC-1;12345678\r\nC-2;87654321\r\n")
    assert rows(table) == [
        {"source_row": 2, "contract_id": "C-1", "supplier_kvk": "12345678"},
        {"source_row": 3, "contract_id": "C-2", "supplier_kvk": "87654321"},
    ]


def test_blank_lines_ignored_and_source_row_is_physical_line(tmp_path):
    content = b"contract_id;supplier_kvk\n\nC-1;12345678\n   \n;;;;\nC-2;87654321\n\n"
    table = read_file(tmp_path, content)
    assert table.frame["source_row"].to_list() == [3, 6]
    assert table.frame["contract_id"].to_list() == ["C-1", "C-2"]


def test_csv_title_block_above_header(tmp_path):
    table = read_file(tmp_path, b"Leverancier BV;;\nRapportage Q3 2025;;\n\ncontract_id;supplier_kvk;hours\nC-1;12345678;8\n")
    assert table.header_row == 4
    assert rows(table) == [{"source_row": 5, "contract_id": "C-1", "supplier_kvk": "12345678", "hours": "8"}]


def test_no_anchor_row_first_non_blank_row_is_header(tmp_path):
    table = read_file(tmp_path, b"\ntable_id;code\nutrecht-2025;ww\n")
    assert table.header_row == 2
    assert rows(table) == [{"source_row": 3, "table_id": "utrecht-2025", "code": "ww"}]


def test_header_names_case_and_spaces(tmp_path):
    table = read_file(tmp_path, b" Contract ID ;SUPPLIER_KVK;Period - Start\nC-1;12345678;2025-07-01\n")
    assert table.frame.columns == ["source_row", "contract_id", "supplier_kvk", "period_start"]


def test_dutch_header_aliases(tmp_path):
    header = "Contractnummer;KvK-nummer;Periode;Persoon;Doelgroep;Uren;Energiebron;Ingediend op\n"
    table = read_file(tmp_path, (header + "C-1;12345678;2025-Q3;P1;ww;8;elektrisch;2025-10-02\n").encode())
    assert table.frame.columns == [
        "source_row", "contract_id", "supplier_kvk", "period", "person_ref",
        "target_group", "hours", "energy_source", "submitted_at",
    ]  # fmt: skip
    assert rows(table)[0]["energy_source"] == "elektrisch"  # values are not translated here


def test_unknown_extra_columns_kept(tmp_path):
    table = read_file(tmp_path, b"contract_id;supplier_kvk;Opmerking;;\nC-1;12345678;let op;x;\n")
    # the empty header cell with data is kept by position; the one without data is nothing
    assert rows(table) == [
        {"source_row": 2, "contract_id": "C-1", "supplier_kvk": "12345678", "opmerking": "let op", "column_4": "x"}
    ]


def test_cells_stripped_and_empty_cell_is_null(tmp_path):
    table = read_file(tmp_path, b'contract_id;supplier_kvk;hours\n  C-1 ;"  ";\n')
    assert rows(table) == [{"source_row": 2, "contract_id": "C-1", "supplier_kvk": None, "hours": None}]


def test_frame_types_source_row_first_then_strings(tmp_path):
    table = read_file(tmp_path, b"contract_id;supplier_kvk;hours\nC-1;12345678;8\n")
    assert table.frame.schema == pl.Schema(
        {"source_row": pl.Int64, "contract_id": pl.String, "supplier_kvk": pl.String, "hours": pl.String}
    )


def test_header_only_file_gives_no_rows(tmp_path):
    table = read_file(tmp_path, b"contract_id;supplier_kvk;hours\n")
    assert table.frame.height == 0
    assert table.frame.columns == ["source_row", "contract_id", "supplier_kvk", "hours"]


def test_short_data_row_padded_with_nulls(tmp_path):
    table = read_file(tmp_path, b"contract_id;supplier_kvk;hours\nC-1\n")
    assert rows(table) == [{"source_row": 2, "contract_id": "C-1", "supplier_kvk": None, "hours": None}]


# --- XLSX ------------------------------------------------------------------------------


def test_xlsx_title_block_above_header(tmp_path):
    # row 1 title, row 2 empty, row 3 header, data from row 4 (as Excel shows it)
    table = read_xlsx(
        tmp_path,
        {(1, 0): "Rapportage Q3 2025", (3, 0): "Contract_ID", (3, 1): "KvK nummer", (4, 0): "C-1", (4, 1): 12345678},
    )
    assert (table.header_row, table.delimiter, table.encoding, table.decimal_comma) == (3, None, None, False)
    assert rows(table) == [{"source_row": 4, "contract_id": "C-1", "supplier_kvk": "12345678"}]


def test_xlsx_leading_empty_rows_keep_excel_row_numbers(tmp_path):
    # calamine starts a sheet at its first used cell; the row numbers must still be Excel's
    table = read_xlsx(tmp_path, {(3, 2): "contract_id", (3, 3): "supplier_kvk", (4, 2): "C-1", (4, 3): "12345678"})
    assert table.header_row == 3
    assert rows(table) == [{"source_row": 4, "contract_id": "C-1", "supplier_kvk": "12345678"}]


def test_xlsx_dates_and_numbers_taken_as_such(tmp_path):
    values = [
        dt.datetime(2025, 3, 31),
        dt.datetime(2025, 3, 31, 14, 5, 6),
        dt.datetime(2025, 3, 31, 14, 5, 5, 999_000),  # Excel shows 14:05:06 (it rounds)
        1234.5,
        12345678.0,
        0.1,
        3.14159265358979,  # fastexcel's own text rendering would cut this to 9 decimals
        1e16,  # polars would write 1e+16
        -3,
        True,
        "01234567",
    ]
    cells = {(1, i): f"v{i}" for i in range(len(values))} | {(2, i): v for i, v in enumerate(values)}
    table = read_xlsx(tmp_path, cells)
    assert list(rows(table)[0].values())[1:] == [
        "2025-03-31",
        "2025-03-31 14:05:06",
        "2025-03-31 14:05:06",
        "1234.5",
        "12345678",
        "0.1",
        "3.14159265358979",
        "10000000000000000",
        "-3",
        "true",
        "01234567",
    ]


def test_xlsx_mixed_column_keeps_each_cell_type(tmp_path):
    # title text above numbers, and text, a number and a date within one data column
    cells = {(1, 0): "Overzicht", (2, 0): "contract_id", (2, 1): "supplier_kvk", (2, 2): "hours"}
    cells |= {(3, 0): "C-1", (3, 1): 1234567, (3, 2): 2.25}
    cells |= {(4, 0): "C-2", (4, 1): "01234567", (4, 2): "n.v.t."}
    cells |= {(5, 0): "C-3", (5, 1): 7654321, (5, 2): dt.datetime(2025, 1, 2)}
    table = read_xlsx(tmp_path, cells)
    assert table.frame["supplier_kvk"].to_list() == ["1234567", "01234567", "7654321"]
    assert table.frame["hours"].to_list() == ["2.25", "n.v.t.", "2025-01-02"]


def test_xlsx_written_by_openpyxl(tmp_path):
    # another writer: a plain date cell, a title in B2 and the table starting in column B
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["B2"] = "Titel"
    sheet["B4"], sheet["C4"], sheet["D4"] = "contract_id", "supplier_kvk", "start_date"
    sheet["B5"], sheet["C5"], sheet["D5"] = "C-1", 1234567, dt.date(2025, 3, 31)
    workbook.save(tmp_path / "o.xlsx")
    table = read_table((tmp_path / "o.xlsx").read_bytes(), "o.xlsx", ANCHORS)
    assert table.header_row == 4
    assert rows(table) == [{"source_row": 5, "contract_id": "C-1", "supplier_kvk": "1234567", "start_date": "2025-03-31"}]


def test_xlsx_blank_rows_dropped_and_cells_stripped(tmp_path):
    cells = {(1, 0): "contract_id", (1, 1): "supplier_kvk", (2, 0): " C-1 ", (2, 1): "12345678"}
    cells |= {(3, 0): "   ", (5, 0): "C-2", (5, 1): ""}
    table = read_xlsx(tmp_path, cells)
    assert rows(table) == [
        {"source_row": 2, "contract_id": "C-1", "supplier_kvk": "12345678"},
        {"source_row": 5, "contract_id": "C-2", "supplier_kvk": None},
    ]


def test_xlsx_first_sheet_only_and_suffix_case_insensitive(tmp_path):
    path = tmp_path / "REPORT.XLSX"
    workbook = xlsxwriter.Workbook(path)
    workbook.add_worksheet().write_row(0, 0, ["contract_id", "supplier_kvk"])
    workbook.add_worksheet().write_row(0, 0, ["other", "sheet"])
    workbook.close()
    table = read_table(path.read_bytes(), path.name, ANCHORS)
    assert table.frame.columns == ["source_row", "contract_id", "supplier_kvk"]


def test_xlsx_numbers_read_back_by_parsing(tmp_path):
    table = read_xlsx(tmp_path, {(1, 0): "contract_id", (1, 1): "supplier_kvk", (1, 2): "x", (2, 2): 1.234})
    # XLSX numbers are dot-decimal text, so the file's convention is dot (1.234 stays 1.234)
    assert table.frame.select(number("x", table.decimal_comma)).item() == 1.234


# --- unreadable ------------------------------------------------------------------------


def _zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.csv", b"", "leeg bestand"),
        ("blank.csv", b"\r\n  \n\n", "geen kopregel gevonden"),
        ("binary.csv", b"\x00\x01\x02PK\x03\x04", "geen tekstbestand"),
        ("undecodable.csv", b"contract_id\n\x81\x8d\n\xff\xfe", "onbekende tekenset"),
        ("multiline.csv", b'contract_id;title\nC-1;"two\nlines"\n', "meerdere regels"),
        ("unclosed.csv", b'contract_id;title\nC-1;"open\nC-2;x\n', "meerdere regels"),
        ("empty.xlsx", b"", "geen geldig Excel-bestand"),
        ("garbage.xlsx", b"\x00garbage" * 20, "geen geldig Excel-bestand"),
        ("zip.xlsx", _zip_without_workbook(), "geen geldig Excel-bestand"),
        ("report.xls", b"contract_id\n", "niet ondersteund"),
        ("report.txt", b"contract_id\n", "niet ondersteund"),
        ("dup.csv", b"contract_id;uren;hours\nC-1;1;2\n", "komt meer dan"),
    ],
)
def test_unreadable_file_raises_unreadable(tmp_path, name, content, reason):
    with pytest.raises(UnreadableFile, match=reason):
        read_file(tmp_path, content, name)


def test_unreadable_truncated_xlsx(tmp_path):
    read_xlsx(tmp_path, {(1, 0): "contract_id"}, "whole.xlsx")
    broken = (tmp_path / "whole.xlsx").read_bytes()[:300]
    with pytest.raises(UnreadableFile, match="geen geldig Excel-bestand"):
        read_table(broken, "broken.xlsx", ANCHORS)


def test_empty_sheet_has_no_header(tmp_path):
    with pytest.raises(UnreadableFile, match="geen kopregel gevonden"):
        read_xlsx(tmp_path, {})
