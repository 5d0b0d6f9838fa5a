"""The buyer's register: contracts, commitments and valuation tables.

This is the buyer's own data, so it is held to a stricter standard than a supplier's
report: any invalid row stops the run, with a message naming file, row and problem.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import polars.selectors as cs

from naleving import schemas
from naleving.config import PACKAGE_DIR
from naleving.fields import FLAG, REASONS, Field, add_reason, collect_reasons, parse_fields
from naleving.readers import UnreadableFile, read_table

SHIPPED_BLOCK_TABLES = PACKAGE_DIR / "data" / "block_tables.csv"

CONTRACT_FIELDS = [
    Field("contract_id", required=True),
    Field("buyer", required=True),
    Field("title"),
    Field("supplier_kvk", "kvk", required=True),
    Field("supplier_name"),
    Field("value_eur", "number", required=True),
    Field("start_date", "date", required=True),
    Field("end_date", "date", required=True),
    Field("contract_manager", required=True),
    Field("reporting_frequency", "code"),
    Field("report_grace_days", "integer"),
    Field("block_table", "code"),
]
COMMITMENT_FIELDS = [
    Field("commitment_id", required=True),
    Field("contract_id", required=True),
    Field("kind", "code", required=True),
    Field("metric", "code"),
    Field("target", "number"),
    Field("target_pct_of_value", "number"),
    Field("scope", "code"),
    Field("due_date", "date"),
    Field("trajectory", "code"),
    Field("tolerance_pct", "number"),
    Field("penalty_rule", "code"),
    Field("penalty_rate_eur", "number"),
    Field("penalty_amount_eur", "number"),
    Field("description"),
]
BLOCK_FIELDS = [
    Field("table_id", "code", required=True),
    Field("code", "code", required=True),
    Field("kind", "code", required=True),
    Field("value_eur_per_year", "number", required=True),
]

# Dutch first: the people who fix a register are the buyer's own staff.
PROBLEMS = {
    "duplicate_id": "komt vaker voor in het bestand",
    "unknown_contract": "contract_id staat niet in het contractregister",
    "unknown_block_table": "onbekende waarderingstabel (block_table)",
    "end_before_start": "einddatum ligt voor de startdatum",
    "unknown_frequency": "onbekende rapportagefrequentie",
    "unknown_kind": "onbekende soort toezegging (kind)",
    "unknown_trajectory": "onbekend verloop (trajectory)",
    "unknown_penalty_rule": "onbekende boeteregel (penalty_rule)",
    "metric_not_for_kind": "eenheid (metric) past niet bij de soort toezegging",
    "missing_target": "geen target en geen target_pct_of_value",
    "percent_above_100": "percentage boven 100",
    "unknown_power_class": "onbekende vermogensklasse (scope)",
    "unknown_block_kind": "kind moet group of bonus zijn",
}


class RegisterError(Exception):
    """The register cannot be used; nothing may be evaluated or published."""


@dataclass(frozen=True)
class Register:
    contracts: pl.DataFrame
    commitments: pl.DataFrame
    block_values: pl.DataFrame


def _source_file(data_dir: Path, stem: str, required: bool = True) -> Path | None:
    found = sorted(p for p in data_dir.glob(f"{stem}.*") if p.suffix.lower() in (".csv", ".xlsx"))
    if len(found) > 1:
        raise RegisterError(f"{stem}: zowel {found[0].name} als {found[1].name} gevonden; laat er één staan")
    if not found and required:
        raise RegisterError(f"{data_dir / stem}.csv (of .xlsx) ontbreekt")
    return found[0] if found else None


def _read(path: Path, fields: list[Field], anchors: frozenset[str]) -> pl.DataFrame:
    data = path.read_bytes()
    try:
        table = read_table(data, path.name, anchors)
    except UnreadableFile as error:
        raise RegisterError(f"{path.name}: onleesbaar bestand ({error})") from error
    missing = sorted({f.name for f in fields if f.required} - set(table.frame.columns))
    if missing:
        raise RegisterError(f"{path.name}, rij {table.header_row}: kolom(men) ontbreken: {', '.join(missing)}")
    typed = parse_fields(table.frame, fields, table.decimal_comma)
    return typed.select(
        "source_row", pl.col(f"^{FLAG}.*$"), *[f.name for f in fields],
        pl.lit(path.name).alias("file_name"),
        pl.lit(hashlib.sha256(data).hexdigest()).alias("file_sha256"),
    )


def _problem_lines(file_name: str, frame: pl.DataFrame, model: type, key: str) -> list[str]:
    """Every reason of every row, from parsing and from the pandera schema, as readable lines."""
    frame = collect_reasons(frame)
    checked = frame.with_row_index("index").join(
        schemas.violations(model, frame.drop(REASONS)).group_by("index").agg(pl.col("reason").alias("schema")),
        on="index", how="left",
    )
    reasons = checked.select(
        "source_row", key,
        pl.concat_list(REASONS, pl.col("schema").fill_null([])).alias("reason"),
    ).explode("reason").drop_nulls("reason").sort("source_row")
    return [
        f"{file_name}, rij {row}" + (f" ({key} {value})" if value else "") + f": {reason}"
        + (f" — {PROBLEMS[reason]}" if reason in PROBLEMS else "")
        for row, value, reason in reasons.iter_rows()
    ]


def _check(file_name: str, frame: pl.DataFrame, model: type, key: str) -> None:
    problems = _problem_lines(file_name, frame, model, key)
    if problems:
        shown = problems[:20] + ([f"… en nog {len(problems) - 20} problemen"] if len(problems) > 20 else [])
        raise RegisterError("Het register is ongeldig; er is niets geëvalueerd of gepubliceerd.\n  " + "\n  ".join(shown))


def load_block_values(data_dir: Path) -> pl.DataFrame:
    """The shipped tables, with the buyer's block_tables.csv adding or replacing tables by id."""
    shipped = _read(SHIPPED_BLOCK_TABLES, BLOCK_FIELDS, frozenset({"table_id", "code"}))
    path = _source_file(data_dir, "block_tables", required=False)
    if path is None:
        return shipped
    own = _read(path, BLOCK_FIELDS, frozenset({"table_id", "code"}))
    _check(path.name, own, schemas.BlockValue, "table_id")
    return pl.concat([shipped.join(own.select("table_id").unique(), on="table_id", how="anti"), own])


