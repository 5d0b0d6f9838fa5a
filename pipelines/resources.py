"""The one resource every asset shares: where the data and the warehouse are, as of when, and the run's connection."""

import os
from contextlib import ExitStack
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from naleving import config, warehouse
from naleving.archive import Archive


class Naleving(dg.ConfigurableResource):
    data_dir: str = os.environ.get("NALEVING_DATA", str(config.DEFAULT_DATA_DIR))
    warehouse: str = os.environ.get("NALEVING_WAREHOUSE", str(config.DEFAULT_STATE_DIR / config.WAREHOUSE_FILE))
    as_of: str = ""   # YYYY-MM-DD; empty: today in Europe/Amsterdam
    every_file: bool = False  # list every report file, not only those in changed folders
    _open: ExitStack = PrivateAttr(default_factory=ExitStack)
    _connection: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir)

    @property
    def state_dir(self) -> Path:
        return Path(self.warehouse).parent

    @property
    def archive(self) -> Archive:
        return Archive(self.state_dir / "archive")

    @property
    def snapshots_dir(self) -> Path:
        return self.state_dir / "snapshots"

    def as_of_date(self) -> date:
        return date.fromisoformat(self.as_of) if self.as_of else config.today()

    def connection(self) -> duckdb.DuckDBPyConnection:
        """The run's one connection to the warehouse: opened by the first asset or check that
        asks, closed when the run ends. A connection per asset wrote the night's changes to
        the file again at every asset's close. The sensor never asks: the job may hold the file."""
        if self._connection is None:
            self._connection = self._open.enter_context(warehouse.connect(self.warehouse))
        return self._connection

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        self._connection = None
        self._open.close()  # the closing checkpoint: the run's changes written to the file once
