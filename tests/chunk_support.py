"""Comparing files read together (csv_batch, xlsx_batch) with each read alone (readers.read_table)."""
import polars as pl

from naleving.chunks import Chunk
from naleving.ingest import ANCHORS
from naleving.readers import read_table


def by_file(chunk: Chunk, names: list[str]) -> tuple[dict[str, pl.DataFrame], set[str]]:
    """Each file's lines as `chunk` read them, shaped as `as_read_alone` gives them, by name;
    and the names of the files it left to read_table."""
    lines = {
        names[i]: chunk.lines[columns].filter(pl.col("file") == i).drop("file").select("source_row", *columns, "decimal_comma")
        for i, columns in chunk.headers.items()
    }
    return lines, {names[i] for i in chunk.left}


def as_read_alone(data: bytes, name: str) -> pl.DataFrame:
    table = read_table(data, name, ANCHORS)
    return table.frame.with_columns(pl.lit(table.decimal_comma).alias("decimal_comma"))