def load_contracts(data_dir: Path, block_values: pl.DataFrame) -> pl.DataFrame:
    path = _source_file(data_dir, "contracts")
    frame = _read(path, CONTRACT_FIELDS, frozenset({"contract_id", "buyer"})).with_columns(
        pl.col("reporting_frequency").fill_null("quarterly"),
        pl.col("report_grace_days").fill_null(30),
        pl.col("block_table").fill_null("utrecht-2025"),
    )
    frame = add_reason(frame, "unknown_block_table", ~pl.col("block_table").is_in(block_values["table_id"].unique().implode()))
    _check(path.name, frame, schemas.Contract, "contract_id")
    return frame.drop(cs.starts_with(FLAG))


def load_commitments(data_dir: Path, contracts: pl.DataFrame) -> pl.DataFrame:
    path = _source_file(data_dir, "commitments")
    frame = _read(path, COMMITMENT_FIELDS, frozenset({"commitment_id", "contract_id"}))
    cumulative = pl.col("kind") == "social_return"
    frame = frame.with_columns(
        pl.when(cumulative).then(pl.col("metric").fill_null("eur")).otherwise(pl.col("metric").fill_null("percent")),
        pl.col("scope").fill_null("all"),
        pl.col("trajectory").fill_null("linear"),
        pl.col("tolerance_pct").fill_null(pl.when(cumulative).then(10.0).otherwise(0.0)),
    )
    frame = add_reason(frame, "unknown_contract", ~pl.col("contract_id").is_in(contracts["contract_id"].implode()))
    _check(path.name, frame, schemas.Commitment, "commitment_id")
    return frame.drop(cs.starts_with(FLAG))


def register_files(data_dir: Path) -> list[Path]:
    return [p for stem in ("contracts", "commitments", "block_tables") if (p := _source_file(data_dir, stem, required=False))]


def load_register(data_dir: Path) -> Register:
    if not data_dir.is_dir():
        raise RegisterError(f"datamap {data_dir} bestaat niet")
    block_values = load_block_values(data_dir)
    contracts = load_contracts(data_dir, block_values)
    commitments = load_commitments(data_dir, contracts)
    return Register(contracts, commitments, block_values.drop(cs.starts_with(FLAG), "source_row", "file_name", "file_sha256"))
