"""Canonical column vocabulary (SPEC 1.1, 1.6).

Headers are matched case-insensitively with surrounding spaces ignored; internal runs of
spaces or hyphens count as one underscore, so `KvK nummer`, `kvk-nummer` and `kvk_nummer`
are the same header. Dutch aliases then map onto the canonical (English) names.
"""

import re

import polars as pl

HEADER_ALIASES: dict[str, str] = {
    "contractnummer": "contract_id",
    "opdrachtgever": "buyer",
    "omschrijving": "title",
    "kvk_nummer": "supplier_kvk",
    "leverancier": "supplier_name",
    "contractwaarde": "value_eur",
    "startdatum": "start_date",
    "einddatum": "end_date",
    "contractmanager": "contract_manager",
    "periode": "period",
    "periode_start": "period_start",
    "periode_eind": "period_end",
    "ingediend_op": "submitted_at",
    "persoon": "person_ref",
    "doelgroep": "target_group",
    "uren": "hours",
    "bedrag": "amount_eur",
    "materiaal": "material",
    "geleverd_ton": "delivered_tonnes",
    "gerecycled_ton": "recycled_tonnes",
    "bewijsstuk": "evidence_ref",
    "machine": "machine_id",
    "vermogen_kw": "power_kw",
    "energiebron": "energy_source",
}

# Values (not headers) of energy_source that suppliers write in Dutch.
ENERGY_SOURCE_ALIASES: dict[str, str] = {
    "elektrisch": "electric",
    "waterstof": "hydrogen",
    "benzine": "petrol",
}

# One pattern for both the Python and the polars form, so they cannot drift apart.
_SEPARATOR_RUN = r"[\s-]+"


def canonical_name(header: str) -> str:
    """`' KvK  Nummer '` -> `'supplier_kvk'`; unknown headers keep their normalised form."""
    key = re.sub(_SEPARATOR_RUN, "_", header.strip().lower())
    return HEADER_ALIASES.get(key, key)


def canonical_expr(header: pl.Expr) -> pl.Expr:
    """`canonical_name` as a polars expression (used to find the header row vectorised)."""
    key = header.str.strip_chars().str.to_lowercase().str.replace_all(_SEPARATOR_RUN, "_")
    return key.replace(HEADER_ALIASES)


# The columns of a stored accepted line, per report type (validation writes them, the portal
# shows them). An accepted line is kept as typed: its record as read is the archived
# original's row (file_sha256 and source_row), so it is not stored a second time.
KEY_COLUMNS = ["submission_id", "source_row", "contract_id", "supplier_kvk", "period_start", "period_end", "submitted_at"]
LINE_COLUMNS = {
    "social_return": [*KEY_COLUMNS, "person_ref", "target_group", "hours", "amount_eur", "bonus"],
    "recycled_material": [*KEY_COLUMNS, "material", "delivered_tonnes", "recycled_tonnes", "evidence_ref"],
    "zero_emission_equipment": [*KEY_COLUMNS, "machine_id", "power_kw", "energy_source", "hours"],
}
# The table of each report type's accepted lines.
LINE_TABLES = {f"{report_type}_lines": report_type for report_type in LINE_COLUMNS}
