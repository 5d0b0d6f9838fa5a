"""Assembles the Dagster definitions: nothing else lives here."""
import warnings

import dagster as dg

from assets import checks, evaluate, ingest, publish, validate
from pipelines.jobs import nightly
from pipelines.resources import Naleving
from pipelines.schedules import nightly_schedule
from pipelines.sensors import new_reports

assets = dg.load_assets_from_modules([ingest, validate, evaluate, publish])
# A published table whose columns change between runs shows as a warning in the UI.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", dg.BetaWarning)  # a beta API of Dagster; the warning is noise to users
    schema_checks = dg.build_column_schema_change_checks(
        assets=[ingest.submissions, validate.report_lines, evaluate.commitment_status, evaluate.findings],
    )

defs = dg.Definitions(
    assets=assets,
    asset_checks=[validate.nothing_lost, *checks.gx_checks, *schema_checks],
    jobs=[nightly],
    schedules=[nightly_schedule],
    sensors=[new_reports],
    resources={"naleving": Naleving()},
)
