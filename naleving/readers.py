"""Read one tabular file (CSV or the first sheet of an XLSX workbook) into strings (SPEC 1.1).

Every cell comes out as stripped text or null; typing is left to `naleving.parsing`, which
needs `RawTable.decimal_comma` to read ambiguous numbers by the file's convention.

Limitation: a CSV field in quotes that spans several lines is not supported; such a file is
refused with `UnreadableFile` (physical line numbers could not be kept exact otherwise).
"""

import functools
import io
from dataclasses import dataclass
from pathlib import PurePath

import fastexcel
import polars as pl

from naleving.columns import canonical_expr, canonical_name

_DELIMITERS = (",", ";")  # order breaks ties: plain CSV convention first
# Control characters never occur in a text file; their presence means binary content. They
# are the same bytes in UTF-8 and Windows-1252, so the bytes are checked: deleting every other
# byte takes a tenth of the time a pattern search over the text did.
_CONTROL = bytes(b for b in range(0x20) if b not in b"\t\n\r")
_NOT_CONTROL = bytes(b for b in range(0x100) if b not in _CONTROL)


@dataclass(frozen=True)
class RawTable:
    frame: pl.DataFrame  # "source_row" (Int64) first, then every column as pl.String
    decimal_comma: bool  # True for ';'-delimited CSV
    delimiter: str | None  # None for XLSX
    encoding: str | None  # None for XLSX
    header_row: int  # spreadsheet row number of the header (1-based)


class UnreadableFile(Exception):
    """The file cannot be read; the message says why in plain words."""


