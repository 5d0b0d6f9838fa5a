"""Polars expressions that type the reader's text cells (SPEC 1.1).

Every function returns an expression that yields null for a value it cannot read; none of
them raises on bad data, so validation can turn the nulls into reason codes.
"""

import polars as pl

# A value may be read with a decimal comma (1.234,5 / 1234,5 / 1.234) or with a decimal
# point (1,234.5 / 1234.5 / 1,234). Forms matching both are ambiguous (1,234 / 1.234 / 12).
_COMMA_DECIMAL = r"^-?(\d+|\d{1,3}(\.\d{3})+)(,\d+)?$"
_DOT_DECIMAL = r"^-?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$"

_DATE_FORMATS = (
    (r"^\d{4}-\d{2}-\d{2}$", "%Y-%m-%d"),
    (r"^\d{1,2}-\d{1,2}-\d{4}$", "%d-%m-%Y"),
    (r"^\d{1,2}/\d{1,2}/\d{4}$", "%d/%m/%Y"),
)
# The reader renders an Excel date-time cell as 'YYYY-MM-DD HH:MM:SS'.
_XLSX_DATETIME = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"
_DATETIME = r"^(?<day>[\d/-]+)(?:[ T](?<h>\d{1,2}):(?<m>\d{2})(?::(?<s>\d{2}))?)?$"
# After upper-casing and removing spaces: 2025Q3 / 2025-Q3 / 2025H1 / 2025-07 / 2025
# (Q3 2025 and H1 2025 are first turned around into that order).
_PERIOD = r"^(?<year>\d{4})(?:-?Q(?<q>[1-4])|-?H(?<h>[12])|-(?<month>0?[1-9]|1[0-2]))?$"


def _expr(col: str | pl.Expr) -> pl.Expr:
    return pl.col(col) if isinstance(col, str) else col


def _text(col: str | pl.Expr) -> pl.Expr:
    return _expr(col).str.strip_chars()


def number(col: str | pl.Expr, decimal_comma: bool | pl.Expr) -> pl.Expr:
    """Float64; ambiguous forms follow the file's convention (`decimal_comma`, per value when
    an expression: one pass over values of both conventions)."""
    # Non-breaking spaces appear as thousands separators and after '€' in spreadsheet exports.
    s = _expr(col).str.replace_all("[\u00a0\u202f]", "").str.strip_chars()
    s = s.str.strip_prefix("€").str.strip_chars()
    comma_form = s.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
    dot_form = s.str.replace_all(",", "", literal=True)
    is_comma, is_dot = s.str.contains(_COMMA_DECIMAL), s.str.contains(_DOT_DECIMAL)
    text = (
        pl.when(is_comma & is_dot)
        .then(pl.when(decimal_comma).then(comma_form).otherwise(dot_form))
        .when(is_comma)
        .then(comma_form)
        .when(is_dot)
        .then(dot_form)
    )
    return text.cast(pl.Float64, strict=False)


def integer(col: str | pl.Expr, decimal_comma: bool | pl.Expr) -> pl.Expr:
    """Int64 when the number is integral (12, 12.0, 1.000 in a comma file), else null."""
    value = number(col, decimal_comma)
    return pl.when(value == value.floor()).then(value.cast(pl.Int64, strict=False))


def _day(s: pl.Expr) -> pl.Expr:
    """One of the accepted date forms; impossible dates (31-02-2025) give null."""
    return pl.coalesce(
        pl.when(s.str.contains(pattern)).then(s.str.strptime(pl.Date, fmt, strict=False))
        for pattern, fmt in _DATE_FORMATS
    )


def date(col: str | pl.Expr) -> pl.Expr:
    """pl.Date from 2025-03-31, 31-03-2025, 31/03/2025 or the reader's XLSX date-time."""
    s = _text(col)
    return _day(pl.when(s.str.contains(_XLSX_DATETIME)).then(s.str.slice(0, 10)).otherwise(s))


def datetime(col: str | pl.Expr) -> pl.Expr:
    """pl.Datetime from a date (midnight) or a date plus ' HH:MM[:SS]' / 'THH:MM[:SS]'."""
    parts = _text(col).str.extract_groups(_DATETIME)
    h, m, s = (parts.struct.field(f).cast(pl.Int64).fill_null(0) for f in ("h", "m", "s"))
    moment = _day(parts.struct.field("day")).cast(pl.Datetime) + pl.duration(hours=h, minutes=m, seconds=s)
    return pl.when((h < 24) & (m < 60) & (s < 60)).then(moment)


def period(col: str | pl.Expr) -> pl.Expr:
    """Struct {start, end} (pl.Date) of 2025-Q3, Q3 2025, 2025-H1, H1 2025, 2025-07, 2025."""
    s = _text(col).str.to_uppercase().str.replace_all(r"\s", "")
    s = s.str.replace(r"^([QH]\d)-?(\d{4})$", "${2}${1}")
    parts = s.str.extract_groups(_PERIOD)
    year, q, h, month = (parts.struct.field(f).cast(pl.Int64) for f in ("year", "q", "h", "month"))
    first = pl.coalesce(q * 3 - 2, h * 6 - 5, month, pl.lit(1))
    last = pl.coalesce(q * 3, h * 6, month, pl.lit(12))
    start = pl.date(year, first, 1)
    return pl.when(start.is_not_null()).then(pl.struct(start=start, end=pl.date(year, last, 1).dt.month_end()))


def kvk(col: str | pl.Expr) -> pl.Expr:
    """8-digit KvK number; one read as a number (1234567 or 1234567.0) is left-padded."""
    s = _text(col)
    return pl.when(s.str.contains(r"^\d{1,8}(\.0+)?$")).then(s.str.replace(r"\.0+$", "").str.zfill(8))


def code(col: str | pl.Expr) -> pl.Expr:
    """Codes and names match case-insensitively, surrounding spaces ignored."""
    return _text(col).str.to_lowercase()
