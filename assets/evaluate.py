"""Evaluate: every commitment as of the run's date, and the findings that follow."""

import dagster as dg
import polars as pl

from assets.validate import report_lines
from assets.metadata import column_schema
from naleving import markdown, stages
from pipelines.resources import Naleving


@dg.asset(group_name="evaluate", deps=[report_lines], description="Status of every commitment as of the run's date (SPEC 3).")
def commitment_status(context: dg.AssetExecutionContext, naleving: Naleving) -> dg.MaterializeResult:
    as_of = naleving.as_of_date()
    with naleving.connect() as con:
        status = stages.evaluate(con, context.run.run_id, as_of)
        schema = column_schema(con, "commitment_status")
    by_status = status.group_by("status").len().sort("status")
    return dg.MaterializeResult(metadata={
        "dagster/column_schema": schema, "as_of": as_of.isoformat(), "commitments": status.height,
        **{f"status_{s}": n for s, n in by_status.iter_rows()},
        "by_status": dg.MetadataValue.md(markdown.table(by_status)),
    })


@dg.asset(group_name="evaluate", deps=[commitment_status], description="Findings with stable ids, open/resolved lifecycle, and evidence rows.")
def findings(context: dg.AssetExecutionContext, naleving: Naleving) -> dg.MaterializeResult:
    with naleving.connect() as con:
        all_findings = stages.derive_findings(con, context.run.run_id, naleving.as_of_date())
        schema = column_schema(con, "findings")
    open_ = all_findings.filter(pl.col("status") == "open")
    severity_order = pl.col("severity").replace_strict({"high": 0, "medium": 1, "low": 2})
    preview = open_.sort(severity_order, "kind", "contract_id").select("severity", "kind", "contract_id", "commitment_id", "period", "detail")
    return dg.MaterializeResult(metadata={
        "dagster/column_schema": schema, "open": open_.height,
        "resolved_this_run": all_findings.filter(pl.col("resolved_run") == context.run.run_id).height,
        **{f"open_{k}": n for k, n in open_.group_by("kind").len().sort("kind").iter_rows()},
        "open_findings": dg.MetadataValue.md(markdown.table(preview)),
    })
