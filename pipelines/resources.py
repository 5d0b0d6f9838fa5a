"""The one resource every asset shares: where the data and the warehouse are, and as of when."""

import os
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Iterator

import dagster as dg
import duckdb

from naleving import config, warehouse
from naleving.archive import Archive


class Naleving(dg.ConfigurableResource):
    data_dir: str = os.environ.get("NALEVING_DATA", str(config.DEFAULT_DATA_DIR))
    warehouse: str = os.environ.get("NALEVING_WAREHOUSE", str(config.DEFAULT_STATE_DIR / config.WAREHOUSE_FILE))
    as_of: str = ""   # YYYY-MM-DD; empty: today in Europe/Amsterdam
    every_file: bool = False  # list every report file, not only those in changed folders

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

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        # Our own context manager closes the connection even when the asset raises. A check
        # only reads: read-only skips bringing the schema up to date and the checkpoint at close.
        with warehouse.connect(self.warehouse, read_only=read_only) as con:
            yield con
