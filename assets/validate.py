"""Validate: every received line accepted or quarantined with its reasons.

Lines are validated as their batch of files is taken in (stages.receive_files), so a rebuild
never stages the whole history; this asset reports what the run's files came to."""

import dagster as dg

from assets.ingest import submissions
from assets.metadata import column_schema
from naleving import markdown, stages
from naleving.warehouse import sql_text
from pipelines.resources import Naleving


@dg.asset(
    group_name="validate", deps=[submissions],
    description="Accepted report lines per type, and the quarantine with SPEC reason codes (validated as each batch of files is taken in).",
)
def report_lines(context: dg.AssetExecutionContext, naleving: Naleving) -> dg.MaterializeResult:
    con = naleving.connection()
    counts = stages.line_counts(con, context.run.run_id)
    schema = column_schema(con, "quarantine")
    reasons = con.execute(
        """SELECT reason, count(*) AS n FROM (
               SELECT unnest(string_split(reasons, ';')) AS reason
               FROM quarantine q JOIN submissions s USING (submission_id) WHERE s.run_id = ?)
           GROUP BY reason ORDER BY n DESC, reason""", [context.run.run_id]
    ).pl()
    return dg.MaterializeResult(metadata={"dagster/column_schema": schema, **counts, "quarantine_reasons": dg.MetadataValue.md(markdown.table(reasons))})


@dg.asset_check(asset=report_lines, blocking=True, description="Per file received by this run: received = accepted + quarantined, counted from the stored lines.")
def nothing_lost(context: dg.AssetCheckExecutionContext, naleving: Naleving) -> dg.AssetCheckResult:
    con = naleving.connection()
    con.execute("SET VARIABLE run_id = ?", [context.run.run_id])
    broken = con.sql(sql_text("accounting")).pl()
    return dg.AssetCheckResult(
        passed=broken.height == 0,
        metadata={"files_not_adding_up": broken.height, "files": dg.MetadataValue.md(markdown.table(broken, empty="Alle bestanden kloppen."))},
    )

