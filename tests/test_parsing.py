"""Parsing rules of SPEC 1.1 as polars expressions over the reader's text."""

import datetime as dt

import polars as pl

from naleving import parsing
from naleving.columns import ENERGY_SOURCE_ALIASES, canonical_name


def run(expr_of, values: list[str | None]) -> list:
    """Apply `expr_of(column)` to `values` as a String column."""
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    return frame.select(expr_of("v")).to_series().to_list()


def test_number_plain_forms():
    values = ["1234.5", "1234,5", "-3", "12", " 7,25 "]
    assert run(lambda c: parsing.number(c, decimal_comma=False), values) == [1234.5, 1234.5, -3.0, 12.0, 7.25]


def test_number_dutch_thousands():
    for decimal_comma in (True, False):
        assert run(lambda c: parsing.number(c, decimal_comma), ["1.234,5", "1.234.567"]) == [1234.5, 1234567.0]


def test_number_english_thousands():
    for decimal_comma in (True, False):
        assert run(lambda c: parsing.number(c, decimal_comma), ["1,234.5", "1,234,567"]) == [1234.5, 1234567.0]


def test_number_ambiguous_follows_file_convention():
    assert run(lambda c: parsing.number(c, decimal_comma=True), ["1,234", "1.234"]) == [1.234, 1234.0]
    assert run(lambda c: parsing.number(c, decimal_comma=False), ["1,234", "1.234"]) == [1234.0, 1.234]


def test_number_unambiguous_read_regardless_of_convention():
    assert run(lambda c: parsing.number(c, decimal_comma=False), ["1,5", "1234,567"]) == [1.5, 1234.567]
    assert run(lambda c: parsing.number(c, decimal_comma=True), ["1.5", "0.25"]) == [1.5, 0.25]


def test_number_euro_sign_and_non_breaking_spaces():
    values = ["€ 1.234,50", "€1234,5", "\u00a0€\u00a01\u00a0234,5\u00a0"]
    assert run(lambda c: parsing.number(c, decimal_comma=True), values) == [1234.5, 1234.5, 1234.5]


def test_number_garbage_is_null():
    values = ["abc", "1.2.3,4,5", "12a", "", "1 234", "1e3", "--1", None]
    assert run(lambda c: parsing.number(c, decimal_comma=True), values) == [None] * len(values)


def test_integer_only_integral():
    values = ["12", "12.0", "-3", "12.5", "1.000", "abc", "100000000000000000000"]
    assert run(lambda c: parsing.integer(c, decimal_comma=True), values) == [12, 12, -3, None, 1000, None, None]


def test_date_formats_accepted():
    values = ["2025-03-31", "31-03-2025", "31/03/2025", "1-3-2025", " 01/03/2025 "]
    expected = [dt.date(2025, 3, 31)] * 3 + [dt.date(2025, 3, 1)] * 2
    assert run(parsing.date, values) == expected


def test_date_xlsx_datetime_rendering_gives_the_date():
    assert run(parsing.date, ["2025-03-31 14:05:06"]) == [dt.date(2025, 3, 31)]


def test_date_invalid_calendar_date_is_null():
    assert run(parsing.date, ["31-02-2025", "2025-13-01", "29-02-2025"]) == [None, None, None]
    assert run(parsing.date, ["29-02-2024"]) == [dt.date(2024, 2, 29)]


def test_date_other_formats_rejected():
    values = ["2025/03/31", "31.03.2025", "20250331", "2025-3-31", "31-03-25", "March 31, 2025", "2025-03-31T10:00", None]
    assert run(parsing.date, values) == [None] * len(values)


def test_datetime_forms():
    values = ["2025-03-31", "2025-03-31 14:05", "2025-03-31 14:05:06", "2025-03-31T14:05:06", "31-03-2025 9:05"]
    assert run(parsing.datetime, values) == [
        dt.datetime(2025, 3, 31),
        dt.datetime(2025, 3, 31, 14, 5),
        dt.datetime(2025, 3, 31, 14, 5, 6),
        dt.datetime(2025, 3, 31, 14, 5, 6),
        dt.datetime(2025, 3, 31, 9, 5),
    ]


def test_datetime_bad_values_are_null():
    values = ["2025-03-31 24:00", "2025-03-31 10:60", "2025-03-31 10", "31-02-2025 10:00", "2025-03-31 10:00Z", "x"]
    assert run(parsing.datetime, values) == [None] * len(values)


def test_period_forms():
    values = ["2025-Q3", "Q3 2025", "2025-H1", "H1 2025", "2025-07", "2025", "2024-02"]
    result = run(parsing.period, values)
    assert result == [
        {"start": dt.date(2025, 7, 1), "end": dt.date(2025, 9, 30)},
        {"start": dt.date(2025, 7, 1), "end": dt.date(2025, 9, 30)},
        {"start": dt.date(2025, 1, 1), "end": dt.date(2025, 6, 30)},
        {"start": dt.date(2025, 1, 1), "end": dt.date(2025, 6, 30)},
        {"start": dt.date(2025, 7, 1), "end": dt.date(2025, 7, 31)},
        {"start": dt.date(2025, 1, 1), "end": dt.date(2025, 12, 31)},
        {"start": dt.date(2024, 2, 1), "end": dt.date(2024, 2, 29)},
    ]


def test_period_case_insensitive_and_spaces_tolerated():
    q4 = {"start": dt.date(2025, 10, 1), "end": dt.date(2025, 12, 31)}
    assert run(parsing.period, ["q4 2025", " 2025 - q4 ", "2025q4", "Q4  2025"]) == [q4] * 4


def test_period_unreadable_is_null():
    values = ["2025-Q5", "2025-H3", "2025-13", "Q3", "25-Q3", "2025-07-01", "", None]
    assert run(parsing.period, values) == [None] * len(values)


def test_kvk_left_padded():
    assert run(parsing.kvk, ["1234567", "1234567.0", "01234567", " 12345678 "]) == [
        "01234567",
        "01234567",
        "01234567",
        "12345678",
    ]


def test_kvk_not_eight_digits_is_null():
    assert run(parsing.kvk, ["123456789", "1234 5678", "KvK12345678", "1234567.5", "", None]) == [None] * 6


def test_code_stripped_and_lowercased():
    assert run(parsing.code, [" Participatiewet ", "ELECTRIC", None]) == ["participatiewet", "electric", None]


def test_expressions_accept_a_column_or_an_expression():
    frame = pl.DataFrame({"v": ["1,5"]})
    assert frame.select(parsing.number(pl.col("v"), decimal_comma=True)).item() == 1.5


def test_canonical_name_and_aliases():
    assert canonical_name("  Periode  Eind ") == "period_end"
    assert canonical_name("Vermogen-kW") == "power_kw"
    assert canonical_name("Opmerking") == "opmerking"
    assert ENERGY_SOURCE_ALIASES["elektrisch"] == "electric"
