"""`naleving run` with a clock and a memory gauge on each stage of the nightly job.

    python bench/stage_timings.py STAGES.json run --data DIR --as-of DATE --warehouse FILE

Runs the command line in this process exactly as `naleving run` does (the same Dagster
job), with the library function of each stage wrapped: it adds up the seconds spent in
it, the process's CPU seconds (all threads; twice the seconds is both cores busy) and the
highest resident memory of the process while it ran (sampled every 50 ms).
Writes the figures to STAGES.json; "other" is the rest of the command: imports, Dagster's
own work, the checks' queries.
"""
from __future__ import annotations

import functools
import importlib
import json
import os
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

PART = "  of which"  # a label starting so is timed within the stage above it: no memory, not summed
STAGES = [  # (module, function, label), in the order the job runs them
    ("naleving.stages", "store_register", "register"),
    ("naleving.stages", "receive_files", "intake: read, validate, store"),
    ("naleving.stages", "validate_batch", "  of which validation"),
    ("naleving.stages", "evaluate", "evaluation SQL"),
    ("naleving.stages", "derive_findings", "findings SQL"),
    ("naleving.quality", "validate_table", "GX checks"),
    ("naleving.snapshots", "publish", "snapshot writing"),
    ("naleving.summary", "summarize", "summary"),
]
PAGE = os.sysconf("SC_PAGE_SIZE")


class Gauge(threading.Thread):
    """Samples this process's resident memory; `peak` is the highest since `reset`."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0

    def rss(self) -> int:
        return int(Path("/proc/self/statm").read_text().split()[1]) * PAGE

    def reset(self) -> None:
        self.peak = self.rss()

    def run(self) -> None:
        while True:
            self.peak = max(self.peak, self.rss())
            time.sleep(0.05)


def cpu_seconds() -> float:
    """User and system time of the whole process, all threads: how busy the two cores were."""
    times = os.times()
    return times.user + times.system


def wrap(module: str, function: str, label: str, gauge: Gauge, seconds: dict, peaks: dict, cpu: dict) -> None:
    owner = importlib.import_module(module)
    original = getattr(owner, function)

    part = label.startswith(PART)

    @functools.wraps(original)
    def timed(*args, **kwargs):
        if not part:
            gauge.reset()
        start, start_cpu = time.perf_counter(), cpu_seconds()
        try:
            return original(*args, **kwargs)
        finally:
            seconds[label] += time.perf_counter() - start
            if not part:
                peaks[label] = max(peaks[label], gauge.peak)
                cpu[label] += cpu_seconds() - start_cpu

    setattr(owner, function, timed)  # callers look the function up on its module at call time


def main() -> int:
    out, argv = Path(sys.argv[1]), sys.argv[2:]
    start = time.perf_counter()
    gauge = Gauge()
    gauge.start()
    seconds: dict[str, float] = defaultdict(float)
    peaks: dict[str, int] = defaultdict(int)
    cpu: dict[str, float] = defaultdict(float)
    for module, function, label in STAGES:
        wrap(module, function, label, gauge, seconds, peaks, cpu)
    from naleving.cli import main as naleving

    code = naleving(argv)
    total = time.perf_counter() - start
    stages = [{"stage": label, "seconds": round(seconds[label], 2),
               "peak_mib": None if label.startswith(PART) else round(peaks[label] / 2**20),
               "cpu_s": None if label.startswith(PART) else round(cpu[label], 2)} for _, _, label in STAGES]
    counted = sum(s for label, s in seconds.items() if not label.startswith(PART))
    stages.append({"stage": "other", "seconds": round(total - counted, 2), "peak_mib": None,
                   "cpu_s": round(cpu_seconds() - sum(cpu.values()), 2)})
    out.write_text(json.dumps({"total_s": round(total, 2), "exit": code, "stages": stages}, indent=1) + "\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
