"""Ingest: the buyer's register and the supplier files received."""

import dagster as dg
import polars as pl

from assets.metadata import column_schema
from naleving import markdown, quality, stages
from pipelines.resources import Naleving


@dg.asset(group_name="ingest", description="Contract register, commitments and valuation tables, validated as a whole.")
def contract_register(context: dg.AssetExecutionContext, naleving: Naleving) -> dg.MaterializeResult:
    con = naleving.connection()
    stages.start_run(con, context.run.run_id, naleving.as_of_date(), naleving.data_path)
    counts = stages.store_register(con, naleving.data_path, naleving.archive)
    return dg.MaterializeResult(metadata={"contracts": counts["contracts"], "commitments": counts["commitments"]})


@dg.asset(
    group_name="ingest", deps=[contract_register],
    description="Submissions ledger (one row per file, keyed by sha256); new files are read, validated and stored a batch at a time.",
)
def submissions(context: dg.AssetExecutionContext, naleving: Naleving) -> dg.MaterializeResult:
    con = naleving.connection()
    # The report lines' checks import GX next: it has the core the last batches leave idle.
    received = stages.receive_files(con, naleving.data_path, context.run.run_id, naleving.archive,
                                    all_read=quality.import_gx_in_background, every_file=naleving.every_file)
    schema = column_schema(con, "submissions")
    ledger = received.select(
        pl.col("file_name").alias("bestand"), "status", pl.col("refusal_reason").alias("reden"), pl.col("rows_received").alias("regels"))
    by_status = ledger.group_by("status").len().sort("status").iter_rows()
    return dg.MaterializeResult(metadata={
        "dagster/column_schema": schema, "new_files": ledger.height, **{f"files_{status}": n for status, n in by_status},
        "preview": dg.MetadataValue.md(markdown.table(ledger, empty="Geen nieuwe bestanden.")),
    })
