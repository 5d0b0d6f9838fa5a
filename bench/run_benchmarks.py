"""National-scale benchmark of Naleving: prints figures; see BENCHMARKS.md.

    .venv/bin/python bench/run_benchmarks.py [--scale S] [--histories 1,2,4] [--nights N] [--work DIR] [--pandas-files N]

On one machine, in one run, at `--scale S` of the national world (1.0: 50,000 contracts,
about 150,000 commitments, 100,000 report files, 20 million lines):

1. full rebuild: `naleving run` on a fresh warehouse over the whole history;
2. a night: the world's 1,000 held-back files (about 200,000 lines) on top of that
   history, end to end through the Dagster job; the same with 2× and 4× the history (the
   same contracts with 2× and 4× the report files and lines; `--histories 1` leaves them out,
   for a national world on a machine where they would take hours); each night is run
   `--nights` times (default 5), every time from a copy of the same warehouse and state, in
   rounds that run it once on each history in turn, and its median counts: one run of the
   same code moves by 10–35 % with the machine's state;
3. the lower bound: DuckDB reading the same CSV files once (bench/duckdb_read.py), with the
   files in memory and again with them on disk; and, as a reference, DuckDB reading them
   and keeping the lines in a database file, as the warehouse keeps lines. Each rebuild
   starts with its world's files on disk (bench/page_cache.py), as a rebuild of files
   received long ago does;
4. the straightforward alternative: pandas + Python loops over the rows
   (bench/pandas_baseline.py), on an even sample of files, extrapolated by bytes.

Every measure is a subprocess: wall time, and peak RSS of its process tree (bench/measure.py);
each `naleving run` goes through bench/stage_timings.py, which also records the seconds and
peak memory of each stage of the job.
The worlds and warehouses stay under WORK/scale-S/ (outside the repository) for inspection;
a rerun replaces them.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import date, datetime
from importlib import metadata
from pathlib import Path

import page_cache
from measure import Measured, measure

from naleving import sample_world

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
AS_OF = sample_world.AS_OF   # the generated world's evaluation date
NIGHT = sample_world.NIGHT   # the night after it, when the held-back files arrive
HISTORIES = (1, 2, 4)        # history factors: files per contract 2, 4, 8 (1 always comes first)
NIGHTS = 5                   # runs of each night, each from the same state; the median counts
WRITTEN_ONCE = ("archive", "snapshots")  # state folders whose files are never written over
TARGET_NIGHT_S = 60
TARGET_REBUILD_RATIO = 3
TARGET_PEAK_GIB = 4


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def child_env() -> dict[str, str]:
    """The environment of every subprocess: no outside Dagster home or Naleving settings."""
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME" and not k.startswith("NALEVING_")}
    return env | {"PYTHONUNBUFFERED": "1"}


def log_file(logs: Path, label: str) -> Path:
    return logs / (label.replace(" ", "_").replace("×", "x") + ".log")


def run_step(label: str, cmd: list[str], logs: Path) -> Measured:
    measured = measure(cmd, log_file(logs, label), cwd=REPO, env=child_env())
    log(f"{label}: {measured.wall_s:.1f} s, peak {measured.peak_mib:,.0f} MiB; load average {os.getloadavg()[0]:.2f}")
    if measured.returncode != 0:
        tail = log_file(logs, label).read_text(errors="replace").splitlines()[-20:]
        sys.exit(f"{label} failed (exit {measured.returncode}); last lines of {log_file(logs, label)}:\n" + "\n".join(tail))
    return measured


def last_json(logs: Path, label: str) -> dict:
    """The JSON object a measuring script prints last."""
    return json.loads(log_file(logs, label).read_text().splitlines()[-1])


def naleving_run(data: Path, as_of: date, warehouse: Path, stages: Path) -> list[str]:
    """`naleving run`, with the seconds and memory of each stage written to `stages`."""
    return [PYTHON, str(REPO / "bench" / "stage_timings.py"), str(stages), "run", "--data", str(data),
            "--as-of", as_of.isoformat(), "--warehouse", str(warehouse)]


def machine() -> dict:
    memory_kib = int(next(line for line in Path("/proc/meminfo").read_text().splitlines()
                          if line.startswith("MemTotal")).split()[1])
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(memory_kib / 2**20, 1),
            "load_average_at_start": round(os.getloadavg()[0], 2), "python": platform.python_version(),
            **{name: metadata.version(name) for name in ("polars", "duckdb", "pandas", "dagster")}}


def copy_state(source: Path, target: Path) -> None:
    """A copy of a state folder for a night to run on. The archive and the snapshots are
    files written once and renamed into place, never written over, so they are linked,
    not copied: copying their gigabytes before every night pushed the file system's
    metadata and the libraries out of memory, and the night waited for the disk."""
    def link_or_copy(src: str, dst: str) -> None:
        if Path(src).relative_to(source).parts[0] in WRITTEN_ONCE:
            os.link(src, dst)
        else:
            shutil.copy2(src, dst)
    shutil.copytree(source, target, copy_function=link_or_copy)


def folders(root: Path, factor: int) -> tuple[Path, Path, Path]:
    """A history's world, its state, and the state its night starts from."""
    return root / f"world-{factor}x", root / f"state-{factor}x", root / f"state-{factor}x-before-night"