def read_table(data: bytes, file_name: str, anchors: frozenset[str]) -> RawTable:
    """Read `data`; the header is the first row holding every canonical name in `anchors`
    (else the first non-blank row). Raises UnreadableFile for anything that is not a
    readable .csv or .xlsx file."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix == ".csv":
        return _read_csv(data, anchors)
    if suffix == ".xlsx":
        return _read_xlsx(data, anchors)
    raise UnreadableFile(f"bestandstype '{suffix or file_name}' wordt niet ondersteund (alleen .csv en .xlsx)")


# --- CSV -------------------------------------------------------------------------------


def decode_text(data: bytes) -> tuple[str, str]:
    if not data:
        raise UnreadableFile("leeg bestand")
    try:  # strict UTF-8 first: cp1252 would accept almost any bytes
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            raise UnreadableFile("onbekende tekenset (geen UTF-8 of Windows-1252)") from None
    if data.translate(None, _NOT_CONTROL):
        raise UnreadableFile("geen tekstbestand (binaire inhoud)")
    if encoding == "utf-8" and text.startswith("\ufeff"):
        text, encoding = text[1:], "utf-8-sig"
    return text, encoding


def _read_csv(data: bytes, anchors: frozenset[str]) -> RawTable:
    text, encoding = decode_text(data)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # Physical line numbers are kept beside the lines; empty lines are dropped before parsing
    # so that parsed row i is non-empty line i.
    numbered = pl.DataFrame(
        {"source_row": pl.int_range(1, len(lines) + 1, eager=True, dtype=pl.Int64), "line": lines}
    ).filter(pl.col("line").str.strip_chars() != "")
    if numbered.is_empty():
        raise UnreadableFile("geen kopregel gevonden")

    # Try the delimiter that dominates the first line first; a title line can mislead it,
    # so the other one is tried when the anchors are not found.
    unquoted = numbered["line"].str.replace_all(r'"[^"]*"', "")
    counts = {d: unquoted.str.count_matches(d, literal=True) for d in _DELIMITERS}
    order = sorted(_DELIMITERS, key=lambda d: -counts[d][0])
    grids = {}
    for delimiter in order:
        grids[delimiter] = clean_cells(_parse_csv(numbered, delimiter, int(counts[delimiter].max()) + 1))
        header = _anchor_row(grids[delimiter], anchors)
        if header is not None:
            break
    else:
        delimiter, header = order[0], 0
    frame, header_row = _apply_header(grids[delimiter], header)
    return RawTable(frame, delimiter == ";", delimiter, encoding, header_row)


def _parse_csv(numbered: pl.DataFrame, delimiter: str, width: int) -> pl.DataFrame:
    # A synthetic header of the widest line's width keeps ragged lines (title blocks,
    # short rows) from failing: polars pads short rows with nulls.
    header = delimiter.join(f"c{i}" for i in range(width))
    body = numbered["line"].str.join("\n")[0]
    try:
        grid = pl.read_csv(
            io.BytesIO(f"{header}\n{body}\n".encode()),
            separator=delimiter,
            has_header=True,
            infer_schema=False,
            quote_char='"',
        )
    except pl.exceptions.PolarsError as exc:
        raise UnreadableFile(
            "CSV-opbouw klopt niet: aanhalingstekens sluiten niet of een veld loopt over meerdere regels"
        ) from exc
    if grid.height != numbered.height:
        raise UnreadableFile("een veld tussen aanhalingstekens loopt over meerdere regels; dat wordt niet ondersteund")
    return grid.insert_column(0, numbered["source_row"])


# --- XLSX ------------------------------------------------------------------------------


def _read_xlsx(data: bytes, anchors: frozenset[str]) -> RawTable:
    try:
        loads = xlsx_loads(data)
    except fastexcel.FastExcelError as exc:  # every fastexcel/calamine error derives from it
        raise UnreadableFile("geen geldig Excel-bestand") from exc
    grid = clean_cells(loads.select("source_row", *xlsx_cells(xlsx_width(loads))))
    frame, header_row = _apply_header(grid, _anchor_row(grid, anchors) or 0)
    return RawTable(frame, False, None, None, header_row)


def xlsx_loads(data: bytes) -> pl.DataFrame:
    """The first sheet loaded once per type, side by side: source_row, then s<i>, f<i>, t<i>,
    the string, float and datetime loads of sheet column i (`xlsx_cells` makes them text).

    fastexcel converts a whole column to one dtype, and its string rendering of numbers keeps
    only 9 decimals (3.14159265358979 -> "3.141592654"). So the sheet is loaded once per dtype
    and each cell's type is recognised from which loads succeed: the float load is non-null for
    numbers, booleans and text that reads as a number, the datetime load for dates and for
    numbers within the range of dates (beyond it, fastexcel's own rendering has no decimals to lose).
    `skip_rows=0` keeps leading empty rows, so row i is Excel row i + 1.
    """
    reader = fastexcel.read_excel(data)
    loads = [
        reader.load_sheet(0, header_row=None, skip_rows=0, dtypes=dtype).to_polars()
        for dtype in ("string", "float", "datetime")
    ]
    wide = pl.concat(
        [load.rename({c: f"{k}{i}" for i, c in enumerate(load.columns)}) for k, load in zip("sft", loads)],
        how="horizontal",
    )
    return wide.insert_column(0, pl.Series("source_row", range(1, wide.height + 1), dtype=pl.Int64))


def xlsx_width(loads: pl.DataFrame) -> int:
    """How many sheet columns `xlsx_loads` loaded."""
    return (loads.width - 1) // 3


@functools.cache
def xlsx_cells(width: int) -> tuple[pl.Expr, ...]:
    """The text of each of `width` sheet columns (c0, c1, …) from their loads (`xlsx_loads`):
    built once per width (building the expressions took longer than running them on a
    supplier's sheet of a few hundred rows)."""
    return tuple(_cell_text(*(pl.col(f"{k}{i}") for k in "sft")).alias(f"c{i}") for i in range(width))


def _cell_text(s: pl.Expr, f: pl.Expr, t: pl.Expr) -> pl.Expr:
    """Canonical text of one cell from its string, float and datetime loads."""
    number = f.cast(pl.String)
    # polars writes 1e16 / 1e-9 with an exponent; fastexcel's own rendering has none
    number = pl.when(number.str.contains("e")).then(s).otherwise(number.str.strip_suffix(".0"))
    # Excel shows a time rounded to the second; the serial float may sit a hair below it
    moment = t.dt.round("1s").dt.to_string("%Y-%m-%d %H:%M:%S").str.strip_suffix(" 00:00:00")
    is_date = t.is_not_null() & f.is_null()
    is_number = t.is_not_null() & f.is_not_null()  # not a boolean, not text that reads as a number
    return pl.when(is_date).then(moment).when(is_number).then(number).otherwise(s)


# --- shared: blank rows, header row, column names --------------------------------------


def clean_cells(grid: pl.DataFrame, keys: tuple[str, ...] = ("source_row",)) -> pl.DataFrame:
    """Strip cells (every column but `keys`), empty -> null, drop blank rows (all cells empty)."""
    cells = [c for c in grid.columns if c not in keys]
    grid = grid.with_columns(pl.col(cells).str.strip_chars().replace("", None))
    return grid.filter(pl.any_horizontal(pl.col(cells).is_not_null())) if cells else grid.clear()


HEADER_SEARCH_ROWS = 50


def _anchor_row(grid: pl.DataFrame, anchors: frozenset[str]) -> int | None:
    """Index of the first row whose canonical cell names include every anchor."""
    cells = [c for c in grid.columns if c != "source_row"]
    if not cells:
        return None
    if not anchors:
        return 0
    # Most files start with their header: the first row alone settles it.
    first = [cell for cell in grid.row(0) if isinstance(cell, str)] if grid.height else []
    if anchors <= {canonical_name(cell) for cell in first}:
        return 0
    # A title block is a few rows: look for the header near the top.
    hits = rows_naming(grid.head(HEADER_SEARCH_ROWS).with_row_index("_row"), ["_row"], cells, anchors)
    return int(hits["_row"].min()) if hits.height else None


def rows_naming(grid: pl.DataFrame, index: list[str], cells: list[str], anchors: frozenset[str]) -> pl.DataFrame:
    """The rows of `grid` (their `index` columns) whose canonical cell names include every
    anchor: all cells in one column, so the name normalisation runs once, not once per column."""
    name = canonical_expr(pl.col("value"))
    return (
        grid.unpivot(index=index, on=cells)
        .filter(name.is_in(list(anchors)))
        .group_by(index).agg(name.n_unique().alias("found"))
        .filter(pl.col("found") == len(anchors))
        .select(index)
    )


def _apply_header(grid: pl.DataFrame, header: int) -> tuple[pl.DataFrame, int]:
    if grid.is_empty():
        raise UnreadableFile("geen kopregel gevonden")
    header_cells = grid.row(header, named=True)
    data = grid.slice(header + 1)
    renames = {}
    for position, column in enumerate(c for c in grid.columns if c != "source_row"):
        label = header_cells[column]
        if label is None and data[column].null_count() == data.height:
            continue  # nameless and empty: only as wide as a title line above the header
        renames[column] = canonical_name(label) if label is not None else f"column_{position + 1}"
    names = list(renames.values())
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise UnreadableFile(f"kolom '{duplicates[0]}' komt meer dan één keer voor in de kopregel")
    frame = data.select("source_row", *renames).rename(renames)
    return frame, header_cells["source_row"]
