"""Validate: every received line accepted or quarantined with its reasons."""

import dagster as dg

from assets.ingest import submissions
from assets.metadata import column_schema
from naleving import markdown, stages
from naleving.warehouse import sql_text
from pipelines.resources import Naleving


@dg.asset(
    group_name="validate", deps=[submissions],
    description="Accepted report lines per type, and the quarantine with SPEC reason codes.",
)
def report_lines(naleving: Naleving) -> dg.MaterializeResult:
    with naleving.connect() as con:
        counts = stages.validate_received(con)
        schema = column_schema(con, "quarantine")
        reasons = con.sql(
            """SELECT reason, count(*) AS n FROM (SELECT unnest(string_split(reasons, ';')) AS reason FROM quarantine)
               GROUP BY reason ORDER BY n DESC, reason"""
        ).pl()
    return dg.MaterializeResult(metadata={"dagster/column_schema": schema, **counts, "quarantine_reasons": dg.MetadataValue.md(markdown.table(reasons))})


@dg.asset_check(asset=report_lines, blocking=True, description="Per file: received = accepted + quarantined, counted from the stored lines.")
def nothing_lost(naleving: Naleving) -> dg.AssetCheckResult:
    with naleving.connect() as con:
        broken = con.sql(sql_text("accounting")).pl()
    return dg.AssetCheckResult(
        passed=broken.height == 0,
        metadata={"files_not_adding_up": broken.height, "files": dg.MetadataValue.md(markdown.table(broken, empty="Alle bestanden kloppen."))},
    )

