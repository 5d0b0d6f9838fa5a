"""Versions and defaults that every part of the pipeline agrees on."""
from __future__ import annotations

import hashlib
from datetime import date, datetime
from functools import cache
from importlib import metadata
from pathlib import Path
from zoneinfo import ZoneInfo

# Bump when a rule of SPEC.md changes what a result means; published with every run.
RULE_VERSION = "2026.11"

TIMEZONE = ZoneInfo("Europe/Amsterdam")
DEFAULT_DATA_DIR = Path("sample_data")
DEFAULT_STATE_DIR = Path(".naleving")
WAREHOUSE_FILE = "naleving.duckdb"
PACKAGE_DIR = Path(__file__).resolve().parent


def today() -> date:
    return datetime.now(TIMEZONE).date()


def now() -> datetime:
    """Wall-clock time in Amsterdam, without zone (DuckDB TIMESTAMP)."""
    return datetime.now(TIMEZONE).replace(tzinfo=None, microsecond=0)


@cache
def code_version() -> str:
    """Package version plus a digest of the code and SQL, so a result names the exact rules."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.suffix in {".py", ".sql", ".csv"} and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return f"{metadata.version('naleving')}+{digest.hexdigest()[:12]}"
