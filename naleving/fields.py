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
FLAG = "reason:"  # prefix of the boolean column that flags one reason code
TYPED = "typed:"  # prefix of a field's typed value until it replaces the text
_DECIMAL_COMMA = "_decimal_comma"


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
            return parsing.number(col, decimal_comma)
        case "integer":
            return parsing.integer(col, decimal_comma)
        case "date":
            return parsing.date(col)
        case "datetime":
            return parsing.datetime(col)
        case "kvk":
            return parsing.kvk(col)
    raise ValueError(field.kind)


def _bad_code(field: Field) -> str:
    return "bad_date" if field.kind in ("date", "datetime") else "bad_number"


def per_distinct(frame: pl.DataFrame, keys: list[str], expr: pl.Expr, name: str) -> pl.DataFrame:
    """Add column `name` = `expr` (over `keys` only), computed once per distinct key: report
    columns repeat few values (periods, dates, codes), and typing text is the costly part."""
    return look_up(frame, frame.select(keys).unique().with_columns(expr.alias(name)), keys, nulls_equal=True)


def look_up(frame: pl.DataFrame, table: pl.DataFrame, keys: list[str], nulls_equal: bool = False) -> pl.DataFrame:
    """`frame` with the other columns of `table` (one row per key at most) beside each row, in
    frame order. Only the keys are joined: a join of the whole frame copied all its columns."""
    found = frame.select(keys).join(table, on=keys, how="left", nulls_equal=nulls_equal, maintain_order="left")
    return frame.with_columns(found.drop(keys))


def parse_fields(frame: pl.DataFrame, fields: list[Field], decimal_comma: pl.Expr | bool) -> pl.DataFrame:
    """Replace each field's text by its typed value and flag its reason codes.

    Absent columns are treated as empty. A value that is present but unreadable becomes
    null with `bad_number:`/`bad_date:`; a required value that is empty gets `missing:`.
    """
    decimal_comma = decimal_comma if isinstance(decimal_comma, pl.Expr) else pl.lit(decimal_comma)
    absent = [pl.lit(None, pl.String).alias(f.name) for f in fields if f.name not in frame.columns]
    frame = frame.with_columns(*absent, decimal_comma.alias(_DECIMAL_COMMA))
    flags = []
    for f in fields:
        raw = pl.col(f.name)
        if f.required:
            flags.append(raw.is_null().alias(FLAG + f"missing:{f.name}"))
        if f.kind != "text":
            keys = [f.name, _DECIMAL_COMMA] if f.kind in ("number", "integer") else [f.name]
            frame = per_distinct(frame, keys, _typed(f, pl.col(_DECIMAL_COMMA)), TYPED + f.name)
        if f.kind not in ("text", "code"):
            flags.append((raw.is_not_null() & pl.col(TYPED + f.name).is_null()).alias(FLAG + f"{_bad_code(f)}:{f.name}"))
    typed = [pl.col(TYPED + f.name).alias(f.name) for f in fields if f.kind != "text"]
    return frame.with_columns(*flags).with_columns(*typed).drop(_DECIMAL_COMMA, *(TYPED + f.name for f in fields if f.kind != "text"))


def add_reason(frame: pl.DataFrame, code: str, when: pl.Expr) -> pl.DataFrame:
    """Flag a reason code on the rows where `when` holds (null counts as not holding), beside
    the rows already flagged with it."""
    flag = when.fill_null(False)
    if FLAG + code in frame.columns:
        flag = pl.col(FLAG + code) | flag
    return frame.with_columns(flag.alias(FLAG + code))


def split_by_reasons(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the rows no reason is flagged on, the flagged rows with their codes in the order they
    were flagged as one list column `reasons`), both in frame order, the flag columns dropped.

    Flags are plain boolean columns until here, so each rule costs one column, not a rewrite
    of a list column per rule; and most lines are clean, so the lists are built only for the
    flagged ones.
    """
    flags = [c for c in frame.columns if c.startswith(FLAG)]
    flagged = pl.any_horizontal(flags) if flags else pl.lit(False)
    codes = [pl.when(pl.col(c)).then(pl.lit(c.removeprefix(FLAG))) for c in flags]
    reasons = pl.concat_list(codes).list.drop_nulls() if codes else pl.lit([], pl.List(pl.String))
    return (frame.filter(~flagged).drop(flags),
            frame.filter(flagged).with_columns(reasons.alias(REASONS)).drop(flags))


def collect_reasons(frame: pl.DataFrame) -> pl.DataFrame:
    """Every row in order, with its flagged codes as one list column `reasons` (empty when clean)."""
    clean, flagged = split_by_reasons(frame.with_row_index("_order"))
    clean = clean.with_columns(pl.lit([], pl.List(pl.String)).alias(REASONS))
    return pl.concat([flagged, clean]).sort("_order").drop("_order")
