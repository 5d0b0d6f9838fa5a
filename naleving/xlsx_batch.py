"""Reading many XLSX workbooks together (SPEC 1.1), with the result `readers.read_table`
gives for each of them.

Each workbook's first sheet is loaded on its own, but making its cells text, finding its
header below a title block and naming its columns took a dozen polars steps a workbook: with
the loads, 7.2 s of CPU for a national history's 2,060 workbooks, a tenth of the intake's CPU
for a fiftieth of its lines. Here those steps run once for a chunk's workbooks stacked (4.5 s
in chunks of 10, of which the loads 3.6 s).
A workbook that cannot be loaded, or whose header is not found or not plain, is left to
`read_table`, which says why or judges it.
"""
from __future__ import annotations

from concurrent.futures import Executor

import fastexcel
import polars as pl

from naleving.chunks import Chunk, split_by_header
from naleving.readers import HEADER_SEARCH_ROWS, clean_cells, rows_naming, xlsx_cells, xlsx_loads, xlsx_width

KEYS = ("file", "source_row")


def read_xlsx_files(contents: list[bytes], anchors: frozenset[str], workers: Executor) -> Chunk:
    """Read the workbooks among `contents` (each named *.xlsx), their sheets loaded on
    `workers`: their data lines, grouped by header, as `read_table` would give them."""
    chunk = Chunk({}, {}, set())
    loaded = [(i, loads) for i, loads in enumerate(workers.map(_loads, contents)) if loads is not None]
    width = max((xlsx_width(loads) for _, loads in loaded), default=0)
    if width:  # sheets without a column (empty) are left to read_table
        stacked = pl.concat([loads.with_columns(pl.lit(i, pl.Int64).alias("file")) for i, loads in loaded],
                            how="diagonal_relaxed")  # a narrower sheet's missing columns: empty
        grid = clean_cells(stacked.select(*KEYS, *xlsx_cells(width)), keys=KEYS)
        grid = _from_header(grid, anchors)
        keys = (pl.lit(False).alias("decimal_comma"), pl.lit(width, pl.Int64).alias("width"))
        split_by_header(grid.select(*KEYS, *keys, pl.exclude(KEYS)), anchors, chunk)
    chunk.left.update(i for i in range(len(contents)) if i not in chunk.headers)
    return chunk


def _loads(data: bytes) -> pl.DataFrame | None:
    try:
        return xlsx_loads(data)
    except fastexcel.FastExcelError:
        return None  # left to read_table, which says why


def _from_header(grid: pl.DataFrame, anchors: frozenset[str]) -> pl.DataFrame:
    """Each workbook's rows from its header on: the first of its first HEADER_SEARCH_ROWS
    rows that names every anchor, as `readers._anchor_row` finds it. Workbooks without one
    are left out."""
    cells = [c for c in grid.columns if c not in KEYS]
    grid = grid.with_row_index("_row")
    top = grid.filter(pl.int_range(pl.len()).over("file") < HEADER_SEARCH_ROWS)
    found = rows_naming(top, ["file", "_row"], cells, anchors)
    headers = found.group_by("file").agg(pl.col("_row").min().alias("_header"))
    return (grid.join(headers, on="file", maintain_order="left")
            .filter(pl.col("_row") >= pl.col("_header")).drop("_row", "_header"))
