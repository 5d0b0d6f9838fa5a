"""Assembles the Dagster definitions: nothing else lives here."""
import dagster as dg

from assets import checks, evaluate, ingest, publish, validate
from pipelines.jobs import nightly
from pipelines.resources import Naleving
from pipelines.schedules import nightly_schedule
from pipelines.sensors import new_reports

defs = dg.Definitions(
    assets=dg.load_assets_from_modules([ingest, validate, evaluate, publish]),
    asset_checks=[validate.nothing_lost, *checks.gx_checks],
    jobs=[nightly],
    schedules=[nightly_schedule],
    sensors=[new_reports],
    resources={"naleving": Naleving()},
)
