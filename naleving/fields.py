"""Typing raw text columns, recording why a value could not be read.

Shared by the buyer's register and the supplier reports: both arrive as text and
both need the same `missing:` / `bad_number:` / `bad_date:` verdicts.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import polars as pl

from naleving import parsing

Kind = Literal["text", "code", "number", "integer", "date", "datetime", "kvk"]
REASONS = "reasons"


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind = "text"
    required: bool = False


def _typed(field: Field, decimal_comma: pl.Expr) -> pl.Expr:
    col = pl.col(field.name)
    match field.kind:
        case "text":
            return col
        case "code":
            return parsing.code(col)
        case "number":
            return pl.when(decimal_comma).then(parsing.number(col, True)).otherwise(parsing.number(col, False))
        case "integer":
            return pl.when(decimal_comma).then(parsing.integer(col, True)).otherwise(parsing.integer(col, False))
        case "date":
            return parsing.date(col)
        case "datetime":
            return parsing.datetime(col)
        case "kvk":
            return parsing.kvk(col)
    raise ValueError(field.kind)


def _bad_code(field: Field) -> str:
    return "bad_date" if field.kind in ("date", "datetime") else "bad_number"


def parse_fields(frame: pl.DataFrame, fields: list[Field], decimal_comma: pl.Expr | bool) -> pl.DataFrame:
    """Replace each field's text by its typed value and append reason codes to `reasons`.

    Absent columns are treated as empty. A value that is present but unreadable becomes
    null with `bad_number:`/`bad_date:`; a required value that is empty gets `missing:`.
    """
    decimal_comma = decimal_comma if isinstance(decimal_comma, pl.Expr) else pl.lit(decimal_comma)
    absent = [pl.lit(None, pl.String).alias(f.name) for f in fields if f.name not in frame.columns]
    frame = frame.with_columns(absent) if absent else frame
    if REASONS not in frame.columns:
        frame = frame.with_columns(pl.lit([], pl.List(pl.String)).alias(REASONS))
    typed = {f.name: _typed(f, decimal_comma) for f in fields}
    verdicts = []
    for f in fields:
        raw = pl.col(f.name)
        if f.required:
            verdicts.append(pl.when(raw.is_null()).then(pl.lit(f"missing:{f.name}")))
        if f.kind not in ("text", "code"):
            verdicts.append(
                pl.when(raw.is_not_null() & typed[f.name].is_null()).then(pl.lit(f"{_bad_code(f)}:{f.name}"))
            )
    return frame.with_columns(
        pl.concat_list([pl.col(REASONS), *verdicts]).list.drop_nulls().alias(REASONS) if verdicts else pl.col(REASONS),
        *[expr.alias(name) for name, expr in typed.items()],
    )


def add_reason(frame: pl.DataFrame, code: str | pl.Expr, when: pl.Expr) -> pl.DataFrame:
    """Append a reason code to the rows where `when` holds (null counts as not holding)."""
    code_expr = pl.lit(code) if isinstance(code, str) else code
    return frame.with_columns(
        pl.concat_list([pl.col(REASONS), pl.when(when.fill_null(False)).then(code_expr)])
        .list.drop_nulls()
        .alias(REASONS)
    )
