"""Publish: the run is entered as completed only after every blocking check passed."""

import dagster as dg

from assets.evaluate import findings
from naleving import stages
from pipelines.resources import Naleving


@dg.asset(group_name="publish", deps=[findings], description="The run ledger entry: this run's tables are complete and checked.")
def published_run(context: dg.AssetExecutionContext, naleving: Naleving) -> dg.MaterializeResult:
    with naleving.connect() as con:
        stages.finish_run(con, context.run.run_id, "completed")
    return dg.MaterializeResult(metadata={"run_id": context.run.run_id, "as_of": naleving.as_of_date().isoformat()})
