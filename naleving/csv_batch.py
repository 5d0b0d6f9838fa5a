"""Reading many plain CSV files in one pass (SPEC 1.1), with the result `readers.read_table`
gives for each of them.

Reading file by file costs milliseconds of fixed work per file, minutes for a national
history. Most files need no judgement: the header is their first line, no line is wider than
the header and no quoted field spans lines. Those are split, parsed and cleaned here together,
a whole chunk of files in one polars pass; every other file (title blocks, ragged lines,
unreadable bytes) is left to `read_table`, which knows how to judge it. XLSX files: xlsx_batch.
"""
from __future__ import annotations

import polars as pl

from naleving.chunks import Chunk, split_by_header
from naleving.readers import UnreadableFile, clean_cells, decode_text

_QUOTED = r'"[^"]*"'


def read_csv_files(contents: list[bytes], anchors: frozenset[str]) -> Chunk:
    """Read the plain CSV files among `contents` (each named *.csv): their data lines, grouped
    by header, cells stripped and empty -> null, as `read_table` would give them."""
    texts: dict[int, str] = {}
    for i, data in enumerate(contents):
        try:
            texts[i] = decode_text(data)[0]
        except UnreadableFile:
            pass  # left to read_table, which says why
    lines = _lines(texts)
    # Judged file by file: a quote left open on a line may start a field that spans lines; a
    # line wider than the first is ragged (and would widen the parse of the whole chunk).
    odd_quotes = pl.col("line").str.count_matches('"', literal=True) % 2 == 1
    wider = pl.col("cells") > pl.col("cells").first().over("file")
    lines = lines.filter(~pl.col("file").is_in(lines.filter(odd_quotes | wider)["file"].implode()))

    chunk = Chunk({}, {}, set())
    for (semicolon,), part in lines.partition_by("semicolon", as_dict=True).items():
        if (grid := _parse(part, ";" if semicolon else ",")) is not None:
            split_by_header(grid, anchors, chunk)
    chunk.left.update(i for i in range(len(contents)) if i not in chunk.headers)
    return chunk


def _lines(texts: dict[int, str]) -> pl.DataFrame:
    """Non-blank physical lines of every file with their line numbers, whether the file's
    delimiter is ';' (the one that dominates its first line, which `read_table` tries first)
    and the cells that delimiter makes."""
    frame = pl.DataFrame({"file": list(texts), "text": list(texts.values())}, schema={"file": pl.Int64, "text": pl.String})
    text = pl.col("text").str.replace_all("\r\n", "\n", literal=True).str.replace_all("\r", "\n", literal=True)
    lines = (
        frame.select("file", text.str.split("\n").alias("line"))
        .with_columns(pl.int_ranges(1, pl.col("line").list.len() + 1, dtype=pl.Int64).alias("source_row"))
        .explode("line", "source_row")
        .filter(pl.col("line").str.strip_chars() != "")
    )
    unquoted = pl.col("line").str.replace_all(_QUOTED, "")
    lines = lines.with_columns(unquoted.str.count_matches(";", literal=True).alias("semicolons"),
                               unquoted.str.count_matches(",", literal=True).alias("commas"))
    first = pl.col("file").is_first_distinct()  # lines are in file order
    semicolon = pl.when(first).then(pl.col("semicolons") > pl.col("commas")).forward_fill()
    lines = lines.with_columns(semicolon.alias("semicolon"))
    cells = pl.when("semicolon").then("semicolons").otherwise("commas") + 1
    return lines.with_columns(cells.alias("cells")).drop("semicolons", "commas")


def _parse(lines: pl.DataFrame, delimiter: str) -> pl.DataFrame | None:
    """file, source_row, decimal_comma, the line's width in cells and its cells (c0, c1, …), for
    every non-blank line, or None when the lines do not parse into one row each."""
    header = delimiter.join(f"c{i}" for i in range(int(lines["cells"].max())))
    body = lines["line"].str.join("\n")[0]
    try:
        grid = pl.read_csv(f"{header}\n{body}\n".encode(), separator=delimiter, has_header=True,
                           infer_schema=False, quote_char='"')
    except pl.exceptions.PolarsError:
        return None
    if grid.height != lines.height:
        return None
    keys = lines.select("file", "source_row", pl.lit(delimiter == ";").alias("decimal_comma"), pl.col("cells").alias("width"))
    return clean_cells(pl.concat([keys, grid], how="horizontal"), keys=tuple(keys.columns))
