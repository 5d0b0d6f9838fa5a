"""A commitment's chart: achieved against the expected trajectory and the target, over the run
history. The geometry is computed here; the template draws it as inline SVG (no script)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from naleving.portal.dutch import month
from naleving.summary import number

WIDTH, HEIGHT = 680, 230
LEFT, RIGHT, TOP, BOTTOM = 92, 14, 12, 30
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
CUMULATIVE_METRICS = ("hours", "eur")


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    trajectory: str     # SVG polyline points "x,y x,y …"
    threshold: str      # below this line the commitment is behind
    target: str
    achieved: str
    points: list[dict]  # each run's achieved value: x, y, as_of, achieved
    as_of_x: float | None
    due_x: float


@dataclass(frozen=True)
class _Scale:
    start: date
    days: int
    top_value: float

    def x(self, day: pl.Expr) -> pl.Expr:
        return (LEFT + (day - self.start).dt.total_days() / self.days * PLOT_W).round(1)

    def y(self, value: pl.Expr) -> pl.Expr:
        return (TOP + PLOT_H - value / self.top_value * PLOT_H).round(1)

    def at(self, day: date) -> float:
        return round(LEFT + (day - self.start).days / self.days * PLOT_W, 1)

    def points(self, series: pl.DataFrame) -> pl.DataFrame:
        """Columns day, value scaled to x, y."""
        return series.with_columns(x=self.x(pl.col("day")), y=self.y(pl.col("value")))

    def polyline(self, series: pl.DataFrame) -> str:
        """SVG polyline points "x,y x,y …" of a series."""
        return " ".join(self.points(series).select(pl.format("{},{}", "x", "y")).to_series())


def _series(*pairs: tuple[date, float]) -> pl.DataFrame:
    return pl.DataFrame(pairs, schema={"day": pl.Date, "value": pl.Float64}, orient="row")


def _nice_step(span: float) -> float:
    """A round step (1, 2 or 5 × 10^n) that cuts the span into about five parts."""
    raw = span / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)


def _tick_label(value: float, metric: str) -> str:
    return {"eur": f"€ {number(value, 0)}", "hours": f"{number(value, 0)} uur"}.get(metric, f"{number(value, 0)} %")


def _month_starts(start: date, end: date, every: int) -> list[date]:
    """First days of every `every`-th month of the year (Jan, Apr, …) between start and end."""
    months = pl.date_range(date(start.year, start.month, 1), end, "1mo", eager=True)
    return months.filter((months >= start) & ((months.dt.month() - 1) % every == 0)).to_list()


def _expected(commitment: dict, start: date, end: date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The expected trajectory (SPEC 3) and the line below which the commitment is behind."""
    target, due = commitment["target"] or 0.0, commitment["due"]
    tolerance = commitment["tolerance_pct"] or 0.0
    if commitment["metric"] not in CUMULATIVE_METRICS:  # a share: the target all along
        floor = _series((start, target - tolerance), (end, target - tolerance)) if tolerance else _series()
        return _series((start, target), (end, target)), floor
    if commitment["trajectory"] == "end":
        return _series((start, 0.0), (due, 0.0), (due, target), (end, target)), _series()
    floor = _series((start, 0.0), (due, target * (1 - tolerance / 100))) if tolerance else _series()
    return _series((start, 0.0), (due, target), (end, target)), floor


def commitment_chart(commitment: dict, history: pl.DataFrame) -> Chart:
    """commitment: a row of commitment_rows; history: that commitment's runs (as_of, target, achieved)."""
    start, due, metric = commitment["start_date"], commitment["due"], commitment["metric"]
    runs = history.filter(pl.col("as_of") >= start).select(pl.col("as_of").alias("day"), "target", "achieved")
    end = max(due, start + timedelta(days=1), runs.get_column("day").max() or start)
    peak = max(commitment["target"] or 0.0, runs.get_column("achieved").max() or 0.0,
               runs.get_column("target").max() or 0.0)
    top_value = 100.0 if metric not in CUMULATIVE_METRICS and peak <= 100 else (peak * 1.1 or 1.0)
    scale = _Scale(start, (end - start).days, top_value)

    trajectory, floor = _expected(commitment, start, end)
    targets = runs.select("day", value="target").drop_nulls()
    if targets.is_empty():
        targets = _series((start, commitment["target"] or 0.0))
    # each run's target, carried back to the start and on to the end of the chart
    target_line = pl.concat([targets.head(1).with_columns(day=pl.lit(start)), targets,
                             targets.tail(1).with_columns(day=pl.lit(end))])
    achieved = runs.select("day", value="achieved").drop_nulls()
    step = _nice_step(top_value)
    span = (end - start).days
    as_of = commitment["as_of"]
    return Chart(
        width=WIDTH, height=HEIGHT, left=LEFT, right=WIDTH - RIGHT, top=TOP, bottom=TOP + PLOT_H,
        y_ticks=[(round(TOP + PLOT_H - i * step / top_value * PLOT_H, 1), _tick_label(i * step, metric))
                 for i in range(int(top_value / step) + 1)],
        x_ticks=[(scale.at(d), month(d)) for d in _month_starts(start, end, 3 if span <= 500 else 6 if span <= 1200 else 12)],
        trajectory=scale.polyline(trajectory), threshold=scale.polyline(floor), target=scale.polyline(target_line),
        achieved=scale.polyline(achieved),
        points=scale.points(achieved).rename({"day": "as_of", "value": "achieved"}).to_dicts(),
        as_of_x=scale.at(as_of) if as_of and start <= as_of <= end else None,
        due_x=scale.at(due),
    )