def history(root: Path, scale: float, factor: int, logs: Path, pandas_files: int) -> dict:
    """Generate one world, (1× only: lower bound and pandas), rebuild it, add its night's
    files and keep the state the night starts from."""
    world, state, before = folders(root, factor)
    steps = {"generate": run_step(f"generate {factor}× world", [
        PYTHON, "-m", "naleving.sample_world", "--out", str(world), "--seed", "2026", "--scale", str(scale),
        "--files-per-contract", str(2 * factor)], logs)}
    out = {"factor": factor, "world": json.loads((world / "world.json").read_text())}
    if factor == 1:  # the same files as the rebuild, before the night's files arrive
        read = [PYTHON, str(REPO / "bench" / "duckdb_read.py"), str(world), "--files-from"]
        for files_from in ("memory", "disk"):
            steps[f"duckdb {files_from}"] = run_step(f"DuckDB read from {files_from}", [*read, files_from], logs)
            out[f"duckdb_{files_from}"] = last_json(logs, f"DuckDB read from {files_from}")
        steps["duckdb keep"] = run_step("DuckDB read and keep", [
            *read, "memory", "--keep", str(root / "duckdb-kept.duckdb")], logs)
        out["duckdb_keep"] = last_json(logs, "DuckDB read and keep")
        (root / "duckdb-kept.duckdb").unlink()
        steps["pandas"] = run_step("pandas baseline", [
            PYTHON, str(REPO / "bench" / "pandas_baseline.py"), str(world), "--as-of", AS_OF.isoformat(),
            "--files", str(pandas_files)], logs)
        out["pandas"] = last_json(logs, "pandas baseline")
    page_cache.out_of_memory(world)
    steps["rebuild"] = run_step(f"full rebuild {factor}× history",
                                naleving_run(world, AS_OF, state / "naleving.duckdb", logs / f"stages-rebuild-{factor}x.json"), logs)
    steps["night files"] = run_step(f"night files {factor}×", [
        PYTHON, "-m", "naleving.sample_world", "--out", str(world), "--night"], logs)
    copy_state(state, before)
    return out | {"steps": {k: vars(m) for k, m in steps.items()},
                  "stages": {"rebuild": json.loads((logs / f"stages-rebuild-{factor}x.json").read_text())["stages"]}}


