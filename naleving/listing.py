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


class ReportFile(NamedTuple):
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


def report_files(data_dir: Path) -> list[ReportFile]:
    """Every file under reports/, at any depth, in a stable order, with its size and time;
    hidden files and folders are not reports."""
    listed = _ahead.pop(Path(data_dir).resolve(), None)
    if listed is not None and (out := listed.result()) is not None:
        return _parse(out, Path(data_dir))
    return _list(Path(data_dir))  # listed here, so that a failure is raised here


def _list(data_dir: Path) -> list[ReportFile]:
    """os.scandir and plain strings: a night lists every file and folder ever sent."""
    found: list[ReportFile] = []

    def scan(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    scan(entry.path, f"{prefix}/{entry.name}")
                elif entry.is_file():
                    stat = entry.stat()
                    found.append(ReportFile(f"{prefix}/{entry.name}", entry.path, stat.st_size, stat.st_mtime_ns))

    if (data_dir / "reports").is_dir():
        scan(str(data_dir / "reports"), "reports")
    return sorted(found)


# Between the processes a file is its name, size and time, each ended by a NUL byte, which
# no file name holds; its path is the folder's and its name.
def _write(files: list[ReportFile]) -> bytes:
    return os.fsencode("".join(f"{f.name}\0{f.size}\0{f.mtime_ns}\0" for f in files))


def _parse(out: bytes, data_dir: Path) -> list[ReportFile]:
    fields = iter(os.fsdecode(out).split("\0")[:-1])
    folder = str(data_dir)
    return [ReportFile(name, f"{folder}/{name}", int(size), int(mtime_ns)) for name, size, mtime_ns in zip(fields, fields, fields)]


if __name__ == "__main__":
    sys.stdout.buffer.write(_write(_list(Path(sys.argv[1]))))
