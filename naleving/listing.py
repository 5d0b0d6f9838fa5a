"""The report files of a data folder with their size and time: all of them, or only those in
the folders that changed since a listing on record.

Adding, removing or renaming a file changes its folder's time; writing into a file does not.
A night therefore takes the time of every folder on record and lists only the folders whose
time changed, and the new folders under them: on a national history of 400,000 files in
162,000 folders, 0.5 s instead of 3.5 s with the file system's metadata in memory, and far
less metadata to read from disk without. Only what changed goes back on record: the folders
listed, with their time now, and the folders gone. A file rewritten in place under its own
name shows only in a full listing (stages.FULL_LISTING_DAYS).

A full listing can be made ahead (`listed_ahead`), while the run is still starting (imports,
Dagster), in a process of its own: in a thread, every system call waited for the interpreter
lock the imports hold, and the listing took 2.5 times as long.

    python -m naleving.listing DATA   # the full listing as the process ahead writes it
"""
from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import threading
import time
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, NamedTuple

import polars as pl

# File system clocks are coarse: a file or folder changed just now could change again within
# the same tick, so its time is not trusted (put on record) until it is this old.
SETTLED_NS = 2_000_000_000
NOT_SETTLED = -1  # a folder's time on record that matches none: it is listed again next time
GONE = -2  # a folder on record that is no longer there: it leaves the record
FOLDERS = {"folder": pl.String, "mtime_ns": pl.Int64}


class ReportFile(NamedTuple):
    """A row of `Listing.files`."""
    name: str       # as auditors see it: reports/…, with forward slashes
    path: str
    size: int
    mtime_ns: int


class Listing(NamedTuple):
    files: pl.DataFrame    # ReportFile's fields, in order of name: the files of the folders listed
    folders: pl.DataFrame  # FOLDERS, in order of name: the folders listed, with their time now, and
                           # those on record that are gone (GONE); in a full listing, every folder


_ahead: dict[Path, Future] = {}


@contextmanager
def listed_ahead(data_dir: Path) -> Iterator[None]:
    """Within the block, `all_report_files(data_dir)` takes a full listing started as the block
    began (once; a second call lists anew)."""
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


def all_report_files(data_dir: Path) -> Listing:
    """Every file and folder under reports/: the listing made ahead, when there is one."""
    listed = _ahead.pop(Path(data_dir).resolve(), None)
    if listed is not None and (out := listed.result()) is not None:
        files, folders = _frames(out)
        return Listing(_with_paths(files, data_dir), folders)
    return changed_report_files(data_dir, pl.DataFrame(schema=FOLDERS))  # listed here, so that a failure is raised here


def report_files(data_dir: Path) -> pl.DataFrame:
    """Every file under reports/, at any depth, in order of name (the fields of ReportFile);
    hidden files and folders are not reports."""
    return all_report_files(data_dir).files


def changed_report_files(data_dir: Path, on_record: pl.DataFrame) -> Listing:
    """The files of the folders whose time differs from `on_record` (FOLDERS) or that are not
    on it, those folders with their time now, and the folders on record that are gone. A folder
    whose time, or one of whose files' time, has not settled goes on record as NOT_SETTLED."""
    prefix = f"{data_dir}/"
    recorded = set(on_record["folder"].to_list())
    settled_before = time.time_ns() - SETTLED_NS
    names: list[str] = []
    sizes: list[int] = []
    times: list[int] = []
    folders: list[str] = []
    folder_times: list[int] = []

    def listed(folder: str, mtime_ns: int) -> None:
        """The folder's files, and the new folders under it: those on record are checked on their own."""
        settled = mtime_ns < settled_before
        with os.scandir(prefix + folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                name = f"{folder}/{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    if name not in recorded:
                        listed(name, entry.stat(follow_symlinks=False).st_mtime_ns)
                elif entry.is_file():
                    stats = entry.stat()
                    names.append(name)
                    sizes.append(stats.st_size)
                    times.append(stats.st_mtime_ns)
                    settled = settled and stats.st_mtime_ns < settled_before
        folders.append(folder)
        folder_times.append(mtime_ns if settled else NOT_SETTLED)

    # The time of every folder on record, in order of name: neighbours on disk are read together.
    now = on_record.with_columns(now=pl.Series([_folder_time(prefix + f, f == "reports") for f in on_record["folder"].to_list()],
                                               dtype=pl.Int64))
    for folder, mtime_ns in now.filter((pl.col("now") != pl.col("mtime_ns")) & (pl.col("now") != GONE)).select("folder", "now").iter_rows():
        listed(folder, mtime_ns)
    if "reports" not in recorded and os.path.isdir(prefix + "reports"):
        listed("reports", os.stat(prefix + "reports").st_mtime_ns)
    files = pl.DataFrame({"name": pl.Series(names, dtype=pl.String), "size": pl.Series(sizes, dtype=pl.Int64),
                          "mtime_ns": pl.Series(times, dtype=pl.Int64)})
    files = _with_paths(files.sort("name"), data_dir)
    gone = now.filter(pl.col("now") == GONE).select("folder", mtime_ns="now")
    folders = pl.concat([pl.DataFrame({"folder": folders, "mtime_ns": folder_times}, schema=FOLDERS), gone])
    return Listing(files, folders.sort("folder"))


def _with_paths(files: pl.DataFrame, data_dir: Path) -> pl.DataFrame:
    """ReportFile's fields: a file's path is the data folder's, as the caller spelt it, and its name."""
    return files.select("name", (pl.lit(f"{data_dir}/") + pl.col("name")).alias("path"), "size", "mtime_ns")


def _folder_time(path: str, follow_symlinks: bool) -> int:
    """The folder's time, or GONE when it is no longer a folder (reports/ itself may be a link)."""
    try:
        stats = os.stat(path, follow_symlinks=follow_symlinks)
    except (FileNotFoundError, NotADirectoryError):
        return GONE
    return stats.st_mtime_ns if stat.S_ISDIR(stats.st_mode) else GONE


def _frames(out: bytes) -> list[pl.DataFrame]:
    """The frames as `_write_frames` wrote them: each an Arrow IPC file after its length."""
    frames, at = [], 0
    while at < len(out):
        size = int.from_bytes(out[at:at + 8], "little")
        frames.append(pl.read_ipc(io.BytesIO(out[at + 8:at + 8 + size])))
        at += 8 + size
    return frames


def _write_frames(frames: list[pl.DataFrame], out) -> None:
    for frame in frames:
        buffer = io.BytesIO()
        frame.write_ipc(buffer)
        out.write(len(buffer.getvalue()).to_bytes(8, "little") + buffer.getvalue())


if __name__ == "__main__":
    listing = all_report_files(Path(sys.argv[1]))  # no listing ahead in this process: listed here
    _write_frames([listing.files.drop("path"), listing.folders], sys.stdout.buffer)
