"""The markdown tables an asset shows in Dagster."""
import polars as pl

from naleving import markdown


def test_a_markdown_table_of_the_first_rows_says_how_many_more_there_are():
    first = pl.DataFrame({"kind": ["a", "b"]})
    assert markdown.table(first, limit=2, total=5).endswith("| b |\n\n… en nog 3 rijen")
    assert markdown.table(first.head(0), total=0) == "Geen rijen."
    assert "nog" not in markdown.table(first, limit=2)
