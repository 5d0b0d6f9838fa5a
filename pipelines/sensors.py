"""Starts the nightly job when files land in reports/.

The sensor never opens the warehouse (the running job may hold its lock): it compares a
fingerprint of the folder (names, sizes, modification times) with the one it saw last. The
run it starts lists every file: what changed may be a file written over in place, which a
listing of the changed folders alone does not see (listing.py).
"""

import hashlib

import dagster as dg

from naleving.listing import report_files
from pipelines.jobs import nightly
from pipelines.resources import Naleving


def folder_fingerprint(naleving: Naleving) -> str:
    digest = hashlib.sha256()
    for name, _, size, mtime_ns in report_files(naleving.data_path).iter_rows():
        digest.update(f"{name}|{size}|{mtime_ns}\n".encode())
    return digest.hexdigest()


@dg.sensor(job=nightly, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def new_reports(context: dg.SensorEvaluationContext, naleving: Naleving) -> dg.SensorResult | dg.SkipReason:
    fingerprint = folder_fingerprint(naleving)
    if fingerprint == context.cursor:
        return dg.SkipReason("Geen nieuwe of gewijzigde bestanden in reports/.")
    every_file = {"resources": {"naleving": {"config": {"every_file": True}}}}
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=fingerprint, run_config=every_file)], cursor=fingerprint)
