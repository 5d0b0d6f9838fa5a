"""Every night at 02:00 in Amsterdam."""
import dagster as dg

from pipelines.jobs import nightly

nightly_schedule = dg.ScheduleDefinition(
    name="nightly_schedule",
    job=nightly,
    cron_schedule="0 2 * * *",
    execution_timezone="Europe/Amsterdam",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
