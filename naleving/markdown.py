"""Small markdown tables for Dagster metadata: what a person sees of an asset in the UI."""
from __future__ import annotations

import polars as pl


ROWS_SHOWN = 50


def table(frame: pl.DataFrame, limit: int = ROWS_SHOWN, empty: str = "Geen rijen.", total: int | None = None) -> str:
    """The first `limit` rows of `frame`; `total`: the rows there are, when the frame holds only the first."""
    total = frame.height if total is None else total
    if total == 0:
        return empty
    head = "| " + " | ".join(frame.columns) + " |\n|" + "---|" * frame.width + "\n"
    rows = "\n".join("| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in frame.head(limit).iter_rows())
    more = f"\n\n… en nog {total - limit} rijen" if total > limit else ""
    return head + rows + more
