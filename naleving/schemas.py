"""pandera schemas: what a valid register row and a valid report line look like.

Every check is named after the reason code it raises, so a failure case becomes a
reason a supplier (or the buyer's own staff) can act on without translation.
"""
from __future__ import annotations

import polars as pl
import pandera.polars as pa
from pandera.errors import SchemaErrors

FREQUENCIES = ("quarterly", "half_yearly", "yearly", "monthly")
KINDS = ("social_return", "recycled_material", "zero_emission_equipment")
METRICS = {"social_return": ("hours", "eur"), "recycled_material": ("percent",), "zero_emission_equipment": ("percent",)}
POWER_CLASSES = ("all", "<19", "19-37", "37-56", "56-130", ">=130")
TRAJECTORIES = ("linear", "end")
PENALTY_RULES = ("shortfall_eur", "per_unit", "fixed")
ENERGY_SOURCES = ("electric", "hydrogen", "diesel", "hvo", "petrol", "lng", "cng", "hybrid")
ZERO_EMISSION_SOURCES = ("electric", "hydrogen")
MASKED_BSN = "*********"

# Checks on one column whose code names the column too (`negative:hours`).
COLUMN_CODES = {"negative"}


def _not_negative(data: pa.PolarsData) -> pl.LazyFrame:
    return data.lazyframe.select(pl.col(data.key) >= 0)


def _within_period(hours_per_day: float) -> pl.Expr:
    """Hours no more than the period allows; a backwards period is judged by bad_period alone."""
    days = (pl.col("period_end") - pl.col("period_start")).dt.total_days() + 1
    return (pl.col("hours") <= hours_per_day * days) | (days <= 0)


class ReportLine(pa.DataFrameModel):
    """What every supplier report line carries: the contract, the supplier, the period."""

    contract_id: str = pa.Field(nullable=True, description="The buyer's contract number.")
    supplier_kvk: str = pa.Field(nullable=True, description="KvK number of the supplier, 8 digits.")
    period_start: pl.Date = pa.Field(nullable=True, description="First day reported on.")
    period_end: pl.Date = pa.Field(nullable=True, description="Last day reported on.")

    # Named as its reason code: subclasses inherit the check under the method's name, not `name=`.
    @pa.dataframe_check(name="bad_period")
    def bad_period(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("period_end") >= pl.col("period_start"))

    class Config:
        strict = False


