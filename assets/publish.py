"""Publish: only after every blocking check passed, the run is completed and its evidence snapshot written."""
import dagster as dg

from assets.evaluate import findings
from naleving import snapshots, stages
from pipelines.resources import Naleving


@dg.asset(
    group_name="publish", deps=[findings],
    description="The run's evidence snapshot: published tables as Parquet, a manifest with sha256 of every file, chained to the previous one.",
)
def evidence_snapshot(context: dg.AssetExecutionContext, naleving: Naleving) -> dg.MaterializeResult:
    run_id = context.run.run_id
    con = naleving.connection()
    stages.finish_run(con, run_id, "completed")
    try:
        snapshot = snapshots.publish(con, naleving.state_dir, run_id)
    except BaseException:
        stages.finish_run(con, run_id, "failed")
        raise
    manifest = snapshot.manifest()
    return dg.MaterializeResult(metadata={
        "snapshot": dg.MetadataValue.path(str(snapshot.path)),
        "sequence": snapshot.sequence, "as_of": manifest["as_of"],
        "files": len(manifest["files"]),
        "previous_manifest_sha256": manifest["previous_manifest_sha256"] or "",
    })
