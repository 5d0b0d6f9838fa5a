"""XLSX workbooks for tests, written cell by cell."""
import datetime as dt
import io

import xlsxwriter


def xlsx_bytes(cells: dict[tuple[int, int], object]) -> bytes:
    """A workbook whose first sheet holds `cells`: (excel_row, column_index) -> value; dates
    get a date format, text stays text ('01234567' is not a number)."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "dd-mm-yyyy hh:mm:ss"})
    for (row, col), value in cells.items():
        if isinstance(value, dt.datetime):
            sheet.write_datetime(row - 1, col, value, date_format)
        elif isinstance(value, str):
            sheet.write_string(row - 1, col, value)
        else:
            sheet.write(row - 1, col, value)
    workbook.close()
    return out.getvalue()
