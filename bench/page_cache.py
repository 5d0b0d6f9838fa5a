"""Whether a folder's files are read from memory or from disk.

DuckDB's read of the national files took 21.7 s with the files in the page cache and 27.2 s
with them read from disk, on one machine within minutes (BENCHMARKS.md); a rebuild took 72.5
and 73.8 s. Left to chance, the lower bound moved by 30 % between runs, so each measure that
reads a world's files states which it had.
"""
from __future__ import annotations

import os
from pathlib import Path

CHUNK = 1 << 20


def _files(folder: Path) -> list[Path]:
    return [p for p in Path(folder).rglob("*") if p.is_file()]


def into_memory(folder: Path) -> None:
    """Read every file once, so that the next reader finds them all in the page cache."""
    for path in _files(folder):
        with path.open("rb", buffering=0) as handle:
            while handle.read(CHUNK):
                pass


def out_of_memory(folder: Path) -> None:
    """Drop the files from the page cache, so that the next reader reads them from disk. Pages
    not yet written out stay, hence the sync first. Needs no privilege: only these files go."""
    os.sync()
    for path in _files(folder):
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(descriptor)
