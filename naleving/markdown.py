"""Small markdown tables for Dagster metadata: what a person sees of an asset in the UI."""
from __future__ import annotations

import polars as pl


def table(frame: pl.DataFrame, limit: int = 50, empty: str = "Geen rijen.") -> str:
    if frame.height == 0:
        return empty
    head = "| " + " | ".join(frame.columns) + " |\n|" + "---|" * frame.width + "\n"
    rows = "\n".join("| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in frame.head(limit).iter_rows())
    more = f"\n\n… en nog {frame.height - limit} rijen" if frame.height > limit else ""
    return head + rows + more
