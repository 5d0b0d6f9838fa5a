"""Great Expectations checks on the published tables.

One suite per table lives as GX's own JSON in `expectations/<table>.json`. GX 1.x cannot
validate DuckDB through SQLAlchemy, so a table is handed over as a polars frame and
validated with GX's pandas datasource in a throw-away (ephemeral) context.
"""

from __future__ import annotations

import importlib
import json
import os
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
import polars as pl

_DOCS_SITE = "naleving"

# GX 1.x has no "A = B + C" expectation: these derived columns are compared instead
# (each suite's meta documents the ones it uses).
_DERIVED: dict[str, dict[str, pl.Expr]] = {
    "submissions": {"rows_accounted": pl.col("rows_accepted") + pl.col("rows_quarantined")},
}


@dataclass(frozen=True)
class QualityReport:
    table: str
    success: bool
    evaluated: int
    failed: list[str]
    docs_index: Path | None


def _suites_dir() -> Path:
    default = Path(__file__).resolve().parents[1] / "expectations"
    return Path(os.environ.get("NALEVING_EXPECTATIONS", default))


def import_gx_in_background() -> None:
    """Start importing GX (~2.5 s of Python) in a thread of its own, so that it overlaps work
    that leaves a core idle; a check's own import then finds it done, or waits for it."""
    threading.Thread(target=importlib.import_module, args=("great_expectations",), name="import-gx").start()


class _CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates, kept in memory for the process (keyed by name and source)."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if (code := self.code.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


@cache
def _compile_templates_once() -> None:
    """GX gives each Data Docs view a Jinja environment of its own, which compiles the page
    templates anew: ~0.8 s of a run's six suites. The views share one compiled copy instead."""
    from great_expectations.render.view.view import DefaultJinjaView

    compiled, make_view = _CompiledTemplates(), DefaultJinjaView.__init__

    def with_compiled(view: DefaultJinjaView, *args, **kwargs) -> None:
        make_view(view, *args, **kwargs)
        view.env.bytecode_cache = compiled

    DefaultJinjaView.__init__ = with_compiled


def suite_names() -> list[str]:
    return sorted(p.stem for p in _suites_dir().glob("*.json"))


def validate_table(table: str, frame: pl.DataFrame, docs_dir: Path | None = None) -> QualityReport:
    """Validate `frame` against the suite of `table`; with `docs_dir`, write Data Docs to docs_dir/<table>/."""
    suite_file = _suites_dir() / f"{table}.json"
    if not suite_file.is_file():
        raise ValueError(f"geen expectation suite voor tabel {table!r} in {suite_file.parent}")

    import great_expectations as gx  # slow import: only when a check actually runs
    from great_expectations.data_context.types.base import ProgressBarsConfig

    derived = {
        name: expr
        for name, expr in _DERIVED.get(table, {}).items()
        if set(expr.meta.root_names()) <= set(frame.columns)  # a missing column is the suite's finding, not a crash
    }
    data = _to_pandas(frame.with_columns(**derived))

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    # One site per table: a rebuild deletes every page whose result is not in this (ephemeral)
    # context, so tables sharing one site would erase each other's pages.
    site_dir = Path(docs_dir).resolve() / table if docs_dir is not None else None  # GX wants an absolute path
    if site_dir is not None:
        context.add_data_docs_site(
            site_name=_DOCS_SITE,
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(site_dir)},
            },
        )
    suite = context.suites.add(gx.ExpectationSuite(**json.loads(suite_file.read_text(encoding="utf-8"))))
    batch_definition = (
        context.data_sources.add_pandas("naleving")
        .add_dataframe_asset(table)
        .add_batch_definition_whole_dataframe("whole_table")
    )
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=table, data=batch_definition, suite=suite)
    )
    # run() also stores the result in the context, which is what build_data_docs renders.
    result = validation.run(batch_parameters={"dataframe": data}, result_format="SUMMARY")

    docs_index = None
    if site_dir is not None:
        _compile_templates_once()
        context.build_data_docs(site_names=[_DOCS_SITE])
        docs_index = site_dir / "index.html"

    return QualityReport(
        table=table,
        success=bool(result.success),
        evaluated=result.statistics["evaluated_expectations"],
        failed=[_describe(r) for r in result.results if not r.success],
        docs_index=docs_index,
    )


def _to_pandas(frame: pl.DataFrame):
    import pandas as pd
    import pyarrow as pa

    # Integers become pandas' nullable Int64: the default turns an integer column with a
    # null into float64, and the suites check that counts and row numbers are integers.
    return frame.to_pandas(types_mapper=lambda t: pd.Int64Dtype() if pa.types.is_integer(t) else None)


def _describe(result) -> str:
    """One readable line per failed expectation: type(columns) [waar conditie]: what was wrong."""
    config = result.expectation_config
    kwargs = config.kwargs
    columns = [kwargs["column"]] if "column" in kwargs else [
        c for c in (kwargs.get("column_A"), kwargs.get("column_B"), *kwargs.get("column_list", [])) if c
    ]
    line = f"{config.type}({', '.join(columns)})" if columns else config.type
    if condition := kwargs.get("row_condition"):
        from great_expectations.expectations.row_conditions import deserialize_row_condition

        line += f" waar {deserialize_row_condition(condition)!r}"  # its repr reads like "status == refused"

    # A failing metric reports its exception either flat or keyed by metric id.
    info = result.exception_info or {}
    errors = [info] if "raised_exception" in info else list(info.values())
    messages = [e["exception_message"] for e in errors if isinstance(e, dict) and e.get("raised_exception")]
    outcome = result.result or {}
    if messages:
        return f"{line}: fout: {messages[0]}"
    if "unexpected_count" in outcome:
        return f"{line}: {outcome['unexpected_count']} van {outcome['element_count']} rijen"
    if missing := outcome.get("details", {}).get("mismatched", {}).get("missing"):
        return f"{line}: ontbrekende kolommen {', '.join(missing)}"
    return f"{line}: waargenomen {outcome.get('observed_value')}"
