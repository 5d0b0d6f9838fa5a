"""Running a command as a subprocess and measuring its wall time and peak memory.

Peak memory is the larger of two figures: the peak resident set of the process (and of
any child it waited for) as the kernel reports it at exit (`wait4` → `ru_maxrss`), and
the largest sum of the resident sets of the whole process tree, polled from /proc every
0.2 s (catches children that run side by side).
"""
from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")
POLL_SECONDS = 0.2


@dataclass(frozen=True)
class Measured:
    wall_s: float
    peak_rss_bytes: int
    returncode: int

    @property
    def peak_mib(self) -> float:
        return self.peak_rss_bytes / 2**20


def _parents() -> dict[int, int]:
    """pid → parent pid of every process (from /proc/<pid>/stat)."""
    parents = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:  # the process ended while we looked
            continue
        parents[int(entry.name)] = int(stat.rpartition(")")[2].split()[1])
    return parents


def tree_rss(root: int) -> int:
    """Resident bytes of `root` and all its descendants."""
    parents = _parents()
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    total = 0
    for pid in tree:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        except OSError:
            pass
    return total


def measure(cmd: list[str], log: Path, cwd: Path, env: dict[str, str] | None = None) -> Measured:
    """Run `cmd` with its output in `log`; wall time and peak RSS of its process tree."""
    log.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=cwd, env=env)
        peak = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(POLL_SECONDS)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4: tell Popen
    return Measured(wall, max(peak, usage.ru_maxrss * 1024), proc.returncode)
