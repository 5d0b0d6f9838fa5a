"""Where a `naleving run` spends its time, stage by stage.

    python bench/profile_run.py PROFILE                      # summarise a saved profile
    python -m cProfile -o PROFILE -m naleving.cli run ...    # how to make one

Reads a cProfile file of one `naleving run` and prints the cumulative seconds of each
stage's function, with the parts within a stage that cost the most. Cumulative times of
nested entries overlap: "of which" lines are part of the line above them.
"""
from __future__ import annotations

import argparse
import pstats
from pathlib import Path

# (label, file ending, function name, indent): the stages of the nightly job in run order.
STAGES = [
    ("whole command (naleving.cli main)", "naleving/cli.py", "main", 0),
    ("imports of dagster, definitions", "naleving/cli.py", "run", 1),
    ("Dagster job (execute_in_process)", "dagster/_core/definitions/job_definition.py", "execute_in_process", 1),
    ("register: read + validate + store", "naleving/stages.py", "store_register", 2),
    ("intake: receive_files (read, validate, store)", "naleving/stages.py", "receive_files", 2),
    ("of which plain CSV files read together", "naleving/csv_batch.py", "read_csv_files", 3),
    ("of which XLSX workbooks read together", "naleving/xlsx_batch.py", "read_xlsx_files", 3),
    ("of which other files one by one (read_table)", "naleving/readers.py", "read_table", 3),
    ("of which records as JSON (_records)", "naleving/ingest.py", "_records", 3),
    ("of which archiving originals (Archive.keep_pack)", "naleving/archive.py", "keep_pack", 3),
    ("of which validation (validate_batch)", "naleving/stages.py", "validate_batch", 3),
    ("of which typing + rules (validate_lines)", "naleving/validate.py", "validate_lines", 4),
    ("of which pandera checks (schemas.violations)", "naleving/schemas.py", "violations", 5),
    ("check nothing_lost (accounting SQL)", "assets/validate.py", "nothing_lost", 2),
    ("evaluation SQL: evaluate", "naleving/stages.py", "evaluate", 2),
    ("findings SQL: derive_findings", "naleving/stages.py", "derive_findings", 2),
    ("GX checks (6 suites)", "assets/checks.py", "_check", 2),
    ("of which import great_expectations", "great_expectations/__init__.py", "<module>", 3),
    ("of which Data Docs (build_data_docs)", "abstract_data_context.py", "build_data_docs", 3),
    ("snapshot writing (snapshots.publish)", "naleving/snapshots.py", "publish", 2),
    ("summary printed by the CLI (summarize)", "naleving/summary.py", "summarize", 1),
]


def cumulative(stats: pstats.Stats, file_end: str, function: str) -> float | None:
    found = [ct for (file, _, name), (_, _, _, ct, _) in stats.stats.items()
             if file.endswith(file_end) and name == function]
    return max(found) if found else None


def summarize(profile: Path) -> list[tuple[str, float | None, int]]:
    stats = pstats.Stats(str(profile))
    rows = [(label, cumulative(stats, end, fn), indent) for label, end, fn, indent in STAGES]
    # `run` holds the job and the summary; what is left of it is importing Dagster and the definitions.
    run, job, summary = rows[1][1], rows[2][1], rows[-1][1]
    rows[1] = (rows[1][0], run - (job or 0) - (summary or 0) if run else None, rows[1][2])
    stages = sum(seconds or 0 for _, seconds, indent in rows if indent == 2)
    rows.insert(-1, ("Dagster's own work (job − stages above)", job - stages if job else None, 2))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("profile", type=Path)
    args = parser.parse_args()
    for label, seconds, indent in summarize(args.profile):
        shown = f"{seconds:9.1f} s" if seconds is not None else "        – "
        print(f"{'  ' * indent}{label:<{56 - 2 * indent}} {shown}")


if __name__ == "__main__":
    main()
