"""Dispositions: what a contract manager did about a finding, kept append-only in SQLite.

The portal shows them live from `<state>/dispositions.sqlite`; the snapshot publisher copies
the table into the next evidence snapshot, so auditors see every decision.
"""
from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

import polars as pl

from naleving import config
from naleving.snapshots import DISPOSITIONS_DB

SCHEMA_SQL = Path(__file__).with_name("dispositions.sql")
ACTIONS = ("acknowledged", "in_dialogue", "penalty_imposed", "waived")
REASON_MAX = 2000
LATEST_SCHEMA = {"finding_id": pl.String, "handling": pl.String, "handled_at": pl.String}


class DispositionError(ValueError):
    """A disposition that cannot be recorded; the message is for the contract manager."""


class Dispositions:
    def __init__(self, state_dir: Path):
        self.path = state_dir / DISPOSITIONS_DB
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as con:
            con.executescript(SCHEMA_SQL.read_text(encoding="utf-8"))
        self._latest: tuple[int | None, pl.DataFrame] | None = None

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def record(self, finding_id: str, action: str, reason: str, actor: str, organisation: str) -> int:
        reason = reason.strip()
        if action not in ACTIONS:
            raise DispositionError("Kies wat er met de bevinding is gedaan.")
        if action == "waived" and not reason:
            raise DispositionError("Geef een reden op wanneer u afziet van een sanctie.")
        if len(reason) > REASON_MAX:
            raise DispositionError(f"De toelichting is te lang (meer dan {REASON_MAX} tekens).")
        recorded_at = datetime.now(config.TIMEZONE).isoformat(timespec="seconds")
        with closing(self._connect()) as con, con:
            cursor = con.execute(
                "INSERT INTO dispositions (finding_id, action, reason, actor, organisation, recorded_at)"
                " VALUES (?, ?, ?, ?, ?, ?)", [finding_id, action, reason or None, actor, organisation, recorded_at])
            return cursor.lastrowid

    def history(self, finding_id: str) -> list[dict]:
        with closing(self._connect()) as con:
            con.row_factory = sqlite3.Row
            rows = con.execute("SELECT * FROM dispositions WHERE finding_id = ? ORDER BY id DESC", [finding_id])
            return [dict(row) for row in rows]

    def latest(self) -> pl.DataFrame:
        """Each finding's last disposition; re-read only when a disposition was added."""
        with closing(self._connect()) as con:
            newest = con.execute("SELECT max(id) FROM dispositions").fetchone()[0]
            cached = self._latest
            if cached is not None and cached[0] == newest:
                return cached[1]
            rows = con.execute("SELECT finding_id, action, recorded_at FROM dispositions WHERE id IN"
                               " (SELECT max(id) FROM dispositions GROUP BY finding_id)").fetchall()
        frame = pl.DataFrame(rows, schema=LATEST_SCHEMA, orient="row")
        self._latest = (newest, frame)
        return frame