class SocialReturnLine(ReportLine):
    """Hours worked by a person far from the labour market, or a purchase from a social enterprise."""

    person_ref: str = pa.Field(nullable=True, description="The supplier's pseudonym for the person; never a BSN.")
    target_group: str = pa.Field(nullable=True, description="Group code of the contract's block table.")
    hours: float = pa.Field(nullable=True, description="Hours worked in the period.")
    amount_eur: float = pa.Field(nullable=True, description="Purchase from a social enterprise, excl. VAT.")

    @pa.check("person_ref", name="bsn_suspected")
    def person_ref_is_no_bsn(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key) != MASKED_BSN)

    @pa.check("hours", "amount_eur", name="negative")
    def amounts_not_negative(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _not_negative(data)

    @pa.dataframe_check(name="hours_implausible")
    def at_most_60_hours_a_week(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_within_period(60 / 7))


class RecycledMaterialLine(ReportLine):
    """Tonnes of a material delivered, and how many of them were recycled."""

    material: str = pa.Field(nullable=True, description="Material name, e.g. asfalt.")
    delivered_tonnes: float = pa.Field(nullable=True, description="All tonnes delivered.")
    recycled_tonnes: float = pa.Field(nullable=True, description="Recycled tonnes among them.")
    evidence_ref: str = pa.Field(nullable=True, description="Delivery note, weighbridge ticket or certificate.")

    @pa.check("delivered_tonnes", "recycled_tonnes", name="negative")
    def tonnes_not_negative(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _not_negative(data)

    @pa.dataframe_check(name="recycled_exceeds_delivered")
    def recycled_within_delivered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("recycled_tonnes") <= pl.col("delivered_tonnes"))


class ZeroEmissionEquipmentLine(ReportLine):
    """Hours a machine ran in the period, with its power and energy source."""

    machine_id: str = pa.Field(nullable=True, description="The supplier's machine id.")
    power_kw: float = pa.Field(nullable=True, description="Rated power in kW.")
    energy_source: str = pa.Field(nullable=True, description="electric, hydrogen, diesel, hvo, …")
    hours: float = pa.Field(nullable=True, description="Running hours in the period.")

    @pa.check("energy_source", name="unknown_energy_source")
    def energy_source_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_in(ENERGY_SOURCES))

    @pa.check("power_kw", "hours", name="negative")
    def not_negative(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _not_negative(data)

    @pa.dataframe_check(name="hours_implausible")
    def at_most_24_hours_a_day(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_within_period(24))


class Contract(pa.DataFrameModel):
    """One contract of the buyer's register."""

    contract_id: str = pa.Field(unique=True, description="Unique contract number.")
    value_eur: float = pa.Field(nullable=True, description="Contract value excl. VAT.")
    start_date: pl.Date = pa.Field(nullable=True)
    end_date: pl.Date = pa.Field(nullable=True)
    reporting_frequency: str = pa.Field(nullable=True, description="quarterly, half_yearly, yearly or monthly.")
    report_grace_days: pl.Int64 = pa.Field(nullable=True, description="Days after a period before its report is overdue.")

    @pa.check("value_eur", "report_grace_days", name="negative")
    def not_negative(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _not_negative(data)

    @pa.check("reporting_frequency", name="unknown_frequency")
    def frequency_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_in(FREQUENCIES))

    @pa.dataframe_check(name="end_before_start")
    def ends_after_start(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("end_date") >= pl.col("start_date"))

    class Config:
        strict = False


class Commitment(pa.DataFrameModel):
    """One promise of a contract, as the register states it."""

    commitment_id: str = pa.Field(unique=True, description="Unique commitment id.")
    kind: str = pa.Field(nullable=True, description="social_return, recycled_material or zero_emission_equipment.")
    metric: str = pa.Field(nullable=True)
    target: float = pa.Field(nullable=True)
    scope: str = pa.Field(nullable=True)
    trajectory: str = pa.Field(nullable=True)
    tolerance_pct: float = pa.Field(nullable=True)
    penalty_rule: str = pa.Field(nullable=True)

    @pa.check("kind", name="unknown_kind")
    def kind_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_in(KINDS))

    @pa.check("target", "tolerance_pct", name="negative")
    def not_negative(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _not_negative(data)

    @pa.check("trajectory", name="unknown_trajectory")
    def trajectory_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_in(TRAJECTORIES))

    @pa.check("penalty_rule", name="unknown_penalty_rule")
    def penalty_rule_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_in(PENALTY_RULES))

    @pa.dataframe_check(name="metric_not_for_kind")
    def metric_fits_kind(cls, data: pa.PolarsData) -> pl.LazyFrame:
        fits = pl.lit(False)
        for kind, metrics in METRICS.items():
            fits = fits | ((pl.col("kind") == kind) & pl.col("metric").is_in(metrics))
        return data.lazyframe.select(fits | pl.col("kind").is_null())

    @pa.dataframe_check(name="missing_target")
    def has_target(cls, data: pa.PolarsData) -> pl.LazyFrame:
        by_pct = (pl.col("metric") == "eur") & pl.col("target_pct_of_value").is_not_null()
        return data.lazyframe.select(pl.col("target").is_not_null() | by_pct)

    @pa.dataframe_check(name="percent_above_100")
    def percent_at_most_100(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("metric") != "percent") | (pl.col("target") <= 100))

    @pa.dataframe_check(name="unknown_power_class")
    def power_class_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("kind") != "zero_emission_equipment") | pl.col("scope").is_in(POWER_CLASSES)
        )

    @pa.dataframe_check(name="missing_penalty_rate_eur")
    def per_unit_has_rate(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("penalty_rule") != "per_unit") | pl.col("penalty_rate_eur").is_not_null())

    @pa.dataframe_check(name="missing_penalty_amount_eur")
    def fixed_has_amount(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("penalty_rule") != "fixed") | pl.col("penalty_amount_eur").is_not_null())

    class Config:
        strict = False


class BlockValue(pa.DataFrameModel):
    """One row of a social-return valuation table (bouwblokkenmethode)."""

    table_id: str = pa.Field(nullable=True)
    code: str = pa.Field(nullable=True)
    kind: str = pa.Field(nullable=True, description="group or bonus.")
    value_eur_per_year: float = pa.Field(nullable=True, description="Effort value per full-time year (1872 h).")

    @pa.check("kind", name="unknown_block_kind")
    def kind_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_in(("group", "bonus")))

    @pa.check("value_eur_per_year", name="negative")
    def not_negative(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _not_negative(data)

    class Config:
        strict = False


def violations(model: type[pa.DataFrameModel], frame: pl.DataFrame) -> pl.DataFrame:
    """Row position and reason code of every failed check (empty when all holds)."""
    empty = pl.DataFrame(schema={"index": pl.Int64, "reason": pl.String})
    try:
        model.validate(frame, lazy=True)
    except SchemaErrors as errors:
        cases = errors.failure_cases
        if cases["index"].null_count():
            # A schema-level failure (a column of the wrong type) is a defect of ours, not the data's.
            raise
        named = pl.when(pl.col("check").is_in(COLUMN_CODES)).then(pl.col("check") + ":" + pl.col("column"))
        reason = (
            named.when(pl.col("check") == "field_uniqueness").then(pl.lit("duplicate_id"))
            .when(pl.col("check") == "not_nullable").then("missing:" + pl.col("column"))
            .otherwise(pl.col("check"))
        )
        return cases.select(pl.col("index").cast(pl.Int64), reason.alias("reason")).unique(maintain_order=True)
    return empty
