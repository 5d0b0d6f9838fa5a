"""The nightly job: every asset, in order, in one process (they share one connection to the DuckDB file)."""
import dagster as dg

nightly = dg.define_asset_job(
    "nightly",
    selection=dg.AssetSelection.all(),
    description="Ontvangt nieuwe rapportages, valideert ze, evalueert alle toezeggingen en publiceert de bevindingen.",
    executor_def=dg.in_process_executor,
)