def nights_in_rounds(root: Path, runs: list[dict], logs: Path, nights: int) -> None:
    """Every history's night, `nights` times, in rounds: each round runs the night once on
    each history, one right after the other, so that the histories are compared on the
    machine of the same minutes (a whole run moves by 10–35 % with the machine's state,
    BENCHMARKS.md). Each night starts from a fresh copy of its state before the night, and
    follows the one before at once: this kind of machine pages out what was not touched
    for a minute, libraries included. The median night of each history counts."""
    timed: dict[int, list] = {r["factor"]: [] for r in runs}
    for i in range(1, nights + 1):
        for factor in timed:
            world, state, before = folders(root, factor)
            shutil.rmtree(state)
            copy_state(before, state)
            # The copies written out first: else the night's first checkpoint, which syncs the
            # warehouse file, writes the whole copy (0.1 s of the night at 0.1 on 4× history).
            os.sync()
            stages = logs / f"stages-night-{factor}x-{i}.json"
            timed[factor].append((run_step(f"night on {factor}× history, run {i}",
                                           naleving_run(world, NIGHT, state / "naleving.duckdb", stages), logs),
                                  json.loads(stages.read_text())["stages"]))
    for r in runs:
        shutil.rmtree(folders(root, r["factor"])[2])
        night, r["stages"]["night"] = sorted(timed[r["factor"]], key=lambda run: run[0].wall_s)[(nights - 1) // 2]
        r["steps"]["night"] = vars(night)
        r["night_runs_s"] = [round(m.wall_s, 1) for m, _ in timed[r["factor"]]]
        r["night_peak_rss_bytes"] = max(m.peak_rss_bytes for m, _ in timed[r["factor"]])


# --- the printed report ---------------------------------------------------------------


def n(value: float) -> str:
    return f"{value:,.0f}"


def stage_table(runs: list[dict], title: str, cell) -> list[str]:
    """One line per stage, a column for every rebuild and night; `cell` formats a stage's entry."""
    columns = [(f"{run} {r['factor']}×", r["stages"][run]) for run in ("rebuild", "night") for r in runs]
    lines = [f"{title:<30}" + "".join(f"{name:>16}" for name, _ in columns)]
    for i, stage in enumerate(columns[0][1]):
        lines.append(f"{stage['stage']:<30}" + "".join(cell(s[i]) for _, s in columns))
    return lines


def seconds_and_peak(stage: dict) -> str:
    peak = stage["peak_mib"]
    return f"{stage['seconds']:>7.1f}" + (f" ({peak:>6,})" if peak is not None else " " * 9)


def cpu_only(stage: dict) -> str:
    cpu = stage.get("cpu_s")
    return f"{cpu:>7.1f}" + " " * 9 if cpu is not None else " " * 16


def report(scale: float, info: dict, runs: list[dict], command: str) -> str:
    one = runs[0]
    steps = {r["factor"]: {k: Measured(**m) for k, m in r["steps"].items()} for r in runs}
    memory, disk, pandas = one["duckdb_memory"], one["duckdb_disk"], one["pandas"]
    rebuild = steps[1]["rebuild"].wall_s
    lines = [
        f"Naleving benchmark — scale {scale:g} of the national world (1.0 = 50,000 contracts)",
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB RAM, load average "
        f"{info['load_average_at_start']} at start, {info['load_average_at_end']} at end (shared machine); "
        f"Python {info['python']}, polars {info['polars']}, "
        f"DuckDB {info['duckdb']}, pandas {info['pandas']}, Dagster {info['dagster']}",
        f"Command: {command}",
        "",
        "generated worlds (each also holds the core sample world: "
        f"{len(sample_world.CONTRACTS)} contracts, {len(sample_world.COMMITMENTS)} commitments, {len(sample_world.core_reports())} files):",
        f"{'world':<12}{'contracts':>11}{'commitments':>13}{'hist. files':>13}{'hist. lines':>14}"
        f"{'night files':>13}{'night lines':>13}",
    ]
    for r in runs:
        w = r["world"]
        lines.append(f"{str(r['factor']) + '× history':<12}{n(w['contracts']):>11}{n(w['commitments']):>13}"
                     f"{n(w['history']['files']):>13}{n(w['history']['lines']):>14}"
                     f"{n(w['night']['files']):>13}{n(w['night']['lines']):>13}")
    lines += ["", f"{'measure':<52}{'wall s':>9}{'peak MiB':>10}  target"]

    def row(label: str, m: Measured, target: str = "") -> None:
        lines.append(f"{label:<52}{m.wall_s:>9.1f}{m.peak_mib:>10,.0f}  {target}")

    for factor in steps:
        row(f"generate {factor}× world (history)", steps[factor]["generate"])
    for factor in steps:
        row(f"full rebuild, {factor}× history", steps[factor]["rebuild"],
            f"≤ {TARGET_REBUILD_RATIO}× DuckDB read; files on disk" if factor == 1 else "files on disk")
    for r in runs:
        night, walls = steps[r["factor"]]["night"], r["night_runs_s"]
        row(f"night ({n(r['world']['night']['files'])} files) on {r['factor']}× history, median", night,
            f"≤ {TARGET_NIGHT_S} s: {'met' if night.wall_s <= TARGET_NIGHT_S else 'MISSED'}"
            f"  (runs: {', '.join(f'{w:.1f}' for w in walls)} s)")
    for files_from, read in (("memory", memory), ("disk", disk)):
        row(f"DuckDB reads the CSV files from {files_from} (read {read['read_s']:.1f} s)", steps[1][f"duckdb {files_from}"])
    row(f"DuckDB reads and keeps them in a file ({one['duckdb_keep']['read_s']:.1f} s)", steps[1]["duckdb keep"])
    row(f"pandas row by row, {pandas['files_read']:,} of {pandas['files_total']:,} files (sample)", steps[1]["pandas"])
    lines += ["", "night columns: the median run", *stage_table(runs, "per stage: seconds (peak MiB)", seconds_and_peak),
              "", *stage_table(runs, "per stage: CPU seconds", cpu_only)]
    peak = max(*(s["rebuild"].peak_rss_bytes for s in steps.values()), *(r["night_peak_rss_bytes"] for r in runs)) / 2**30
    nights = {f: s["night"].wall_s for f, s in steps.items()}
    growth = ", ".join(f"{f}× / 1× = {nights[f] / nights[1]:.2f}" for f in nights if f != 1)
    lines += [
        "",
        f"lower bound (DuckDB read of {n(memory['rows'])} CSV lines in {n(memory['csv_files'])} files, "
        f"{memory['xlsx_files_left_out']} XLSX left out): {memory['read_s']:.1f} s from memory, {disk['read_s']:.1f} s from disk",
        *(f"rebuild (files on disk) / read from {files_from}: {rebuild / read['read_s']:.2f}  (target ≤ {TARGET_REBUILD_RATIO}: "
          f"{'met' if rebuild / read['read_s'] <= TARGET_REBUILD_RATIO else 'MISSED'})"
          for files_from, read in (("memory", memory), ("disk", disk))),
        f"reference, not a bound: DuckDB reading and keeping the lines in a database file takes "
        f"{one['duckdb_keep']['read_s'] / memory['read_s']:.1f}× its read from memory; rebuild / that: "
        f"{rebuild / one['duckdb_keep']['read_s']:.1f}",
        f"pandas estimate for all files: {pandas['estimated_total_s']:,.0f} s (register {pandas['register_s']} s + "
        f"per-line work × {pandas['extrapolation_factor']} + commitments {pandas['commitment_evaluation_s']} s); "
        f"pandas / rebuild: {pandas['estimated_total_s'] / rebuild:.2f}",
        f"night growth with history (medians): {growth or 'not measured (1× only)'}"
        "  (target: the night grows with the new data, not with the history)",
        f"peak memory of all pipeline runs: {peak:.2f} GiB  (target ≤ {TARGET_PEAK_GIB} GiB: "
        f"{'met' if peak <= TARGET_PEAK_GIB else 'MISSED'})",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the national world (default 1.0)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "naleving-bench",
                        help="where worlds and warehouses go (outside the repository)")
    parser.add_argument("--pandas-files", type=int, default=2000, metavar="N",
                        help="report files the pandas baseline reads (an even sample; default 2000)")
    parser.add_argument("--histories", default=",".join(map(str, HISTORIES)), metavar="1,2,4",
                        help="history factors to run (default 1,2,4; 1 is always run, first)")
    parser.add_argument("--nights", type=int, default=NIGHTS, metavar="N",
                        help=f"runs of each night, each from the same state; the median counts (default {NIGHTS})")
    args = parser.parse_args()
    if args.nights < 1:  # before the earlier results are removed
        sys.exit("--nights: at least 1")
    histories = sorted({1, *(int(f) for f in args.histories.split(","))})
    root = args.work.resolve() / f"scale-{args.scale:g}"
    if REPO in root.parents or root == REPO:
        sys.exit(f"{root} lies inside the repository; choose another --work")
    shutil.rmtree(root, ignore_errors=True)
    logs = root / "logs"
    info = machine()
    started = time.perf_counter()
    log(f"benchmark at scale {args.scale:g} in {root}")
    runs = [history(root, args.scale, factor, logs, args.pandas_files) for factor in histories]
    nights_in_rounds(root, runs, logs, args.nights)
    command = (f"{Path(PYTHON).relative_to(REPO) if REPO in Path(PYTHON).parents else PYTHON} bench/run_benchmarks.py "
               f"--scale {args.scale:g}" + ("" if tuple(histories) == HISTORIES else f" --histories {','.join(map(str, histories))}")
               + ("" if args.nights == NIGHTS else f" --nights {args.nights}"))
    info["load_average_at_end"] = round(os.getloadavg()[0], 2)
    total = time.perf_counter() - started
    (root / "results.json").write_text(json.dumps({"scale": args.scale, "machine": info, "runs": runs,
                                                   "total_s": total}, indent=2, default=str) + "\n")
    text = report(args.scale, info, runs, command)
    print(text + f"\n(whole benchmark: {total / 60:.1f} min; logs and results.json in {root})")


if __name__ == "__main__":
    main()
