"""Evaluate: every commitment as of the run's date, and the findings that follow."""

import dagster as dg

from assets.validate import report_lines
from assets.metadata import column_schema
from naleving import markdown, stages
from pipelines.resources import Naleving


@dg.asset(group_name="evaluate", deps=[report_lines], description="Status of every commitment as of the run's date (SPEC 3).")
def commitment_status(context: dg.AssetExecutionContext, naleving: Naleving) -> dg.MaterializeResult:
    as_of = naleving.as_of_date()
    con = naleving.connection()
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
    run_id = context.run.run_id
    con = naleving.connection()
    stages.derive_findings(con, run_id, naleving.as_of_date())
    schema = column_schema(con, "findings")
    # counted in the warehouse: the findings grow with the history
    open_by_kind = con.execute("SELECT kind, count(*) FROM findings WHERE status = 'open' GROUP BY kind ORDER BY kind").fetchall()
    resolved = con.execute("SELECT count(*) FROM findings WHERE resolved_run = ?", [run_id]).fetchone()[0]
    preview = con.sql(f"""SELECT severity, kind, contract_id, commitment_id, period, detail FROM findings WHERE status = 'open'
                          ORDER BY CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, kind, contract_id, finding_id
                          LIMIT {markdown.ROWS_SHOWN}""").pl()
    open_ = sum(n for _, n in open_by_kind)
    return dg.MaterializeResult(metadata={
        "dagster/column_schema": schema, "open": open_, "resolved_this_run": resolved,
        **{f"open_{kind}": n for kind, n in open_by_kind},
        "open_findings": dg.MetadataValue.md(markdown.table(preview, total=open_)),
    })
