"""Findings and commitment status as XLSX and CSV, in Dutch, safe to open in a spreadsheet.

Suppliers write much of this text (file names, descriptions they sent): a cell that starts
with = + - @ (or a tab or carriage return) would run as a formula, so it gets a leading '.
"""
from __future__ import annotations

import io

import polars as pl

from naleving.portal.dutch import HANDLING_NL, KIND_NL, REPORT_TYPE_NL, SEVERITY_NL, STATUS_NL

FORMULA_START = r"^([=+\-@\t\r])"
UNIT = {"hours": "uur", "eur": "euro", "percent": "%"}
FINDING_STATUS_NL = {"open": "open", "resolved": "opgelost"}


def neutralised(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.col(pl.String).str.replace(FORMULA_START, "'$1"))


def _label(column: str, labels: dict[str, str]) -> pl.Expr:
    return pl.col(column).replace_strict(labels, default=pl.col(column), return_dtype=pl.String)


def findings_table(findings: pl.DataFrame) -> pl.DataFrame:
    """The overview's findings (with their handling), one row each, Dutch headers."""
    return neutralised(findings.select(
        pl.col("finding_id").alias("Bevinding"),
        _label("severity", SEVERITY_NL).alias("Ernst"),
        _label("kind", KIND_NL).alias("Soort bevinding"),
        _label("status", FINDING_STATUS_NL).alias("Status"),
        _label("handling", HANDLING_NL).alias("Afhandeling"),
        pl.col("handled_at").str.to_datetime("%Y-%m-%dT%H:%M:%S%z").dt.convert_time_zone("Europe/Amsterdam")
        .dt.replace_time_zone(None).alias("Afgehandeld op"),
        pl.col("buyer").alias("Opdrachtgever"),
        pl.col("contract_id").alias("Contract"),
        pl.col("title").alias("Contractomschrijving"),
        pl.col("supplier_name").alias("Leverancier"),
        pl.col("supplier_kvk").alias("KvK-nummer"),
        pl.col("commitment_id").alias("Toezegging"),
        _label("report_type", REPORT_TYPE_NL).alias("Soort toezegging"),
        pl.col("period").alias("Periode"),
        pl.col("detail").alias("Toelichting"),
        pl.col("achieved").alias("Gerealiseerd"),
        pl.col("expected").alias("Verwacht"),
        pl.col("target").alias("Doel"),
        pl.col("shortfall").alias("Tekort"),
        _label("metric", UNIT).alias("Eenheid"),
        pl.col("penalty_estimate_eur").alias("Boete-indicatie (EUR)"),
        pl.col("file_name").alias("Bestand"),
        pl.col("source_row").alias("Rij"),
        pl.col("first_seen").alias("Sinds (peildatum)"),
        pl.col("last_seen").alias("Laatst gezien (peildatum)"),
        pl.col("resolved_on").alias("Opgelost per (peildatum)"),
    ))


def commitments_table(commitments: pl.DataFrame) -> pl.DataFrame:
    """Every commitment's status of the latest run, Dutch headers."""
    return neutralised(commitments.select(
        pl.col("buyer").alias("Opdrachtgever"),
        pl.col("contract_id").alias("Contract"),
        pl.col("title").alias("Contractomschrijving"),
        pl.col("supplier_name").alias("Leverancier"),
        pl.col("commitment_id").alias("Toezegging"),
        _label("kind", REPORT_TYPE_NL).alias("Soort toezegging"),
        pl.col("description").alias("Afspraak in het contract"),
        pl.col("as_of").alias("Peildatum"),
        _label("status", STATUS_NL).alias("Status"),
        pl.col("target").alias("Doel"),
        pl.col("achieved").alias("Gerealiseerd"),
        pl.col("expected").alias("Verwacht"),
        pl.col("shortfall").alias("Tekort"),
        pl.col("forecast_at_due").alias("Prognose op einddatum"),
        _label("metric", UNIT).alias("Eenheid"),
        pl.col("due").alias("Einddatum toezegging"),
        pl.col("penalty_estimate_eur").alias("Boete-indicatie (EUR)"),
    ))


def xlsx(table: pl.DataFrame, sheet: str) -> bytes:
    out = io.BytesIO()
    table.write_excel(out, worksheet=sheet, autofit=True, freeze_panes=(1, 0), table_style="Table Style Light 9",
                      dtype_formats={pl.Date: "dd-mm-yyyy", pl.Datetime: "dd-mm-yyyy hh:mm", pl.Float64: "#,##0.00"})
    return out.getvalue()


def csv(table: pl.DataFrame) -> bytes:
    """The Dutch spreadsheet convention: semicolons, decimal commas, dd-mm-yyyy, a BOM for Excel."""
    return table.write_csv(separator=";", decimal_comma=True, date_format="%d-%m-%Y",
                           datetime_format="%d-%m-%Y %H:%M", include_bom=True).encode("utf-8")
