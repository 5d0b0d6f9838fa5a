"""Validating supplier report lines: each line is accepted or quarantined with its reasons.

Reading problems (missing, bad number/date/period) come from typing the text; value
rules come from the pandera schema of the report type; rules that need the contract
register (unknown contract, wrong supplier, codes of the contract's valuation table)
are look-ups over the whole batch; a copy of an earlier line of its file is found as the
file is read (`repeat`).
"""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from naleving import parsing, schemas
from naleving.columns import ENERGY_SOURCE_ALIASES, LINE_COLUMNS
from naleving.fields import REASONS, Field, add_reason, look_up, parse_fields, per_distinct, split_by_reasons

SOCIAL_ENTERPRISE = "sociale_onderneming"

COMMON_FIELDS = [
    Field("contract_id", required=True),
    Field("supplier_kvk", "kvk", required=True),
    Field("submitted_at", "datetime"),
]
TYPE_FIELDS = {
    "social_return": [
        Field("person_ref"), Field("target_group", "code", required=True),
        Field("hours", "number"), Field("amount_eur", "number"), Field("bonus"),
    ],
    "recycled_material": [
        Field("material", "code", required=True), Field("delivered_tonnes", "number", required=True),
        Field("recycled_tonnes", "number", required=True), Field("evidence_ref"),
    ],
    "zero_emission_equipment": [
        Field("machine_id", required=True), Field("power_kw", "number", required=True),
        Field("energy_source", "code", required=True), Field("hours", "number", required=True),
    ],
}
LINE_MODELS = {
    "social_return": schemas.SocialReturnLine,
    "recycled_material": schemas.RecycledMaterialLine,
    "zero_emission_equipment": schemas.ZeroEmissionEquipmentLine,
}
RAW_COLUMNS = sorted({"period", "period_start", "period_end"} | {f.name for fs in [COMMON_FIELDS, *TYPE_FIELDS.values()] for f in fs})


@dataclass(frozen=True)
class Validated:
    accepted: pl.DataFrame      # LINE_COLUMNS of the report type
    quarantine: pl.DataFrame    # submission_id, source_row, reasons


def _period(frame: pl.DataFrame) -> pl.DataFrame:
    """period (2025-Q3, …) or period_start + period_end, to two dates; `bad_period` when unreadable."""
    has_named = pl.col("period").is_not_null()
    has_dates = pl.col("period_start").is_not_null() & pl.col("period_end").is_not_null()
    frame = per_distinct(frame, ["period"], parsing.period(pl.col("period")), "_named")
    frame = per_distinct(frame, ["period_start"], parsing.date(pl.col("period_start")), "_start")
    frame = per_distinct(frame, ["period_end"], parsing.date(pl.col("period_end")), "_end")
    frame = frame.with_columns(
        pl.when(has_named).then(pl.col("_named").struct.field("start")).otherwise("_start").alias("period_start"),
        pl.when(has_named).then(pl.col("_named").struct.field("end")).otherwise("_end").alias("period_end"),
        (has_named | has_dates).alias("_has_period"),
    ).drop("_named", "_start", "_end")
    frame = add_reason(frame, "missing:period", ~pl.col("_has_period"))
    unreadable = pl.col("_has_period") & (pl.col("period_start").is_null() | pl.col("period_end").is_null())
    return add_reason(frame, "bad_period", unreadable).drop("_has_period", "period")


def _social_return_needs(frame: pl.DataFrame) -> pl.DataFrame:
    """A person's hours need a person; a social-enterprise purchase needs its amount instead."""
    enterprise = parsing.code(pl.col("target_group")) == SOCIAL_ENTERPRISE
    frame = add_reason(frame, "missing:person_ref", ~enterprise & pl.col("person_ref").is_null())
    frame = add_reason(frame, "missing:hours", ~enterprise & pl.col("hours").is_null())
    return add_reason(frame, "missing:amount_eur", enterprise & pl.col("amount_eur").is_null())


def _against_register(frame: pl.DataFrame, contracts: pl.DataFrame) -> pl.DataFrame:
    known = contracts.select(
        "contract_id", pl.col("supplier_kvk").alias("_kvk"), pl.col("start_date").alias("_start"),
        pl.col("end_date").alias("_end"), pl.col("block_table").alias("_table"),
    )
    frame = look_up(frame, known, ["contract_id"])
    found = pl.col("_kvk").is_not_null()
    frame = add_reason(frame, "unknown_contract", pl.col("contract_id").is_not_null() & ~found)
    frame = add_reason(frame, "supplier_mismatch", found & (pl.col("supplier_kvk") != pl.col("_kvk")))
    outside = (pl.col("period_end") < pl.col("_start")) | (pl.col("period_start") > pl.col("_end"))
    return add_reason(frame, "period_outside_contract", found & outside)


