"""Files read together: each file's header row and data rows split into lines by header,
the way `readers.read_table` would name them one file at a time (csv_batch, xlsx_batch)."""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from naleving.columns import canonical_name


@dataclass(frozen=True)
class Chunk:
    headers: dict[int, tuple[str, ...]]         # file (index into the chunk) -> its columns, for the files read here
    lines: dict[tuple[str, ...], pl.DataFrame]  # header -> "file", "source_row", "decimal_comma", then its columns
    left: set[int]                              # files for `read_table`


def split_by_header(grid: pl.DataFrame, anchors: frozenset[str], chunk: Chunk) -> None:
    """Split the rows (file, source_row, decimal_comma, width, then cells c0, c1, …; each
    file's header row first) into each file's header and data; files whose header is plain
    go into `chunk` by header."""
    if grid.is_empty():
        return
    cells = grid.columns[4:]
    is_header = pl.col("file").is_first_distinct()
    header, data = grid.filter(is_header), grid.filter(~is_header)
    labels = header.unpivot(index=["file", "width"], on=cells, variable_name="cell", value_name="label")
    names = {label: canonical_name(label) for label in labels["label"].drop_nulls().unique()}
    position = pl.col("cell").str.strip_prefix("c").cast(pl.Int64)
    per_file = (
        labels.with_columns(position.alias("position"), pl.col("label").replace_strict(names, default=None))
        .sort("file", "position")
        .group_by("file", maintain_order=True)
        .agg(pl.col("label").drop_nulls().alias("names"),
             pl.col("position").filter(pl.col("label").is_null()).min().fill_null(len(cells)).alias("named"),
             pl.col("width").first())
        .filter(pl.col("names").list.len() == pl.col("named"))
    )
    # Plain: named cells first, then only empty ones, and no data line reaching past the names.
    # No line is wider than its file's header line, so only a header with empty cells after
    # its names can have such a data line.
    wide = per_file.filter(pl.col("width") > pl.col("named"))
    if wide.height:
        reach = _data_width(data.filter(pl.col("file").is_in(wide["file"].implode())), cells)
        per_file = per_file.join(reach, on="file", how="left").filter(pl.col("reach").fill_null(0) <= pl.col("named"))
    for (names_of_header,), files in per_file.group_by(pl.col("names").list.join("\x1f"), maintain_order=True):
        columns = tuple(names_of_header.split("\x1f"))
        if len(set(columns)) < len(columns) or not anchors <= set(columns):
            continue  # a title block above the header, or a name used twice
        chunk.headers.update(dict.fromkeys(files["file"], columns))
        lines = data.filter(pl.col("file").is_in(files["file"].implode())).select(
            "file", "source_row", "decimal_comma", *(pl.col(c).alias(n) for c, n in zip(cells, columns)))
        chunk.lines[columns] = pl.concat([chunk.lines[columns], lines]) if columns in chunk.lines else lines


def _data_width(data: pl.DataFrame, cells: list[str]) -> pl.DataFrame:
    """Per file, how many cells its widest data line fills (up to its last non-empty cell)."""
    last = pl.max_horizontal([pl.when(pl.col(c).is_not_null()).then(pl.lit(i + 1)) for i, c in enumerate(cells)])
    return data.group_by("file").agg(last.max().alias("reach"))
