"""The portal's test world: the sample world run by the nightly job on two dates (so there is
history), with a hostile supplier name and a formula in a contract title; and the portal
served by uvicorn on a free localhost port, in a thread, for as long as a test module needs it.
"""
from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from pathlib import Path

import openpyxl
import polars as pl

from naleving import cli, snapshots
from live_server import LiveServer
from naleving.portal import create_app

REPO = Path(__file__).resolve().parents[1]
USERS_FILE = REPO / "config" / "portal_users.toml"
IDENTITY_HEADER = "X-Remote-User"
SCRIPT_SUPPLIER = 'Schoonmaak <script>alert("xss")</script> De Vaart B.V.'
FORMULA_TITLE = '=HYPERLINK("http://example.invalid/","klik hier")'
UTRECHT, AMSTERDAM = "j.devries@utrecht.nl", "l.dekker@amsterdam.nl"
TWO_CITIES, AUDITOR = "p.bakker@inkoopbureau-randstad.nl", "auditor@auditdienst.example"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]


def _hostile_register(contracts: Path) -> None:
    """A supplier name with a script tag and a contract title that is a spreadsheet formula."""
    book = openpyxl.load_workbook(contracts)
    sheet = book.active
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "UTR-2026-008":
            row[4].value = SCRIPT_SUPPLIER
        if row[0].value == "UTR-2025-003":
            row[2].value = FORMULA_TITLE
            row[2].data_type = "s"  # text that looks like a formula, as a supplier's export would hold it
    book.save(contracts)


@functools.cache
def sample_state() -> Path:
    """Built once per test session, shared by the portal's test modules."""
    root = Path(tempfile.mkdtemp(prefix="naleving-portal-"))
    atexit.register(shutil.rmtree, root, True)
    data = root / "data"
    shutil.copytree(REPO / "sample_data", data)
    _hostile_register(data / "contracts.xlsx")
    state = root / "state"
    dagster_home = os.environ.get("DAGSTER_HOME")
    try:
        for as_of in ("2026-06-30", "2026-11-29"):
            assert cli.main(["run", "--data", str(data), "--as-of", as_of, "--warehouse", str(state / "naleving.duckdb")]) == 0
    finally:  # the job points DAGSTER_HOME at our state folder; leave the environment as it was
        os.environ.pop("DAGSTER_HOME", None) if dagster_home is None else os.environ.update(DAGSTER_HOME=dagster_home)
    return state


def published(state: Path, table: str) -> pl.DataFrame:
    return snapshots.latest(state / "snapshots").read(table)


def findings_of(state: Path, buyer: str) -> pl.DataFrame:
    """The open findings on the contracts of one buyer, from the snapshot itself."""
    contracts = published(state, "contracts").filter(pl.col("buyer") == buyer).select("contract_id")
    return published(state, "findings").join(contracts, on="contract_id").filter(pl.col("status") == "open")


def portal_server(state: Path, identity_header: str | None = IDENTITY_HEADER, dev_login: bool = True) -> LiveServer:
    """The portal as a real HTTP server on 127.0.0.1, started and stopped by the test."""
    return LiveServer(create_app(state, USERS_FILE, identity_header, dev_login))