def _codes_of_table(frame: pl.DataFrame, block_values: pl.DataFrame) -> pl.DataFrame:
    """Target group and bonus codes must be codes of the contract's own valuation table."""
    codes = block_values.select(pl.col("table_id").alias("_table"), "code", "kind")
    groups = codes.filter(pl.col("kind") == "group").select("_table", pl.col("code").alias("target_group"), pl.lit(True).alias("_group_known"))
    frame = look_up(frame, groups, ["_table", "target_group"])
    unknown_group = pl.col("_table").is_not_null() & (pl.col("target_group") != SOCIAL_ENTERPRISE) & pl.col("_group_known").is_null()
    frame = add_reason(frame, "unknown_target_group", unknown_group)

    bonuses = codes.filter(pl.col("kind") == "bonus").select("_table", pl.col("code").alias("_bonus"), pl.lit(True).alias("_bonus_known"))
    per_code = (
        frame.select("_line", "_table", pl.col("bonus").str.split("|").alias("_bonus"))
        .explode("_bonus")
        .with_columns(parsing.code(pl.col("_bonus")))
        .filter(pl.col("_bonus").is_not_null() & (pl.col("_bonus") != "") & pl.col("_table").is_not_null())
        .join(bonuses, on=["_table", "_bonus"], how="left")
        .group_by("_line")
        .agg(pl.col("_bonus").sort().str.join("|").alias("_bonus_codes"), pl.col("_bonus_known").is_null().any().alias("_bonus_unknown"))
    )
    frame = look_up(frame, per_code, ["_line"])
    frame = add_reason(frame, "unknown_bonus", pl.col("_bonus_unknown"))
    return frame.with_columns(pl.col("_bonus_codes").alias("bonus"))


def validate_lines(report_type: str, records: pl.DataFrame, contracts: pl.DataFrame, block_values: pl.DataFrame) -> Validated:
    """records: submission_id, source_row, decimal_comma, repeat (the same line came earlier in
    its file) and RAW_COLUMNS — all lines of one report type, as reading gives them."""
    frame = records.with_row_index("_line")
    if report_type == "social_return":
        frame = _social_return_needs(frame)
    frame = parse_fields(frame, [*COMMON_FIELDS, *TYPE_FIELDS[report_type]], pl.col("decimal_comma"))
    frame = _period(frame)
    frame = _against_register(frame, contracts)
    if report_type == "social_return":
        frame = _codes_of_table(frame, block_values)
    if report_type == "zero_emission_equipment":
        frame = frame.with_columns(pl.col("energy_source").replace(ENERGY_SOURCE_ALIASES))
    # Every look-up above keeps the lines' order: pandera's row positions (_line) rely on it.
    frame = add_reason(frame, "duplicate_line", pl.col("repeat"))
    # pandera's failures become flags like the others: few lines fail, and a list per line cost more
    failed = schemas.violations(LINE_MODELS[report_type], frame).group_by("reason", maintain_order=True).agg("index")
    for code, lines in failed.iter_rows():
        frame = add_reason(frame, code, pl.col("_line").is_in(lines))

    clean, flagged = split_by_reasons(frame)
    quarantine = flagged.select("submission_id", "source_row", pl.col(REASONS).list.join(";").alias("reasons"))
    return Validated(clean.select(LINE_COLUMNS[report_type]), quarantine)


def report_groups(report_type: str, accepted: pl.DataFrame) -> pl.DataFrame:
    """One row per file, contract and period of the accepted lines: what supersession ranks."""
    return (
        accepted.group_by("submission_id", "contract_id", "period_start", "period_end")
        .agg(pl.col("submitted_at").max())
        .select("submission_id", "contract_id", pl.lit(report_type).alias("report_type"),
                "period_start", "period_end", "submitted_at")
    )


def counts(validated: list[Validated]) -> pl.DataFrame:
    """Accepted and quarantined lines per submission."""
    accepted = pl.concat([v.accepted.select("submission_id") for v in validated]).group_by("submission_id").len("rows_accepted")
    quarantined = pl.concat([v.quarantine.select("submission_id") for v in validated]).group_by("submission_id").len("rows_quarantined")
    return accepted.join(quarantined, on="submission_id", how="full", coalesce=True).fill_null(0)
