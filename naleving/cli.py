"""`naleving run`: the nightly job once, in-process, through the scheduled job's own definition."""
from __future__ import annotations

import argparse
import atexit
import gc
import logging
import os
import sys
from contextlib import nullcontext
from datetime import date
from pathlib import Path

from naleving import config

log = logging.getLogger("naleving")


def _dagster_home(state_dir: Path) -> None:
    """Keep Dagster's run history in the state folder, with telemetry off."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str((state_dir / "dagster").resolve())))
    home.mkdir(parents=True, exist_ok=True)
    settings = home / "dagster.yaml"
    if not settings.exists():
        settings.write_text("telemetry:\n  enabled: false\n", encoding="utf-8")


def _failure_message(result) -> str:
    """The first step failure, as the user's problem rather than a stack trace."""
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            while error.cause is not None and error.cls_name not in ("RegisterError",):
                error = error.cause
            return error.message.strip().removeprefix(f"naleving.register.{error.cls_name}: ").removeprefix(f"{error.cls_name}: ")
    failed_checks = [e.asset_check_evaluation_data.check_name for e in result.all_events
                     if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.asset_check_evaluation_data.passed]
    return "controle(s) niet geslaagd: " + ", ".join(failed_checks) if failed_checks else "onbekende fout"


def run(data: Path, as_of: date, warehouse: Path, every_file: bool = False) -> int:
    from naleving.listing import listed_ahead

    # A first run, or one asked to, lists every report file: ahead, while Dagster and the job
    # are imported and started.
    with listed_ahead(data) if every_file or not warehouse.exists() else nullcontext():
        return _run_job(data, as_of, warehouse, every_file)


def _run_job(data: Path, as_of: date, warehouse: Path, every_file: bool) -> int:
    import dagster as dg
    from naleving import stages, summary, warehouse as wh
    from pipelines.definitions import defs

    _dagster_home(warehouse.parent)
    log.info("Naleving-run op %s per %s; warehouse %s", data, as_of.strftime("%d-%m-%Y"), warehouse)
    run_config = {
        "resources": {"naleving": {"config": {"data_dir": str(data), "warehouse": str(warehouse), "as_of": as_of.isoformat(),
                                              "every_file": every_file}}},
        "loggers": {"console": {"config": {"log_level": "CRITICAL"}}},  # our own message says what failed
    }
    job = defs.resolve_job_def("nightly")
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(run_config=run_config, instance=instance, raise_on_error=False)
    with wh.connect(warehouse) as con:
        if not result.success:
            stages.finish_run(con, result.run_id, "failed")
            print(f"De run is niet voltooid: {_failure_message(result)}", file=sys.stderr)
            print("De laatst gepubliceerde stand is ongewijzigd.", file=sys.stderr)
            return 1
        print(summary.summarize(con, result.run_id))
    print(f"Warehouse: {warehouse}")
    return 0


def verify_command(folder: Path) -> int:
    from naleving.verify import verify

    verdict = verify(folder)
    for problem in verdict.problems:
        print(problem)
    print(verdict.summary())
    return 1 if verdict.problems else 0


def serve_command(state: Path, tokens: Path, host: str, port: int) -> int:
    import uvicorn

    from naleving.audit_api import create_app

    print(f"Audit-API op http://{host}:{port}/docs (snapshots in {state / 'snapshots'})")
    uvicorn.run(create_app(state, tokens), host=host, port=port, log_level="warning")
    return 0


def _as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"geen datum JJJJ-MM-DD: {text!r}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="naleving", description="Controle op de naleving van contractafspraken.")
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="draai de nachtelijke run één keer")
    run_parser.add_argument("--data", type=Path, default=config.DEFAULT_DATA_DIR, help="datamap (standaard: sample_data)")
    run_parser.add_argument("--as-of", type=_as_of, default=None, help="peildatum JJJJ-MM-DD (standaard: vandaag)")
    run_parser.add_argument("--warehouse", type=Path, default=config.DEFAULT_STATE_DIR / config.WAREHOUSE_FILE,
                            help="DuckDB-bestand (standaard: .naleving/naleving.duckdb)")
    run_parser.add_argument("--alle-bestanden", action="store_true",
                            help="bekijk elk bestand in reports/, ook in mappen die niet veranderd zijn "
                                 "(gebeurt vanzelf eens per week)")
    verify_parser = commands.add_parser("verify", help="controleer alle hashes van de gepubliceerde bewijslast en de keten")
    verify_parser.add_argument("folder", nargs="?", type=Path, default=config.DEFAULT_STATE_DIR,
                               help="statusmap of snapshotmap (standaard: .naleving)")
    serve_parser = commands.add_parser("serve", help="start de alleen-lezen audit-API over de gepubliceerde snapshots")
    serve_parser.add_argument("--state", type=Path, default=config.DEFAULT_STATE_DIR, help="statusmap (standaard: .naleving)")
    serve_parser.add_argument("--tokens", type=Path, default=Path("config/audit_tokens.toml"),
                              help="bestand met sha256-hashes van de bearer tokens")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    if args.command == "verify":
        return verify_command(args.folder)
    if args.command == "serve":
        return serve_command(args.state, args.tokens, args.host, args.port)
    if not log.handlers:  # main() may run more than once in a process (tests)
        progress = logging.StreamHandler(sys.stderr)
        progress.setFormatter(logging.Formatter("· %(message)s"))
        log.addHandler(progress)
        log.setLevel(logging.INFO)
    # At exit all is written and closed: Python's last collection, over the ~450,000 objects
    # Dagster, GX and pandas leave behind, took another second.
    atexit.register(gc.freeze)
    return run(args.data, args.as_of or config.today(), args.warehouse, args.alle_bestanden)


if __name__ == "__main__":
    sys.exit(main())
