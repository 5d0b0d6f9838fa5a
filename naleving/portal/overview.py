"""The overview: the findings a user may see, filtered and searched, counted per handling
status, one page at a time. Everything is a polars expression over the cached snapshot."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields, replace
from urllib.parse import urlencode

import polars as pl

from naleving.portal.users import User

PAGE_SIZE = 50
TEXT_MAX = 100
SUGGESTIONS_MAX = 500  # beyond this, typing filters without a list of suggestions (keeps the page small)
PAGE = re.compile(r"[1-9][0-9]{0,5}")
OPEN, EVERYTHING = "", "all"  # handling-status filter: every open finding (default), or all
TEXT_FILTERS = ("buyer", "contract", "supplier", "commitment_kind", "status", "kind", "q")


@dataclass(frozen=True)
class Filters:
    buyer: str = ""
    contract: str = ""
    supplier: str = ""
    commitment_kind: str = ""
    status: str = OPEN
    kind: str = ""
    q: str = ""
    mine: bool = False
    page: int = 1

    @classmethod
    def from_query(cls, params) -> "Filters":
        text = {name: params.get(name, "").strip()[:TEXT_MAX] for name in TEXT_FILTERS}
        page = params.get("page", "")
        return cls(**text, mine=params.get("mine") == "1", page=int(page) if PAGE.fullmatch(page) else 1)

    def query(self, **changes) -> str:
        """This filter as a query string, changed; any change but the page starts at page 1."""
        changed = replace(self, **{"page": 1, **changes})
        values = {f.name: getattr(changed, f.name) for f in fields(changed)}
        values["mine"] = "1" if changed.mine else ""
        values["page"] = str(changed.page) if changed.page > 1 else ""
        return urlencode({k: v for k, v in values.items() if v})


@dataclass(frozen=True)
class Overview:
    rows: pl.DataFrame
    total: int
    counts: dict[str, int]
    page: int
    pages: int
    options: dict[str, list[str]]


def visible(frame: pl.DataFrame, user: User, mine: bool = False) -> pl.DataFrame:
    """The rows of the user's organisations (an auditor: all); `mine`: the contracts they manage."""
    if not user.reads_all:
        frame = frame.filter(pl.col("buyer").is_in(user.organisations))
    return frame.filter(pl.col("contract_manager") == user.id) if mine else frame


def with_handling(findings: pl.DataFrame, latest: pl.DataFrame) -> pl.DataFrame:
    """Each finding's handling status: resolved, else its last disposition, else new."""
    return findings.join(latest, on="finding_id", how="left", maintain_order="left").with_columns(
        pl.when(pl.col("status") == "resolved").then(pl.lit("resolved"))
        .otherwise(pl.col("handling").fill_null("new")).alias("handling"))


def _contains(column: str, text: str) -> pl.Expr:
    return pl.col(column).str.contains(text.lower(), literal=True).fill_null(False)


def _narrowed(frame: pl.DataFrame, f: Filters) -> pl.DataFrame:
    """Every filter but the handling status (the counts per status are taken from here)."""
    conditions = [cond for active, cond in (
        (f.buyer, pl.col("buyer") == f.buyer),
        (f.contract, _contains("contract_key", f.contract)),
        (f.supplier, _contains("supplier_key", f.supplier)),
        (f.commitment_kind, pl.col("report_type") == f.commitment_kind),
        (f.kind, pl.col("kind") == f.kind),
        (f.q, _contains("search_text", f.q)),
    ) if active]
    return frame.filter(*conditions) if conditions else frame


def _by_status(frame: pl.DataFrame, status: str) -> pl.DataFrame:
    if status == EVERYTHING:
        return frame
    return frame.filter(pl.col("handling") != "resolved" if status == OPEN else pl.col("handling") == status)


def matching(findings: pl.DataFrame, latest: pl.DataFrame, user: User, f: Filters) -> pl.DataFrame:
    """All findings the filter selects, in overview order (for the page and the export)."""
    return _by_status(_narrowed(with_handling(visible(findings, user, f.mine), latest), f), f.status)


def select(findings: pl.DataFrame, latest: pl.DataFrame, user: User, f: Filters) -> Overview:
    scoped = with_handling(visible(findings, user, f.mine), latest)
    narrowed = _narrowed(scoped, f)
    shown = _by_status(narrowed, f.status)
    pages = max(1, math.ceil(shown.height / PAGE_SIZE))
    page = min(f.page, pages)
    options = {column: values.to_list() if values.len() <= SUGGESTIONS_MAX else []
               for column in ("buyer", "contract_id", "supplier_name")
               for values in [scoped.get_column(column).drop_nulls().unique().sort()]}
    return Overview(
        rows=shown.slice((page - 1) * PAGE_SIZE, PAGE_SIZE),
        total=shown.height,
        counts=dict(narrowed.group_by("handling").len().iter_rows()),
        page=page, pages=pages, options=options,
    )
