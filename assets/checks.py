"""Great Expectations suites (expectations/*.json) run on what each asset published.

GX runs on bounded data: this run's rows, not whole history tables.
"""

import dagster as dg

from assets.evaluate import commitment_status, findings
from assets.validate import report_lines
from pipelines.resources import Naleving

# table → (asset it belongs to, query of the rows this run is answerable for)
SUITES = {
    "submissions": (report_lines, "SELECT * FROM submissions WHERE run_id = $run_id"),
    "quarantine": (report_lines, "SELECT q.* FROM quarantine q JOIN submissions s USING (submission_id) WHERE s.run_id = $run_id"),
    "commitment_status": (commitment_status, "SELECT * FROM commitment_status WHERE run_id = $run_id"),
    "findings": (findings, "SELECT * FROM findings WHERE last_seen_run = $run_id OR resolved_run = $run_id"),
    "finding_evidence": (findings, "SELECT e.* FROM stored_evidence e JOIN findings f USING (finding_id) WHERE f.last_seen_run = $run_id"),
    "runs": (findings, "SELECT * FROM runs WHERE run_id = $run_id"),
}


def _suite_check(table: str, asset, query: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=asset, name=f"gx_{table}", blocking=True, description=f"Great Expectations suite expectations/{table}.json")
    def _check(context: dg.AssetCheckExecutionContext, naleving: Naleving) -> dg.AssetCheckResult:
        from naleving.quality import validate_table  # GX import is slow; only when a check runs

        con = naleving.connection()
        frame = con.execute(query, {"run_id": context.run.run_id}).pl()
        report = validate_table(table, frame, naleving.state_dir / "gx_docs")
        return dg.AssetCheckResult(
            passed=report.success,
            metadata={
                "rows": frame.height, "expectations": report.evaluated,
                "failed": dg.MetadataValue.md("\n".join(f"- {line}" for line in report.failed) or "Geen."),
                **({"data_docs": dg.MetadataValue.path(str(report.docs_index))} if report.docs_index else {}),
            },
        )

    return _check


gx_checks = [_suite_check(table, asset, query) for table, (asset, query) in SUITES.items()]
