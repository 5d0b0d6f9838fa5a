"""The report files of a data folder, with their size and time, listed now or ahead of the run.

A national history is 100,000 files in as many folders: listing them takes 1.5 s of system
calls with the file system's metadata in memory, seconds more without. `listed_ahead` lists
while the run is still starting (imports, Dagster), in a process of its own: in a thread,
every system call waited for the interpreter lock the imports hold, and the listing took
2.5 times as long.

    python -m naleving.listing DATA   # the listing as the process ahead writes it
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, NamedTuple

import polars as pl


class ReportFile(NamedTuple):
    """A row of `report_files`."""
    name: str       # as auditors see it: reports/…, with forward slashes
    path: str
    size: int
    mtime_ns: int


_ahead: dict[Path, Future] = {}


@contextmanager
def listed_ahead(data_dir: Path) -> Iterator[None]:
    """Within the block, `report_files(data_dir)` takes a listing started as the block began
    (once; a second call lists anew)."""
    key, listed = Path(data_dir).resolve(), Future()
    process = subprocess.Popen([sys.executable, "-m", __name__, str(key)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def receive() -> None:  # as it is written: a full pipe would hold the listing up
        out, _ = process.communicate()
        listed.set_result(out if process.returncode == 0 else None)

    threading.Thread(target=receive, name="listed-ahead", daemon=True).start()
    _ahead[key] = listed
    try:
        yield
    finally:
        _ahead.pop(key, None)
        process.kill()  # when not taken, it is not needed


def report_files(data_dir: Path) -> pl.DataFrame:
    """Every file under reports/, at any depth, in order of name, with its size and time (the
    fields of ReportFile); hidden files and folders are not reports. A frame: a night's new
    files are found among a history's by a join, and only theirs become Python objects."""
    listed = _ahead.pop(Path(data_dir).resolve(), None)
    if listed is not None and (out := listed.result()) is not None:
        fields = pl.Series([os.fsdecode(out)]).str.split("\0").explode().head(-1)
        return _frame(fields.gather_every(3), fields.gather_every(3, 1), fields.gather_every(3, 2), Path(data_dir))
    return _frame(*_scan(Path(data_dir)), Path(data_dir))  # listed here, so that a failure is raised here


def _scan(data_dir: Path) -> tuple[list[str], list[int], list[int]]:
    """Names, sizes and times; os.scandir and plain lists: a night lists every file and
    folder ever sent."""
    names: list[str] = []
    sizes: list[int] = []
    times: list[int] = []

    def scan(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    scan(entry.path, f"{prefix}/{entry.name}")
                elif entry.is_file():
                    stat = entry.stat()
                    names.append(f"{prefix}/{entry.name}")
                    sizes.append(stat.st_size)
                    times.append(stat.st_mtime_ns)

    if (data_dir / "reports").is_dir():
        scan(str(data_dir / "reports"), "reports")
    return names, sizes, times


def _frame(names, sizes, times, data_dir: Path) -> pl.DataFrame:
    """The files in order of name; a file's path is the folder's and its name."""
    files = pl.DataFrame({"name": pl.Series(names, dtype=pl.String), "size": pl.Series(sizes).cast(pl.Int64),
                          "mtime_ns": pl.Series(times).cast(pl.Int64)})
    return files.sort("name").select("name", (pl.lit(f"{data_dir}/") + pl.col("name")).alias("path"), "size", "mtime_ns")


if __name__ == "__main__":
    # To the process that started it: each file's name, size and time, each ended by a NUL
    # byte, which no file name holds.
    names, sizes, times = _scan(Path(sys.argv[1]))
    sys.stdout.buffer.write(os.fsencode("".join(f"{n}\0{s}\0{t}\0" for n, s, t in zip(names, sizes, times))))
