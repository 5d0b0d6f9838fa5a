"""Sample world for Naleving: fictional but realistic Dutch public contracts, the social
and sustainable commitments in them, and the (messy) supplier reports about them.

    python -m naleving.sample_world --out sample_data --seed 2026
    python -m naleving.sample_world --out DIR --scale S [--files-per-contract F] [--lines-per-file L]
    python -m naleving.sample_world --out DIR --night

The core world is hand-made (the tables below) and designed so that, evaluated as of
2026-11-29, every commitment status and every finding kind of SPEC.md occurs. Its intended
outcome is written to expected_outcomes.json; sample_data/README.md tells each contract's
story. ``--scale S`` (or ``--contracts N``) adds randomly generated contracts (ids ``GEN-…``)
and their reports, in the common formats plus the messy ones, for scale work:
``--scale 1.0`` is the national world of 50,000 contracts, about 150,000 commitments,
100,000 report files and 20 million lines. Their lines are made and written in bulk with
polars, a chunk of contracts at a time. ``--night`` then adds the night's late reports.
Generated contracts are not part of expected_outcomes.json. The same seed always gives
byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import polars as pl
import xlsxwriter

AS_OF = date(2026, 11, 29)
# Fixed document properties, so that XLSX files are byte-identical between runs.
XLSX_CREATED = datetime(2026, 1, 1)

SR, RM, ZE = "social_return", "recycled_material", "zero_emission_equipment"

UTRECHT = "Gemeente Utrecht"
AMSTERDAM = "Gemeente Amsterdam"
GELDERLAND = "Provincie Gelderland"
RIVIERENLAND = "Waterschap Rivierenland"


def d(text: str) -> date:
    return date.fromisoformat(text)


# --------------------------------------------------------------------------------------
# Contract register and commitments
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contract:
    id: str
    buyer: str
    title: str
    kvk: str
    supplier: str
    value: int
    start: date
    end: date
    manager: str
    frequency: str | None = None  # None: written empty, so the default (quarterly) applies
    grace: int | None = None
    block_table: str | None = None


C_GROEN = Contract("UTR-2025-003", UTRECHT, "Groenonderhoud Utrecht-Oost 2025–2026", "01234567",
                   "Groenwerk Utrecht B.V.", 2_400_000, d("2025-01-01"), d("2026-12-31"),
                   "j.devries@utrecht.nl", "quarterly")
C_SCHOLEN = Contract("UTR-2024-011", UTRECHT, "Renovatie en verduurzaming vier basisscholen Kanaleneiland",
                     "30219876", "Bouwbedrijf Müller B.V.", 3_800_000, d("2024-04-01"), d("2026-06-30"),
                     "j.devries@utrecht.nl", "half_yearly", 30)
C_SCHOON = Contract("UTR-2026-008", UTRECHT, "Schoonmaak stadskantoor en wijkbureaus", "62184530",
                    "Schoonmaakbedrijf De Vaart B.V.", 1_500_000, d("2026-01-01"), d("2027-12-31"),
                    "s.elmoussaoui@utrecht.nl", "monthly", 14)
C_LICHT = Contract("UTR-2025-014", UTRECHT, "Vervanging openbare verlichting door LED, Utrecht-West",
                   "71550342", "Lichtnet Infra B.V.", 1_200_000, d("2025-04-01"), d("2027-03-31"),
                   "s.elmoussaoui@utrecht.nl")
C_KADE = Contract("AMS-2025-031", AMSTERDAM, "Herstel kademuren Herengracht, fase 2", "85123409",
                  "Kademuur Combinatie Amstel V.O.F.", 9_500_000, d("2025-01-01"), d("2027-06-30"),
                  "l.dekker@amsterdam.nl", "quarterly", None, "amsterdam-2025")
C_BRUG = Contract("AMS-2026-004", AMSTERDAM, "Onderhoud beweegbare bruggen Amsterdam-Noord", "77340921",
                  "Brugwerken Noord B.V.", 2_000_000, d("2026-01-01"), d("2027-12-31"),
                  "l.dekker@amsterdam.nl", "quarterly", 45, "amsterdam-2025")
C_N348 = Contract("GLD-2024-021", GELDERLAND, "Groot onderhoud N348 Arnhem–Dieren", "51820463",
                  "Wegenbouw Veluwe B.V.", 6_200_000, d("2024-03-01"), d("2026-12-31"),
                  "m.jansen@gelderland.nl", "yearly")
C_N345 = Contract("GLD-2025-006", GELDERLAND, "Reconstructie kruispunten N345 Voorst", "60472918",
                  "Grondverzet Achterhoek B.V.", 4_300_000, d("2025-07-01"), d("2027-06-30"),
                  "m.jansen@gelderland.nl", "quarterly")
C_FIETSBRUG = Contract("GLD-2026-001", GELDERLAND, "Nieuwbouw fietsbrug Apeldoorns Kanaal", "73018264",
                       "Staalbouw IJssel B.V.", 3_100_000, d("2026-02-01"), d("2027-03-31"),
                       "r.visser@gelderland.nl", "half_yearly", 30)
C_DIJK = Contract("WSRL-2024-007", RIVIERENLAND, "Dijkversterking Tiel–Waardenburg, deeltraject Zennewijnen",
                  "40225871", "Coöperatie Dijkwerkers Betuwe U.A.", 14_000_000, d("2024-01-01"),
                  d("2027-06-30"), "a.smit@wsrl.nl", "half_yearly", 45)
C_BAGGER = Contract("WSRL-2025-012", RIVIERENLAND, "Baggeren watergangen Bommelerwaard 2025–2026", "17093325",
                    "Aannemersbedrijf Van der Linden & Zn. B.V.", 850_000, d("2025-03-01"), d("2026-10-31"),
                    "h.vandijk@wsrl.nl", "quarterly", 21)
C_GEMAAL = Contract("WSRL-2025-019", RIVIERENLAND, "Onderhoud gemalen en stuwen Betuwe 2025–2027", "34876120",
                    "Pompen & Techniek Rivierenland B.V.", 2_750_000, d("2025-01-01"), d("2027-12-31"),
                    "a.smit@wsrl.nl", "yearly")
C_KADEN = Contract("WSRL-2027-002", RIVIERENLAND, "Onderhoud kaden en oevers Maas en Waal 2027", "56029384",
                   "Oeverwerk Maas en Waal B.V.", 1_900_000, d("2027-01-01"), d("2027-12-31"),
                   "h.vandijk@wsrl.nl")

CONTRACTS = [C_GROEN, C_SCHOLEN, C_SCHOON, C_LICHT, C_KADE, C_BRUG, C_N348, C_N345, C_FIETSBRUG,
             C_DIJK, C_BAGGER, C_GEMAAL, C_KADEN]


@dataclass(frozen=True)
class Commitment:
    id: str
    contract: Contract
    kind: str
    metric: str | None
    target: float | None
    scope: str | None = None
    trajectory: str | None = None
    tolerance: float | None = None
    penalty_rule: str | None = None
    penalty_rate: float | None = None
    penalty_amount: float | None = None
    due: date | None = None
    target_pct: float | None = None
    description: str = ""
    expect: str = ""  # the designed status as of AS_OF


COMMITMENTS = [
    Commitment("UTR-2025-003-SR", C_GROEN, SR, "eur", None, target_pct=5, trajectory="linear",
               penalty_rule="shortfall_eur", expect="on_track",
               description="Opdrachtnemer zet ten minste 5% van de opdrachtwaarde in voor social return, "
                           "gewaardeerd volgens de bouwblokkenmethode."),
    Commitment("UTR-2024-011-SR", C_SCHOLEN, SR, "hours", 5000, trajectory="end",
               penalty_rule="per_unit", penalty_rate=40, expect="met",
               description="Opdrachtnemer realiseert gedurende de looptijd minimaal 5.000 uur werk voor "
                           "personen met een afstand tot de arbeidsmarkt."),
    Commitment("UTR-2026-008-SR", C_SCHOON, SR, None, 45000, trajectory="linear", tolerance=15,
               expect="on_track",
               description="Social return ter waarde van € 45.000, gelijkmatig te realiseren over de looptijd."),
    Commitment("UTR-2025-014-ZE1", C_LICHT, ZE, "percent", 80, scope="<19", tolerance=5, expect="on_track",
               description="Ten minste 80% van de draaiuren van materieel onder 19 kW is emissievrij "
                           "(elektrisch of waterstof)."),
    Commitment("UTR-2025-014-ZE2", C_LICHT, ZE, "percent", 50, scope="19-37", penalty_rule="fixed",
               penalty_amount=7500, expect="on_track",
               description="Ten minste 50% van de draaiuren van materieel van 19 tot 37 kW is emissievrij."),
    Commitment("AMS-2025-031-SR", C_KADE, SR, "eur", 475000, trajectory="linear",
               penalty_rule="shortfall_eur", expect="behind",
               description="Opdrachtnemer levert social return ter waarde van € 475.000 (5% van de "
                           "opdrachtsom) volgens de Amsterdamse bouwblokkentabel."),
    Commitment("AMS-2026-004-SR", C_BRUG, SR, "eur", 60000, trajectory="linear", tolerance=10,
               penalty_rule="fixed", penalty_amount=15000, expect="on_track",
               description="Social return ter waarde van € 60.000; inkoop bij sociale ondernemingen telt mee."),
    Commitment("GLD-2024-021-RM", C_N348, RM, "percent", 50, scope="asfalt", tolerance=0,
               due=d("2025-12-31"), penalty_rule="fixed", penalty_amount=25000, expect="breached",
               description="Uiterlijk 31-12-2025 bestaat ten minste 50% van het verwerkte asfalt uit "
                           "gerecycled asfaltgranulaat."),
    Commitment("GLD-2025-006-ZE1", C_N345, ZE, "percent", 60, scope="56-130", tolerance=5,
               penalty_rule="per_unit", penalty_rate=1500, expect="behind",
               description="Minimaal 60% van de draaiuren van mobiele werktuigen van 56 tot 130 kW is "
                           "emissievrij."),
    Commitment("GLD-2025-006-ZE2", C_N345, ZE, "percent", 30, scope=">=130", expect="no_data",
               description="Minimaal 30% van de draaiuren van zwaar materieel (130 kW en meer) is emissievrij."),
    Commitment("GLD-2026-001-RM", C_FIETSBRUG, RM, "percent", 30, scope="all", expect="on_track",
               description="Ten minste 30% van alle geleverde bouwmaterialen (in tonnen) is gerecycled, "
                           "aantoonbaar met certificaat of weegbon."),
    Commitment("GLD-2026-001-ZE", C_FIETSBRUG, ZE, "percent", 50, scope="37-56", penalty_rule="fixed",
               penalty_amount=10000, expect="on_track",
               description="Minimaal 50% van de draaiuren van materieel van 37 tot 56 kW is emissievrij."),
    Commitment("WSRL-2024-007-RM", C_DIJK, RM, "percent", 30, scope="beton", tolerance=5, expect="on_track",
               description="Van het toegepaste beton is ten minste 30% betongranulaat uit hergebruik."),
    Commitment("WSRL-2024-007-SR", C_DIJK, SR, "hours", 8000, trajectory="linear", due=d("2026-06-30"),
               penalty_rule="per_unit", penalty_rate=50, expect="breached",
               description="Vóór 1 juli 2026 zijn ten minste 8.000 uur social return gerealiseerd."),
    Commitment("WSRL-2025-012-ZE", C_BAGGER, ZE, "percent", 50, scope="all", penalty_rule="fixed",
               penalty_amount=5000, expect="met",
               description="Ten minste 50% van alle draaiuren van het ingezette materieel is emissievrij."),
    Commitment("WSRL-2025-019-SR", C_GEMAAL, SR, "hours", 2000, trajectory="linear", tolerance=10,
               expect="on_track",
               description="Inzet van 2.000 uur social return, gelijkmatig verdeeld over de looptijd."),
    Commitment("WSRL-2027-002-SR", C_KADEN, SR, "hours", 1500, trajectory="linear", expect="not_started",
               description="Opdrachtnemer realiseert 1.500 uur social return."),
    Commitment("WSRL-2027-002-RM", C_KADEN, RM, "percent", 25, expect="not_started",
               description="Minimaal 25% van de geleverde materialen is gerecycled."),
]

# Report periods that are deliberately missing as of AS_OF (contract, report type, period).
OVERDUE_INTENT = [
    ("UTR-2026-008", SR, "2026-08"),          # De Vaart sent an empty template for August
    ("AMS-2025-031", SR, "2026-Q1"),          # Kademuur Combinatie stopped reporting after 2025-Q4
    ("AMS-2025-031", SR, "2026-Q2"),
    ("AMS-2025-031", SR, "2026-Q3"),
    ("WSRL-2025-012", ZE, "2026-Q3"),         # Van der Linden's Q3 file could not be read
]

# A second valuation table next to the shipped utrecht-2025 (SPEC 1.5).
BLOCK_TABLES = [
    ("amsterdam-2025", "participatiewet", "group", 45000),
    ("amsterdam-2025", "banenafspraak", "group", 55000),
    ("amsterdam-2025", "pro_vso_entree", "group", 35000),
    ("amsterdam-2025", "wia_wao", "group", 45000),
    ("amsterdam-2025", "ww", "group", 22500),
    ("amsterdam-2025", "mbo_bbl", "group", 32500),
    ("amsterdam-2025", "mbo_bol", "group", 17500),
    ("amsterdam-2025", "nugger", "group", 10000),
    ("amsterdam-2025", "ex_gedetineerde", "group", 40000),
    ("amsterdam-2025", "50plus", "bonus", 12000),
    ("amsterdam-2025", "statushouder", "bonus", 15000),
    ("amsterdam-2025", "vast_contract", "bonus", 12500),
]

# --------------------------------------------------------------------------------------
# Report files: what a supplier wrote, and how the file looks
# --------------------------------------------------------------------------------------

DUTCH = {  # SPEC 1.6, the other way round
    "contract_id": "contractnummer", "supplier_kvk": "kvk_nummer", "supplier_name": "leverancier",
    "period": "periode", "period_start": "periode_start", "period_end": "periode_eind",
    "submitted_at": "ingediend_op", "person_ref": "persoon", "target_group": "doelgroep",
    "hours": "uren", "amount_eur": "bedrag", "material": "materiaal", "delivered_tonnes": "geleverd_ton",
    "recycled_tonnes": "gerecycled_ton", "evidence_ref": "bewijsstuk", "machine_id": "machine",
    "power_kw": "vermogen_kw", "energy_source": "energiebron",
}

COLUMNS = {
    SR: ["person_ref", "target_group", "hours", "amount_eur", "bonus"],
    RM: ["material", "delivered_tonnes", "recycled_tonnes", "evidence_ref"],
    ZE: ["machine_id", "power_kw", "energy_source", "hours"],
}
OPTIONAL = {"amount_eur", "bonus"}  # written only when a supplier uses them
BASE_COLUMNS = {"contract_id", "supplier_kvk", "period", "period_start", "period_end", "submitted_at", "reasons"}


@dataclass(frozen=True)
class Style:
    xlsx: bool = False
    delimiter: str = ","
    decimal_comma: bool = False
    date_fmt: str = "%Y-%m-%d"
    encoding: str = "utf-8"        # utf-8, utf-8-sig (with BOM) or cp1252
    newline: str = "\n"
    dutch: bool = False            # Dutch header aliases
    title: tuple[str, ...] = ()    # xlsx: title block above the header, then one empty row
    blank_after: tuple[int, ...] = ()  # csv: an empty line after these data lines (1-based)
    kvk_as_number: bool = False    # xlsx: KvK typed as a number, as Excel does


CLEAN = Style()
SEMI_NL = Style(delimiter=";", decimal_comma=True, date_fmt="%d-%m-%Y")  # Dutch Excel export
XLSX = Style(xlsx=True)


@dataclass
class Report:
    path: str                        # relative to the data folder
    kind: str | None                 # report type; None for the file that is none
    contract: Contract
    period: str | tuple[date, date]  # label as written, or (period_start, period_end)
    lines: list[dict]
    submitted: date | datetime | None = None
    style: Style = CLEAN
    extra: dict = field(default_factory=dict)   # constant extra columns (kept raw by the reader)
    columns: list[str] | None = None            # explicit column list (e.g. one left out)
    refusal: str | None = None                  # designed file-level refusal

    def header(self) -> list[str]:
        if self.columns is not None:
            return self.columns
        period = ["period"] if isinstance(self.period, str) else ["period_start", "period_end"]
        own = [c for c in COLUMNS[self.kind] if c not in OPTIONAL or any(c in ln for ln in self.lines)]
        # free-text columns a supplier added itself (kept raw by the reader)
        free = [c for c in dict.fromkeys(k for ln in self.lines for k in ln)
                if c not in COLUMNS[self.kind] and c not in BASE_COLUMNS]
        submitted = ["submitted_at"] if self.submitted is not None else []
        return ["contract_id", "supplier_kvk", *period, *own, *free, *self.extra, *submitted]

    def records(self) -> list[dict]:
        """Every line as written: contract, supplier, period and submission filled in."""
        base = {"contract_id": self.contract.id, "supplier_kvk": self.contract.kvk, **self.extra}
        if isinstance(self.period, str):
            base["period"] = self.period
        else:
            base["period_start"], base["period_end"] = self.period
        base["submitted_at"] = self.submitted
        return [{**base, **ln} for ln in self.lines]


@dataclass
class RawFile:
    """A file written byte for byte: the unreadable upload and the duplicate."""
    path: str
    data: bytes | None = None
    duplicate_of: str | None = None
    refusal: str | None = None


def sr(person, group, hours, bonus=None, amount=None, reasons=(), **over) -> dict:
    line = {"person_ref": person, "target_group": group, "hours": hours, "bonus": bonus, "amount_eur": amount}
    return {k: v for k, v in line.items() if v is not None} | over | {"reasons": tuple(reasons)}


def rm(material, delivered, recycled, evidence, reasons=(), **over) -> dict:
    return {"material": material, "delivered_tonnes": delivered, "recycled_tonnes": recycled,
            "evidence_ref": evidence} | over | {"reasons": tuple(reasons)}


def ze(machine, kw, source, hours, reasons=(), **over) -> dict:
    return {"machine_id": machine, "power_kw": kw, "energy_source": source, "hours": hours} | over | {
        "reasons": tuple(reasons)}


def roster_lines(roster, i: int) -> list[dict]:
    """Lines of period number i from a roster (person, group, bonus, hours per period)."""
    return [sr(p, g, h[i], bonus=b) for p, g, b, h in roster if h[i]]


# --------------------------------------------------------------------------------------
# The core world's reports, supplier by supplier
# --------------------------------------------------------------------------------------

def groenwerk_reports() -> list[Report | RawFile]:
    """UTR-2025-003: keeps its social-return promise (on track). Shows most of the mess:
    a duplicate upload, a title block, Dutch ';' export, a correction, a sloppy file."""
    c, base = C_GROEN, "reports/groenwerk-utrecht"
    p1101 = sr("P-1101", "participatiewet", 468)
    p1103 = sr("P-1103", "banenafspraak", 72)
    p1104 = sr("P-1104", "mbo_bbl", 208)
    q1 = Report(f"{base}/2025/sr_2025-Q1.csv", SR, c, "2025-Q1",
                [p1101, sr("P-1102", "mbo_bbl", 208), p1103], d("2025-04-10"))
    return [
        q1,
        RawFile(f"{base}/2025/sr_2025-Q1_nogmaals.csv", duplicate_of=q1.path),
        Report(f"{base}/2025/Rapportage social return Q2 2025.xlsx", SR, c, "2025-Q2",
               [p1101, sr("P-1102", "mbo_bbl", 208), p1103], d("2025-07-14"),
               replace(XLSX, title=("Rapportage social return Q2 2025",
                                    "Opdrachtnemer: Groenwerk Utrecht B.V.",
                                    "Contract UTR-2025-003 Groenonderhoud Utrecht-Oost"))),
        Report(f"{base}/2025/sr_2025-Q3.csv", SR, c, "Q3 2025",
               [p1101, p1104, sr("P-1103", "banenafspraak", 117.5),
                sr("SO-Sortiva", "sociale_onderneming", None, amount=Decimal("2450.00"))],
               d("2025-10-09"), replace(SEMI_NL, dutch=True)),
        Report(f"{base}/2025/sr_2025-Q4.csv", SR, c, (d("2025-10-01"), d("2025-12-31")),
               [p1101, p1104, p1103], d("2026-01-14"), replace(CLEAN, date_fmt="%d/%m/%Y")),
        # First version forgot P-1103 and had P-1104 too low; the correction two weeks later counts.
        Report(f"{base}/2026/sr_2026-Q1.csv", SR, c, "2026-Q1",
               [p1101, sr("P-1104", "mbo_bbl", 180)], d("2026-04-09")),
        Report(f"{base}/2026/sr_2026-Q1_correctie.csv", SR, c, "2026-Q1",
               [p1101, p1104, p1103], datetime(2026, 4, 23, 11, 2)),
        Report(f"{base}/2026/sr_2026-Q2.csv", SR, c, "2026-Q2", [
            p1101, p1104, p1103,
            sr("P-1104", "mbo_bbl", 208, reasons=["duplicate_line"]),
            sr("P-1105", "participatiewet", None, reasons=["missing:hours"]),
            sr("P-1106", "ww", "veertig", reasons=["bad_number:hours"]),
            sr("P-1107", "mbo_bol", 120, submitted_at="8 juli 2026", reasons=["bad_date:submitted_at"]),
            sr("P-1108", "participatiewet", -16, reasons=["negative:hours"]),
            sr("P-1109", "participatiewet", 156, contract_id="UTR-2052-003", reasons=["unknown_contract"]),
            sr("P-1110", "ww", 96, contract_id=C_SCHOON.id, reasons=["supplier_mismatch"]),
            sr("P-1111", "mbo_bbl", 104, period="2026-Q5", reasons=["bad_period"]),
            sr("P-1112", "participatiewet", 200, period="2024-Q4", reasons=["period_outside_contract"]),
            sr("P-1113", "vrijwilliger", 60, reasons=["unknown_target_group"]),
            sr("P-1114", "participatiewet", 120, bonus="jongere", reasons=["unknown_bonus"]),
            sr("P-1115", "banenafspraak", 1040, reasons=["hours_implausible"]),
            sr("111222333", "participatiewet", 312, reasons=["bsn_suspected"]),
        ], d("2026-07-08")),
        Report(f"{base}/2026/sr_2026-Q3.xlsx", SR, c, "2026-Q3", [p1101, p1104, p1103],
               d("2026-10-12"), XLSX),
    ]


# Bouwbedrijf Müller, half-yearly. P-0412 works 4,050 hours: only 3,744 count (two-year cap).
SCHOLEN_PERIODS = [(d("2024-04-01"), d("2024-06-30")), "2024-H2", "2025-H1", "2025-H2", "2026-H1"]
SCHOLEN_ROSTER = [
    ("P-0412", "participatiewet", None, [450, 900, 900, 900, 900]),
    ("P-0415", "mbo_bbl", None, [0, 300, 300, 300, 0]),
    ("P-0419", "wia_wao", "50plus", [240, 468, 468, 0, 0]),
    ("P-0423", "banenafspraak", None, [0, 0, 0, 520, 600]),
]
SCHOLEN_SUBMITTED = [d("2024-07-11"), d("2025-01-16"), d("2025-07-10"), d("2026-01-15"), d("2026-07-09")]


def muller_reports() -> list[Report]:
    """UTR-2024-011: 5,000 hours promised, met (with the cap). UTF-8 with BOM, extra column."""
    out = []
    for i, period in enumerate(SCHOLEN_PERIODS):
        label = period if isinstance(period, str) else "2024-H1"
        out.append(Report(f"reports/bouwbedrijf-muller/{label[:4]}/SR-UTR-2024-011-{label}.csv", SR, C_SCHOLEN,
                          period, roster_lines(SCHOLEN_ROSTER, i), SCHOLEN_SUBMITTED[i],
                          replace(CLEAN, encoding="utf-8-sig"), extra={"supplier_name": C_SCHOLEN.supplier}))
    return out


SCHOON_ROSTER = [  # hours per month Jan–Nov 2026; August was sent as an empty template
    ("P-2001", "participatiewet", None, [80] * 11),
    ("P-2002", "ww", None, [60] * 11),
    ("P-2003", "nugger", None, [0, 0, 0, 0, 0, 40, 40, 0, 40, 40, 40]),
]


def de_vaart_reports() -> list[Report]:
    """UTR-2026-008: monthly, on track; August is an empty template (overdue), November was
    sent on the 27th, before the month ended (accepted, but not counted as of 2026-11-29)."""
    out = []
    for i in range(11):
        month = f"2026-{i + 1:02d}"
        lines = [] if month == "2026-08" else roster_lines(SCHOON_ROSTER, i)
        if month == "2026-11":
            submitted = d("2026-11-27")
        else:  # from April on they add the date, the 6th of the next month
            submitted = d(f"2026-{i + 2:02d}-06") if i >= 3 else None
        style = replace(CLEAN, blank_after=(1, 2, 2)) if month == "2026-03" else CLEAN
        out.append(Report(f"reports/de-vaart/2026/sr_{month}.csv", SR, C_SCHOON, month, lines, submitted, style))
    return out


LICHT_QUARTERS = [("2025", 2), ("2025", 3), ("2025", 4), ("2026", 1), ("2026", 2), ("2026", 3)]
LICHT_FLEET = [
    ze("HW-01 hoogwerker", 15, "electric", 320), ze("MG-02 minigraver", 17, "electric", 180),
    ze("TP-03 trilplaat", 5, "petrol", 60), ze("HW-04 hoogwerker op vrachtwagen", 30, "diesel", 150),
    ze("MG-05 minigraver", 24, "electric", 300), ze("SH-06 shovel", 37, "diesel", 80),
]


def quarter_dates(year: str, q: int) -> tuple[date, date]:
    start = date(int(year), 3 * q - 2, 1)
    end = date(int(year) + (q == 4), (3 * q) % 12 + 1, 1) - timedelta(days=1)
    return start, end


def lichtnet_reports() -> list[Report]:
    """UTR-2025-014: two zero-emission classes, both on track. Period as start/end dates;
    the 2026-Q1 file has bad lines of the zero-emission type."""
    out = []
    for year, q in LICHT_QUARTERS:
        start, end = quarter_dates(year, q)
        lines = list(LICHT_FLEET)
        if (year, q) == ("2026", 1):
            lines += [
                ze("AG-07 aggregaat", 12, "GTL", 40, reasons=["unknown_energy_source"]),
                ze("HW-01 hoogwerker", 15, "electric", 2600, reasons=["hours_implausible"]),
                ze("MG-02 minigraver", 17, "electric", 60, period_start=end, period_end=start,
                   reasons=["bad_period"]),
                ze("HW-08 hoogwerker", None, "electric", 45, reasons=["missing:power_kw"]),
            ]
        style = XLSX if year == "2025" else CLEAN
        ext = "xlsx" if style.xlsx else "csv"
        out.append(Report(f"reports/lichtnet-infra/{year}/ze_{year}-Q{q}.{ext}", ZE, C_LICHT, (start, end),
                          lines, end + timedelta(days=12), style))
    return out


KADE_ROSTER = [  # Amsterdam table; the consortium stopped reporting after 2025-Q4
    ("P-5501", "participatiewet", None, [468] * 4),
    ("P-5502", "ex_gedetineerde", None, [468] * 4),
    ("P-5503", "mbo_bol", None, [300] * 4),
    ("P-5504", "banenafspraak", "vast_contract", [234] * 4),
]


def kademuur_reports() -> list[Report]:
    """AMS-2025-031: behind and silent since 2025-Q4; what it sent for 2026-Q1 is a CO2 report."""
    out = [Report(f"reports/kademuur-combinatie-amstel/2025/SR_Q{q}_2025.csv", SR, C_KADE, f"Q{q} 2025",
                  roster_lines(KADE_ROSTER, q - 1), quarter_dates("2025", q)[1] + timedelta(days=20), SEMI_NL)
           for q in range(1, 5)]
    co2 = ["contract_id", "supplier_kvk", "period", "co2_uitstoot_ton", "brandstof_liter", "submitted_at"]
    out.append(Report("reports/kademuur-combinatie-amstel/2026/CO2-rapportage Q1 2026.csv", None, C_KADE,
                      "Q1 2026", [{"co2_uitstoot_ton": Decimal("41.7"), "brandstof_liter": 15620, "reasons": ()},
                                  {"co2_uitstoot_ton": Decimal("12.3"), "brandstof_liter": 4610, "reasons": ()},
                                  {"co2_uitstoot_ton": Decimal("3.9"), "brandstof_liter": 1480, "reasons": ()}],
                      d("2026-04-28"), replace(SEMI_NL, dutch=True), columns=co2, refusal="unknown_report_type"))
    return out


def brugwerken_reports() -> list[Report]:
    """AMS-2026-004: on track with the Amsterdam table (ex_gedetineerde is only known there),
    bonus codes joined by '|', a social-enterprise purchase; KvK typed as a number."""
    style = replace(XLSX, kvk_as_number=True)
    out = []
    for q in (1, 2, 3):
        lines = [sr("P-6601", "ex_gedetineerde", 234),
                 sr("P-6602", "participatiewet", 156, bonus="50plus|statushouder")]
        if q == 2:
            lines.append(sr("SO-Pantar", "sociale_onderneming", None, amount=4500))
        out.append(Report(f"reports/brugwerken-noord/2026/social_return_2026-Q{q}.xlsx", SR, C_BRUG, f"2026-Q{q}",
                          lines, quarter_dates("2026", q)[1] + timedelta(days=25), style))
    return out


def wegenbouw_reports() -> list[Report]:
    """GLD-2024-021: recycled asphalt promised at 50% by 2025-12-31, reached about 34%:
    breached. Two 2025 asphalt lines carry no evidence (unsupported claims)."""
    base = "reports/wegenbouw-veluwe"
    y2024 = [rm("asfalt", 1240.5, 434.2, "WB-24-0412"), rm("asfalt", 2110.0, 717.4, "WB-24-0877"),
             rm("beton", 310.0, 93.0, "PB-24-551"), rm("asfalt", 860.0, 344.0, "CERT-ASF-2024-118"),
             rm("staal", 42.5, 38.3, "CERT-ST-24-09")]
    y2025 = [rm("asfalt", 1850.0, 740.0, "WB-25-0193"), rm("asfalt", 2420.0, 919.6, "WB-25-0540"),
             rm("asfalt", 640.0, 320.0, None), rm("beton", 280.0, 98.0, "PB-25-118"),
             rm("asfalt", 390.0, 195.0, None), rm("asfalt", 1120.0, 470.4, "CERT-ASF-2025-207")]
    return [Report(f"{base}/2024/N348_recycling_2024.xlsx", RM, C_N348, "2024", y2024, d("2025-01-24"), XLSX),
            Report(f"{base}/2025/N348_recycling_2025.xlsx", RM, C_N348, "2025", y2025, d("2026-01-22"), XLSX)]


N345_FLEET = [  # (line, first quarter index it works in)
    (ze("GK-11 graafmachine", 90, "diesel", 380), 0), (ze("GK-12 graafmachine", 75, "electric", 260), 0),
    (ze("DP-14 dumper", 56, "diesel", 100), 0), (ze("MG-15 minigraver", 18, "electric", 140), 0),
    (ze("AG-16 aggregaat", 6, "petrol", 50), 0), (ze("WL-13 wiellader", 110, "hydrogen", 120), 1),
]
N345_QUARTERS = ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
IN_DUTCH = {"electric": "elektrisch", "hydrogen": "waterstof", "petrol": "benzine"}


def grondverzet_reports() -> list[Report]:
    """GLD-2025-006: 56–130 kW machines run mostly on diesel (behind); no machine of 130 kW
    or more is reported at all (no_data). The 2025 files are Dutch ';' exports."""
    out = []
    for i, label in enumerate(N345_QUARTERS):
        lines = [dict(ln) for ln, first in N345_FLEET if i >= first]
        dutch = label.startswith("2025")
        if dutch:
            for ln in lines:
                ln["energy_source"] = IN_DUTCH.get(ln["energy_source"], ln["energy_source"])
            lines[0]["hours"] = 412.5  # decimal comma in the Dutch export
        year, q = label.split("-Q")
        out.append(Report(f"reports/grondverzet-achterhoek/{year}/inzet_materieel_{label}.csv", ZE, C_N345,
                          label, lines, quarter_dates(year, int(q))[1] + timedelta(days=15),
                          replace(SEMI_NL, dutch=True) if dutch else CLEAN))
    return out


def staalbouw_reports() -> list[Report]:
    """GLD-2026-001: both promises on track; the recycling file has bad lines of that type."""
    base = "reports/staalbouw-ijssel/2026"
    recycling = [
        rm("staal", 180.0, 126.0, "CERT-ST-26-014"), rm("beton", 340.0, 85.0, "WB-26-0077"),
        rm("hout", 25.0, 0, "PB-26-003"),
        rm("beton", 40.0, 55.0, "WB-26-0102", reasons=["recycled_exceeds_delivered"]),
        rm("staal", None, 12.0, "CERT-ST-26-019", reasons=["missing:delivered_tonnes"]),
        rm("asfalt", "ca. 60", 20.0, "WB-26-0131", reasons=["bad_number:delivered_tonnes"]),
        rm("beton", 80.0, -5.0, "WB-26-0140", reasons=["negative:recycled_tonnes"]),
    ]
    machines = [ze("KR-21 rupskraan", 45, "electric", 280), ze("HT-22 heftruck", 40, "electric", 150),
                ze("SH-23 shovel", 50, "diesel", 240), ze("MK-24 mobiele kraan", 200, "diesel", 120)]
    return [Report(f"{base}/recycling_2026-H1.xlsx", RM, C_FIETSBRUG, "2026-H1", recycling, d("2026-07-20"), XLSX),
            Report(f"{base}/ze_2026-H1.csv", ZE, C_FIETSBRUG, "2026-H1", machines, d("2026-07-20"))]


DIJK_HALVES = ["2024-H1", "2024-H2", "2025-H1", "2025-H2", "2026-H1"]
DIJK_SUBMITTED = [d("2024-08-05"), d("2025-02-05"), d("2025-08-05"), d("2026-02-05"), d("2026-08-10")]
DIJK_ROSTER = [
    ("P-3301", "participatiewet", None, [700] * 5),
    ("P-3302", "wia_wao", None, [400] * 5),
    ("P-3303", "mbo_bbl", None, [0, 0, 300, 300, 300]),
]
DIJK_BETON = [(420.0, 139.0), (380.0, 121.6), (510.0, 168.3), (460.0, 151.8), (400.0, 136.0)]


def dijkwerkers_reports() -> list[Report]:
    """WSRL-2024-007: recycled concrete on track; 8,000 social-return hours due 2026-06-30,
    6,400 delivered: breached. Materials in Windows-1252, social return with CRLF; the
    first 2026-H1 social-return file lacks the KvK column and was sent again."""
    base = "reports/dijkwerkers-betuwe"
    cp1252 = replace(SEMI_NL, encoding="cp1252", dutch=True)
    crlf = replace(CLEAN, newline="\r\n")
    out = []
    for i, half in enumerate(DIJK_HALVES):
        year, submitted = half[:4], DIJK_SUBMITTED[i]
        delivered, recycled = DIJK_BETON[i]
        materials = [
            rm("beton", delivered, recycled, f"BG-{year}-{i + 1:03d}", opmerking="betongranulaat uit sloop"),
            rm("zand", 1800.0, 0, f"WB-{year}-{40 + i}", opmerking="ophoogzand, één leverancier"),
            rm("klei", 2500.0, 0, f"WB-{year}-{60 + i}", opmerking="gebiedseigen klei, geïnstalleerd als kern"),
        ]
        if half == "2025-H2":
            materials.append(rm("beton", 150.0, 60.0, None, opmerking="bewijs volgt (reële schatting)"))
        out.append(Report(f"{base}/{year}/materialen_{half}.csv", RM, C_DIJK, half, materials, submitted, cp1252,
                          extra={"supplier_name": C_DIJK.supplier}))
        people = roster_lines(DIJK_ROSTER, i)
        if half == "2026-H1":  # refused first, complete a week later
            no_kvk = ["contract_id", "period", "person_ref", "target_group", "hours", "submitted_at"]
            out.append(Report(f"{base}/{year}/sr_{half}.csv", SR, C_DIJK, half, people, d("2026-08-03"), crlf,
                              columns=no_kvk, refusal="missing_columns"))
            out.append(Report(f"{base}/{year}/sr_{half}_herzien.csv", SR, C_DIJK, half, people, submitted, crlf))
        else:
            out.append(Report(f"{base}/{year}/sr_{half}.csv", SR, C_DIJK, half, people, submitted, crlf))
    return out


BAGGER_QUARTERS = [  # (period_start, period_end, hours per machine in BAGGER_FLEET order)
    (d("2025-03-01"), d("2025-03-31"), [80, 120, 0, 40, 0]),
    (d("2025-04-01"), d("2025-06-30"), [300, 420, 150, 200, 0]),
    (d("2025-07-01"), d("2025-09-30"), [280, 400, 180, 220, 120]),
    (d("2025-10-01"), d("2025-12-31"), [200, 380, 100, 0, 80]),
    (d("2026-01-01"), d("2026-03-31"), [220, 400, 0, 60, 0]),
    (d("2026-04-01"), d("2026-06-30"), [260, 420, 140, 180, 0]),
    (d("2026-10-01"), d("2026-10-31"), [90, 150, 0, 60, 0]),
]
BAGGER_FLEET = [("KP-31 kraan op ponton", 150, "diesel"), ("BP-32 baggerpomp", 200, "electric"),
                ("AG-33 amfibiegraver", 120, "hvo"), ("MB-34 maaiboot", 60, "electric"),
                ("TR-35 tractor", 90, "hybrid")]


def bagger_lines(i: int, with_period: bool) -> list[dict]:
    start, end, hours = BAGGER_QUARTERS[i]
    over = {"period_start": start, "period_end": end} if with_period else {}
    return [ze(m, kw, src, h, **over) for (m, kw, src), h in zip(BAGGER_FLEET, hours) if h]


def van_der_linden_reports() -> list[Report | RawFile]:
    """WSRL-2025-012: contract ended 2026-10-31 with 50% zero-emission hours met; one file with
    all of 2025, and a 2026-Q3 upload that is an HTML page saved as .xlsx."""
    base = "reports/van-der-linden"
    year_lines = [ln for i in range(4) for ln in bagger_lines(i, True)]
    portal_page = ("<!DOCTYPE html>\n<html lang=\"nl\"><head><title>Sessie verlopen</title></head>\n"
                   "<body><h1>Uw sessie is verlopen</h1><p>Log opnieuw in om het bestand te downloaden."
                   "</p></body></html>\n").encode()
    out: list[Report | RawFile] = [
        Report(f"{base}/2025/ZE-registratie 2025.xlsx", ZE, C_BAGGER, (d("2025-03-01"), d("2025-12-31")),
               year_lines, datetime(2026, 1, 19, 10, 5), XLSX),
    ]
    for i, name in ((4, "ze_2026-Q1.csv"), (5, "ze_2026-Q2.csv")):
        start, end, _ = BAGGER_QUARTERS[i]
        out.append(Report(f"{base}/2026/{name}", ZE, C_BAGGER, (start, end), bagger_lines(i, False),
                          end + timedelta(days=10)))
    out.append(RawFile(f"{base}/2026/ze_2026-Q3.xlsx", data=portal_page, refusal="unreadable"))
    out.append(Report(f"{base}/2026/ze_2026-10.csv", ZE, C_BAGGER, (d("2026-10-01"), d("2026-10-31")),
                      bagger_lines(6, False), d("2026-11-12")))
    return out


def pompen_reports() -> list[Report]:
    """WSRL-2025-019: yearly, on track. Person refs are 9-digit staff numbers that fail the
    eleven-test, so they are not BSNs. No submitted_at."""
    lines = [sr("204518736", "participatiewet", 1100), sr("100845527", "mbo_bbl", 380)]
    return [Report("reports/pompen-techniek/2025/SR_2025.xlsx", SR, C_GEMAAL, "2025", lines, None, XLSX)]


def core_reports() -> list[Report | RawFile]:
    return (groenwerk_reports() + muller_reports() + de_vaart_reports() + lichtnet_reports()
            + kademuur_reports() + brugwerken_reports() + wegenbouw_reports() + grondverzet_reports()
            + staalbouw_reports() + dijkwerkers_reports() + van_der_linden_reports() + pompen_reports())


# --------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------


def fmt_number(x, decimal_comma: bool) -> str:
    if isinstance(x, int):
        return str(x)  # never a thousands separator without decimals: that would be ambiguous
    text = format(x, "f") if isinstance(x, Decimal) else repr(float(x))
    if text.endswith(".0") and not isinstance(x, Decimal):
        text = text[:-2]
    if not decimal_comma:
        return text
    whole, _, frac = text.partition(".")
    if frac:
        sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
        groups = []
        while len(digits) > 3:
            groups.insert(0, digits[-3:])
            digits = digits[:-3]
        whole = sign + ".".join([digits] + groups)
        return f"{whole},{frac}"
    return whole


def fmt_cell(v, st: Style) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, datetime):
        assert st.date_fmt == "%Y-%m-%d", "date-times are only written in ISO form"
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, date):
        return v.strftime(st.date_fmt)
    return fmt_number(v, st.decimal_comma)


def header_names(cols: list[str], st: Style) -> list[str]:
    return [DUTCH.get(c, c) if st.dutch else c for c in cols]


def csv_bytes(header: list[str], rows: list[list], st: Style) -> tuple[bytes, list[int]]:
    """The file's bytes and the physical line number of every data row."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=st.delimiter, lineterminator=st.newline)
    writer.writerow(header_names(header, st))
    line, source_rows = 1, []
    for i, row in enumerate(rows, 1):
        writer.writerow([fmt_cell(v, st) for v in row])
        line += 1
        source_rows.append(line)
        for _ in range(st.blank_after.count(i)):
            buf.write(st.newline)
            line += 1
    return buf.getvalue().encode(st.encoding), source_rows


def new_workbook(target) -> xlsxwriter.Workbook:
    wb = xlsxwriter.Workbook(target, {"in_memory": True})
    wb.set_properties({"created": XLSX_CREATED, "author": "Naleving sample world"})
    return wb


def xlsx_bytes(header: list[str], rows: list[list], st: Style) -> tuple[bytes, list[int]]:
    buf = io.BytesIO()
    wb = new_workbook(buf)
    ws = wb.add_worksheet("Rapportage")
    bold = wb.add_format({"bold": True})
    date_f = wb.add_format({"num_format": "dd-mm-yyyy"})
    datetime_f = wb.add_format({"num_format": "dd-mm-yyyy hh:mm"})
    for r, text in enumerate(st.title):
        ws.write_string(r, 0, text, bold if r == 0 else None)
    top = len(st.title) + 1 if st.title else 0  # one empty row between title block and header
    for col, name in enumerate(header_names(header, st)):
        ws.write_string(top, col, name, bold)
    for r, row in enumerate(rows, top + 1):
        for col, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, datetime):
                ws.write_datetime(r, col, v, datetime_f)
            elif isinstance(v, date):
                ws.write_datetime(r, col, datetime(v.year, v.month, v.day), date_f)
            elif isinstance(v, (int, float, Decimal)):
                ws.write_number(r, col, float(v))
            elif header[col] == "supplier_kvk" and st.kvk_as_number:
                ws.write_number(r, col, int(v))
            else:
                ws.write_string(r, col, v)
    ws.set_column(0, len(header) - 1, 16)
    wb.close()
    return buf.getvalue(), [top + 1 + i for i in range(1, len(rows) + 1)]


def render(report: Report) -> tuple[bytes, list[int]]:
    header = report.header()
    rows = [[rec.get(c) for c in header] for rec in report.records()]
    return (xlsx_bytes if report.style.xlsx else csv_bytes)(header, rows, report.style)


# --------------------------------------------------------------------------------------
# Registers
# --------------------------------------------------------------------------------------

CONTRACT_COLUMNS = {  # register column (Dutch alias where SPEC 1.6 has one) → dtype
    "contractnummer": pl.String, "opdrachtgever": pl.String, "omschrijving": pl.String,
    "kvk_nummer": pl.Int64, "leverancier": pl.String, "contractwaarde": pl.Int64,
    "startdatum": pl.Date, "einddatum": pl.Date, "contractmanager": pl.String,
    "reporting_frequency": pl.String, "report_grace_days": pl.Int64, "block_table": pl.String,
}
COMMITMENT_COLUMNS = {
    "commitment_id": pl.String, "contract_id": pl.String, "kind": pl.String, "metric": pl.String,
    "target": pl.Float64, "target_pct_of_value": pl.Float64, "scope": pl.String, "due_date": pl.Date,
    "trajectory": pl.String, "tolerance_pct": pl.Float64, "penalty_rule": pl.String,
    "penalty_rate_eur": pl.Float64, "penalty_amount_eur": pl.Float64, "description": pl.String,
}


def core_contracts_frame() -> pl.DataFrame:
    # The KvK goes in as a number, like Excel keeps it: 01234567 loses its leading zero.
    rows = [[c.id, c.buyer, c.title, int(c.kvk), c.supplier, c.value, c.start, c.end, c.manager,
             c.frequency, c.grace, c.block_table] for c in CONTRACTS]
    return pl.DataFrame(rows, schema=CONTRACT_COLUMNS, orient="row")


def core_commitments_frame() -> pl.DataFrame:
    rows = [[m.id, m.contract.id, m.kind, m.metric, m.target, m.target_pct, m.scope, m.due, m.trajectory,
             m.tolerance, m.penalty_rule, m.penalty_rate, m.penalty_amount, m.description] for m in COMMITMENTS]
    return pl.DataFrame(rows, schema=COMMITMENT_COLUMNS, orient="row")


def write_registers(out: Path, contracts: pl.DataFrame, commitments: pl.DataFrame) -> None:
    wb = new_workbook(str(out / "contracts.xlsx"))
    contracts.write_excel(wb, "Contracten", autofilter=False, table_style=None,
                          dtype_formats={pl.Date: "dd-mm-yyyy"}, column_widths=18)
    wb.close()
    # Whole numbers without ".0", so the register reads as typed by a person.
    as_text = [pl.col(c).cast(pl.String).str.replace(r"\.0$", "")
               for c, t in COMMITMENT_COLUMNS.items() if t == pl.Float64]
    commitments.with_columns(as_text).write_csv(out / "commitments.csv")
    pl.DataFrame(BLOCK_TABLES, schema=["table_id", "code", "kind", "value_eur_per_year"],
                 orient="row").write_csv(out / "block_tables.csv")


# --------------------------------------------------------------------------------------
# Expected outcomes
# --------------------------------------------------------------------------------------


def file_outcome(rep: Report | RawFile, source_rows: list[int]) -> dict:
    """What the pipeline should record for one file (SPEC 1.4 and 2)."""
    if isinstance(rep, RawFile):  # neither is read: a duplicate is only recorded, an unreadable file has no rows
        info = ({"status": "duplicate", "duplicate_of": rep.duplicate_of} if rep.duplicate_of
                else {"status": "refused", "refusal_reason": rep.refusal})
        return info | {"rows_received": 0, "rows_quarantined": 0, "quarantine_reasons": {}}
    n = len(rep.lines)
    if rep.refusal:  # refused whole: every row counts as received and quarantined
        return {"status": "refused", "refusal_reason": rep.refusal, "rows_received": n, "rows_quarantined": n,
                "quarantine_reasons": {}}
    reasons = {str(row): list(ln["reasons"]) for ln, row in zip(rep.lines, source_rows) if ln["reasons"]}
    return {"status": "accepted", "rows_received": n, "rows_quarantined": len(reasons),
            "quarantine_reasons": reasons}


def unsupported_rows(rep: Report | RawFile, source_rows: list[int]) -> list[int]:
    """Accepted recycled lines that claim recycled tonnes without an evidence_ref."""
    if not isinstance(rep, Report) or rep.kind != RM or rep.refusal:
        return []
    return [row for rec, row in zip(rep.records(), source_rows)
            if not rec["reasons"] and not rec.get("evidence_ref") and rec["recycled_tonnes"]]


def write_core_reports(out: Path) -> dict:
    """Writes the core world's report files; returns the expected outcome (designed intent)."""
    written: dict[str, bytes] = {}
    files: dict[str, dict] = {}
    unsupported = []
    for rep in core_reports():
        if isinstance(rep, RawFile):
            data, source_rows = (written[rep.duplicate_of] if rep.duplicate_of else rep.data), []
        else:
            data, source_rows = render(rep)
        path = out / rep.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written[rep.path] = data
        files[rep.path] = file_outcome(rep, source_rows)
        unsupported += [[rep.path, row] for row in unsupported_rows(rep, source_rows)]
    return {
        "as_of": AS_OF.isoformat(),
        "commitments": {m.id: m.expect for m in COMMITMENTS},
        "findings": {
            "commitment_breached": [m.id for m in COMMITMENTS if m.expect == "breached"],
            "commitment_behind": [m.id for m in COMMITMENTS if m.expect == "behind"],
            "report_overdue": [list(x) for x in OVERDUE_INTENT],
            "unsupported_claim": unsupported,
            # every file with a quarantined line, and every refused file (also one with no readable row)
            "data_quality": [p for p, info in files.items() if info["rows_quarantined"] or info["status"] == "refused"],
        },
        "files": files,
    }


# --------------------------------------------------------------------------------------
# Generated contracts at any scale (--contracts N or --scale S), written in bulk with polars
# --------------------------------------------------------------------------------------

NATIONAL_CONTRACTS = 50_000        # --scale 1.0: a shared service for buyers nationwide
NIGHT = AS_OF + timedelta(days=1)  # the night after AS_OF, when the held-back reports arrive
CHUNK_LINES = 400_000              # lines made and written at once, a chunk of contracts: bounds memory
WORLD_FILE = "world.json"          # the sizes and seed of a generated world, and what was written

GENERATED_BUYERS = [  # (buyer, mail domain, block table; None: the shipped utrecht-2025)
    (UTRECHT, "utrecht.nl", None), (AMSTERDAM, "amsterdam.nl", "amsterdam-2025"),
    (GELDERLAND, "gelderland.nl", None), (RIVIERENLAND, "wsrl.nl", None),
    ("Gemeente Rotterdam", "rotterdam.nl", None), ("Gemeente Den Haag", "denhaag.nl", None),
    ("Gemeente Eindhoven", "eindhoven.nl", None), ("Gemeente Groningen", "groningen.nl", None),
    ("Provincie Noord-Brabant", "brabant.nl", None), ("Provincie Zuid-Holland", "pzh.nl", None),
    ("Rijkswaterstaat", "rws.nl", None), ("Waterschap Vallei en Veluwe", "vallei-veluwe.nl", None),
]
MANAGERS = ["j.devries", "s.bakker", "m.jansen", "r.visser", "a.smit", "h.vandijk", "l.dekker", "k.mulder"]
NAME_A = ["Bouw", "Infra", "Groen", "Water", "Wegen", "Schoonmaak", "Techniek", "Grondwerk", "Installatie"]
NAME_B = ["Nederland", "Midden", "Oost", "Rivierenland", "Veluwe", "Utrecht", "Amstel", "Betuwe", "IJssel"]
FREQUENCIES = {"quarterly": ("3mo", 0.55), None: ("3mo", 0.15), "half_yearly": ("6mo", 0.12),
               "yearly": ("1y", 0.08), "monthly": ("1mo", 0.10)}
GROUPS = ["participatiewet", "banenafspraak", "wia_wao", "ww", "mbo_bbl", "mbo_bol", "nugger"]
MATERIALS = ["asfalt", "beton", "staal", "zand", "puin"]
KW_CLASSES = ["<19", "19-37", "37-56", "56-130", ">=130", "all"]
SOURCES = ["electric", "diesel", "hvo", "hydrogen", "hybrid"]
STYLES = [  # (name, share of files): mostly plain CSV; the messy formats as suppliers send them
    ("clean", 0.78), ("dutch", 0.12), ("bom_crlf", 0.05), ("cp1252", 0.03), ("xlsx", 0.02)]
KIND_SHORT = {SR: "sr", RM: "rm", ZE: "ze"}
KIND_CODE = {SR: "SR", RM: "RM", ZE: "ZE"}
MEAN_WEEKLY_HOURS = 20       # a person's hours per week: uniform 4–36
EUR_PER_HOUR = 17            # about the mean block value per hour (yearly value / 1872), bonuses included
PORTAL_PAGE = ("<!DOCTYPE html>\n<html lang=\"nl\"><head><title>Sessie verlopen</title></head>\n"
               "<body><h1>Uw sessie is verlopen</h1></body></html>\n").encode()


@dataclass(frozen=True)
class WorldSize:
    """How big the generated part of a world is. At --scale 1.0: 50,000 contracts, about
    150,000 commitments, 100,000 report files and 20 million lines."""
    contracts: int
    files_per_contract: float = 2.0
    lines_per_file: int = 200
    night_files: int = 1000  # held back from the history; --night writes them


def pick(rng: np.random.Generator, options: list, n: int, weights: list[float] | None = None) -> pl.Series:
    return pl.Series(options).gather(rng.choice(len(options), size=n, p=weights))


def uniform(rng: np.random.Generator, low: float, high: float, n: int) -> pl.Series:
    return pl.Series(rng.uniform(low, high, n))


def generated_contracts(n: int, rng: np.random.Generator) -> pl.DataFrame:
    """n contracts (ids GEN-00001…) of two to five years, starting between 2022-Q1 and 2027-Q1."""
    buyer = pl.Series(rng.integers(0, len(GENERATED_BUYERS), n))
    quarter = pl.Series(rng.integers(0, 21, n))
    start = pl.date(2022 + quarter // 4, 3 * (quarter % 4) + 1, 1)
    frequencies = list(FREQUENCIES)
    width = max(5, len(str(n)))
    return pl.select(
        contractnummer=pl.format("GEN-{}", pl.int_range(1, n + 1).cast(pl.String).str.zfill(width)),
        opdrachtgever=buyer.replace_strict({i: b[0] for i, b in enumerate(GENERATED_BUYERS)}),
        omschrijving="Raamovereenkomst " + pick(rng, NAME_A, n).str.to_lowercase() + "werkzaamheden",
        kvk_nummer=pl.Series(rng.integers(1_000_000, 99_999_999, n)),  # some below 10^7: a leading zero
        leverancier=pick(rng, NAME_A, n) + " " + pick(rng, NAME_B, n) + " B.V.",
        contractwaarde=pl.Series(rng.integers(2, 200, n) * 50_000),
        startdatum=start,
        einddatum=start.dt.offset_by(pl.format("{}y", pl.Series(rng.integers(2, 6, n)))).dt.offset_by("-1d"),
        contractmanager=pick(rng, MANAGERS, n) + "@" + buyer.replace_strict(
            {i: b[1] for i, b in enumerate(GENERATED_BUYERS)}),
        reporting_frequency=pick(rng, frequencies, n, [FREQUENCIES[f][1] for f in frequencies]),
        report_grace_days=pick(rng, [None, None, None, None, 14, 45], n).cast(pl.Int64),
        block_table=buyer.replace_strict({i: b[2] for i, b in enumerate(GENERATED_BUYERS)}, return_dtype=pl.String),
    ).with_row_index("ci")


def commitment_slots(contracts: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Two to four commitments per contract (three on average), each of a random kind and scope."""
    per_contract = pl.Series(rng.choice([2, 3, 4], size=contracts.height, p=[0.25, 0.5, 0.25]))
    slots = contracts.select("ci", contract_id="contractnummer", n=per_contract).with_columns(
        slot=pl.int_ranges(1, pl.col("n") + 1)).explode("slot").drop("n")
    m = slots.height
    kind = pick(rng, [SR, RM, ZE], m, [0.45, 0.2, 0.35])
    return slots.with_columns(
        kind=kind,
        commitment_id=pl.format("{}-{}{}", "contract_id", kind.replace_strict(KIND_CODE), "slot"),
        metric=pl.when(kind == SR).then(pick(rng, ["eur", "hours", None], m)).otherwise(pl.lit("percent")),
        scope=pl.when(kind == RM).then(pick(rng, [*MATERIALS, "all", None], m))
        .when(kind == ZE).then(pick(rng, KW_CLASSES, m)),
        percent=pl.Series(rng.integers(10, 80, m), dtype=pl.Float64),
        tolerance_pct=pick(rng, [None, None, 5.0, 10.0], m),
        penalty_rule=pick(rng, ["shortfall_eur", "per_unit", "fixed", None, None], m),
        stretch=uniform(rng, 0.7, 1.25, m),  # target over what the supplier is on course to deliver
    )


def reporting_periods(contracts: pl.DataFrame) -> pl.DataFrame:
    """Every calendar reporting period of every generated contract that ended before AS_OF."""
    parts = []
    for freq, (interval, _) in FREQUENCIES.items():
        sel = contracts.filter(pl.col("reporting_frequency").eq_missing(freq))
        parts.append(sel.select(
            "ci", contract_id="contractnummer", start="startdatum", end="einddatum", interval=pl.lit(interval),
            period_start=pl.date_ranges(pl.col("startdatum").dt.truncate(interval), "einddatum", interval),
        ).explode("period_start").with_columns(
            period_end=pl.col("period_start").dt.offset_by(interval).dt.offset_by("-1d")))
    ps = pl.col("period_start")
    return pl.concat(parts).filter(pl.col("period_end") < AS_OF).with_columns(
        label=pl.when(pl.col("interval") == "3mo").then(ps.dt.strftime("%Y-Q") + ps.dt.quarter().cast(pl.String))
        .when(pl.col("interval") == "6mo")
        .then(ps.dt.strftime("%Y-H") + pl.when(ps.dt.month() <= 6).then(pl.lit("1")).otherwise(pl.lit("2")))
        .when(pl.col("interval") == "1mo").then(ps.dt.strftime("%Y-%m"))
        .otherwise(ps.dt.strftime("%Y")),
        # days of the period that lie within the contract: what hours must fit in
        days=(pl.min_horizontal("period_end", "end") - pl.max_horizontal("period_start", "start"))
        .dt.total_days() + 1,
    ).drop("start", "end", "interval")


PAIR = ["ci", "kind"]  # a contract and one of its report types


def file_plan(contracts: pl.DataFrame, slots: pl.DataFrame, size: WorldSize,
              rng: np.random.Generator) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The generated report files (one row each) and the periods each holds (one row each).

    A supplier's periods of one report type are split into consecutive runs, one file per
    run, so no two files hold the same report group. About 2% of the files are never sent
    (overdue), 1% are corrected later, 0.5% uploaded twice, 0.1% are a portal page saved
    as .xlsx; one in ten files is sloppy. The night's files are held back from the history."""
    pairs = slots.select("contract_id", "kind").unique()
    periods = reporting_periods(contracts).join(pairs, on="contract_id").sort(*PAIR, "period_start")
    periods = periods.with_columns(pos=pl.int_range(pl.len()).over(PAIR), n_periods=pl.len().over(PAIR))
    periods = _runs(_night_periods(periods, size.night_files, rng), size, rng)
    files = periods.group_by("ci", "contract_id", "kind", "run", maintain_order=True).agg(
        first=pl.col("label").first(), last=pl.col("label").last(), year=pl.col("period_start").first().dt.year(),
        period_end=pl.col("period_end").last(), n_periods=pl.len(), file_days=pl.col("days").sum(),
        night=pl.col("night").first())
    return _file_flags(files, size, rng), periods.select(*PAIR, "run", "pos", period="label", days="days")


def _night_periods(periods: pl.DataFrame, night_files: int, rng: np.random.Generator) -> pl.DataFrame:
    """Marks the night's periods: for `night_files` pairs whose latest period ended in the
    last three months, that period's report arrives late, in the night after AS_OF (at
    most half of such pairs, so that small worlds keep a history)."""
    last = periods.filter(pl.col("pos") == pl.col("n_periods") - 1)
    candidates = np.flatnonzero((last["period_end"] >= AS_OF - timedelta(days=92)).to_numpy())
    chosen = rng.choice(candidates, size=min(night_files, len(candidates) // 2), replace=False)
    night = last[np.sort(chosen)].select(*PAIR, "pos", night=pl.lit(True))
    return periods.join(night, on=[*PAIR, "pos"], how="left", maintain_order="left").with_columns(
        pl.col("night").fill_null(False))


def _runs(periods: pl.DataFrame, size: WorldSize, rng: np.random.Generator) -> pl.DataFrame:
    """Numbers the file (run) of each period and its position in that file. Every pair gets
    one file, and the other files go to pairs in proportion to their further periods,
    rounded at random: longer-running contracts have more files. A night period is a
    file of its own."""
    pair_periods = periods.group_by(PAIR, maintain_order=True).agg(history=(~pl.col("night")).sum())
    further = (pair_periods["history"] - 1).clip(0)
    night = periods["night"].sum()
    rest = max(size.contracts * size.files_per_contract - night - pair_periods.height, 0) / max(further.sum(), 1)
    n_files = (1 + (further * rest + uniform(rng, 0, 1, pair_periods.height)).floor()).cast(pl.Int64)
    pair_periods = pair_periods.with_columns(n_files=pl.lit(n_files).clip(upper_bound=pl.col("history")))
    history_run = pl.col("pos") * pl.col("n_files") // pl.col("history")
    return periods.join(pair_periods, on=PAIR, maintain_order="left").with_columns(
        run=pl.when("night").then("n_files").otherwise(history_run)).with_columns(
        pos=pl.int_range(pl.len()).over(*PAIR, "run"))


def _file_flags(files: pl.DataFrame, size: WorldSize, rng: np.random.Generator) -> pl.DataFrame:
    """Each file's format, lines, submission date and mishaps, and its path."""
    nf = files.height
    style = pick(rng, [s for s, _ in STYLES], nf, [w for _, w in STYLES])
    history = ~pl.col("night")
    label = pl.when(pl.col("first") == pl.col("last")).then("first").otherwise(pl.format("{}_{}", "first", "last"))
    submitted = pl.min_horizontal(pl.col("period_end") + pl.duration(days=pl.Series(rng.integers(3, 26, nf))),
                                  pl.lit(AS_OF))
    files = files.with_columns(
        style=pl.when(history & pl.Series(rng.random(nf) < 0.001)).then(pl.lit("unreadable")).otherwise(style),
        n_lines=(size.lines_per_file * uniform(rng, 0.5, 1.5, nf)).round().cast(pl.Int64).clip(1),
        submitted_at=pl.when(history).then(submitted).otherwise(pl.lit(NIGHT)),
        sloppy=pl.Series(rng.random(nf) < 0.1),
        corrected=history & pl.Series(rng.random(nf) < 0.01),
        twice=history & pl.Series(rng.random(nf) < 0.005),
        sent=~history | pl.Series(rng.random(nf) >= 0.02),
    ).filter("sent")
    return files.with_columns(
        corrected=pl.col("corrected") & (pl.col("submitted_at") + pl.duration(days=14) < AS_OF),
        path=pl.format("reports/generated/{}/{}/{}_{}.{}", "contract_id", "year",
                       pl.col("kind").replace_strict(KIND_SHORT), label,
                       pl.when(pl.col("style").is_in(["xlsx", "unreadable"])).then(pl.lit("xlsx")).otherwise(pl.lit("csv"))),
    )


def generated_commitments(slots: pl.DataFrame, contracts: pl.DataFrame, files: pl.DataFrame) -> pl.DataFrame:
    """The register rows of the slots. Cumulative targets are set from what the supplier is
    on course to deliver (its expected hours, spread over the contract), times `stretch`,
    so that statuses vary; share targets are a random percentage."""
    expected_hours = files.filter(pl.col("kind") == SR).group_by("contract_id").agg(
        hours=(pl.col("n_lines") * MEAN_WEEKLY_HOURS / 7 * pl.col("file_days") / pl.col("n_periods")).sum())
    span = contracts.select(contract_id="contractnummer", start="startdatum", end="einddatum")
    elapsed = ((pl.lit(AS_OF) - pl.col("start")).dt.total_days()
               / (pl.col("end") - pl.col("start")).dt.total_days()).clip(0, 1)
    on_course = (pl.col("hours") / elapsed).fill_nan(None).fill_null(1000.0) * pl.col("stretch")
    com = slots.join(span, on="contract_id", maintain_order="left").join(
        expected_hours, on="contract_id", how="left", maintain_order="left")
    is_sr = pl.col("kind") == SR
    in_hours = pl.col("metric").eq_missing("hours")
    com = com.with_columns(
        target=pl.when(is_sr & in_hours).then((on_course / 10).round() * 10)
        .when(is_sr).then((on_course * EUR_PER_HOUR / 1000).round() * 1000).otherwise("percent"),
        trajectory=pl.when(is_sr).then(pl.lit("linear")),
        # shortfall_eur only makes sense for social return in euros
        penalty_rule=pl.when(pl.col("penalty_rule").eq("shortfall_eur") & (~is_sr | in_hours))
        .then(pl.lit("fixed")).otherwise("penalty_rule"),
        description=pl.lit("Gegenereerde verplichting voor schaaltests."),
    ).with_columns(
        penalty_rate_eur=pl.when(pl.col("penalty_rule") == "per_unit").then(pl.lit(50.0)),
        penalty_amount_eur=pl.when(pl.col("penalty_rule") == "fixed").then(pl.lit(10_000.0)),
    )
    return com.select([pl.col(c).cast(t) if c in com.columns else pl.lit(None, t).alias(c)
                       for c, t in COMMITMENT_COLUMNS.items()])


def file_lines(files: pl.DataFrame, periods: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """One row per report line of `files`. A file's lines are spread over its periods; line
    slot k of a contract is the same person, delivery stream or machine in every period.
    A sloppy file has 3% defective lines; a corrected file is sent again two weeks later."""
    lines = files.select(
        "ci", "contract_id", "kvk_nummer", "kind", "run", "n_lines", "n_periods", "sloppy", "corrected",
        "submitted_at", "path", "style",
    ).with_columns(j=pl.int_ranges(0, "n_lines")).explode("j").with_columns(
        pos=pl.col("j") % pl.col("n_periods"), slot=pl.col("j") // pl.col("n_periods"),
    ).join(periods, on=["ci", "kind", "run", "pos"], maintain_order="left")
    n = lines.height
    number = pl.col("ci") + 1
    person = number * 31 + pl.col("slot")
    delivered = uniform(rng, 20, 2000, n).round(1)
    defect = pl.col("sloppy") & pl.Series(rng.random(n) < 0.03)
    lines = lines.with_columns(
        person_ref=pl.format("P-{}-{}", number, pl.col("slot").cast(pl.String).str.zfill(3)),
        target_group=pl.lit(GROUPS).list.get(person % len(GROUPS)),
        bonus=pl.when(person % 10 == 0).then(pl.lit("50plus")),
        material=pl.lit(MATERIALS).list.get(pl.col("slot") % len(MATERIALS)),
        delivered_tonnes=delivered,
        recycled_tonnes=(delivered * uniform(rng, 0.05, 0.8, n)).round(1),
        evidence_ref=pl.when(pl.Series(rng.random(n) < 0.998))
        .then(pl.format("WB-{}", pl.Series(rng.integers(10000, 99999, n)))),
        machine_id=pl.format("M-{}", pl.col("slot") + 1),
        power_kw=pl.lit([12, 25, 45, 90, 160]).list.get((number + pl.col("slot")) % 5),
        energy_source=pick(rng, SOURCES, n, [0.35, 0.4, 0.1, 0.05, 0.1]),
        hours=pl.when(pl.col("kind") == SR)
        .then((pl.col("days") / 7 * uniform(rng, 4, 36, n)).round(1))
        .otherwise((pl.col("days") * uniform(rng, 1, 8, n)).round(0)),
    ).with_columns(  # the defects: negative hours, recycled above delivered, an unknown energy source
        hours=pl.when(defect & (pl.col("kind") == SR)).then(-pl.col("hours")).otherwise("hours"),
        recycled_tonnes=pl.when(defect).then(pl.col("delivered_tonnes") + 5).otherwise("recycled_tonnes"),
        energy_source=pl.when(defect).then(pl.lit("GTL")).otherwise("energy_source"),
    )
    again = lines.filter("corrected").with_columns(
        path=pl.col("path").str.replace(r"\.(csv|xlsx)$", "_correctie.$1"),
        submitted_at=pl.col("submitted_at") + pl.duration(days=14),
        hours=(pl.col("hours") * 1.1).round(1),
        delivered_tonnes=(pl.col("delivered_tonnes") * 1.1).round(1),
    )
    kvk = pl.col("kvk_nummer").cast(pl.String).str.zfill(8)
    return pl.concat([lines, again]).with_columns(supplier_kvk=kvk)


GENERATED_COLUMNS = {kind: ["contract_id", "supplier_kvk", "period", *cols, "submitted_at"]
                     for kind, cols in {SR: ["person_ref", "target_group", "hours", "bonus"],
                                        RM: COLUMNS[RM], ZE: COLUMNS[ZE]}.items()}


def write_generated_file(path: Path, df: pl.DataFrame, style: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if style == "clean":
        df.write_csv(path)
    elif style == "dutch":
        df.rename(lambda c: DUTCH.get(c, c)).write_csv(path, separator=";", decimal_comma=True,
                                                       date_format="%d-%m-%Y")
    elif style == "bom_crlf":
        df.write_csv(path, include_bom=True, line_terminator="\r\n")
    elif style == "cp1252":
        text = df.with_columns(opmerking=pl.lit("gecontroleerd, één afwijking")).rename(
            lambda c: DUTCH.get(c, c)).write_csv(separator=";", decimal_comma=True, date_format="%d-%m-%Y")
        path.write_bytes(text.encode("cp1252"))
    else:  # xlsx with a title block above the header
        wb = new_workbook(str(path))
        ws = wb.add_worksheet("Rapportage")
        ws.write_string(0, 0, f"Rapportage {path.stem}")
        ws.write_string(1, 0, f"Contract {df['contract_id'][0]}")
        df.write_excel(wb, ws, position=(3, 0), autofilter=False, table_style=None,
                       dtype_formats={pl.Date: "dd-mm-yyyy"})
        wb.close()


def write_lines(out: Path, lines: pl.DataFrame) -> list[Path]:
    """Every file of `lines`, in its style; returns the paths written."""
    written = []
    for (path, kind, style), df in lines.partition_by("path", "kind", "style", as_dict=True,
                                                       maintain_order=True).items():
        write_generated_file(out / path, df.select(GENERATED_COLUMNS[kind]), style)
        written.append(out / path)
    return written


def generated_world(size: WorldSize, seed: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """contracts, commitments, files, periods: the whole plan, before any line is made."""
    rng = np.random.default_rng([seed, 0])
    contracts = generated_contracts(size.contracts, rng)
    slots = commitment_slots(contracts, rng)
    files, periods = file_plan(contracts, slots, size, rng)
    files = files.join(contracts.select("ci", "kvk_nummer"), on="ci", maintain_order="left")
    return contracts, generated_commitments(slots, contracts, files), files, periods


def write_reports(out: Path, files: pl.DataFrame, periods: pl.DataFrame, rng: np.random.Generator) -> dict:
    """Writes the files of the plan `files`; returns how many files and lines were written."""
    is_unreadable = pl.col("style") == "unreadable"
    readable, unreadable = files.filter(~is_unreadable), files.filter(is_unreadable)
    lines = file_lines(readable, periods, rng)
    written = write_lines(out, lines)
    for path in unreadable["path"]:
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(PORTAL_PAGE)
    twice = readable.filter("twice")["path"]
    for path in twice:  # the same bytes uploaded again under another name
        src = out / path
        shutil.copyfile(src, src.with_name(f"{src.stem}_kopie{src.suffix}"))
    return {"files": len(written) + unreadable.height + len(twice), "lines": lines.height}


def write_generated_world(out: Path, size: WorldSize, seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Writes the history of the generated world (all but the night's files), a chunk of
    contracts at a time; returns the register rows. The sizes go to world.json."""
    contracts, commitments, files, periods = generated_world(size, seed)
    history = files.filter(~pl.col("night"))
    written = {"files": 0, "lines": 0}
    chunk_size = max(1, round(CHUNK_LINES / (size.files_per_contract * size.lines_per_file)))
    for chunk in range(0, size.contracts, chunk_size):
        in_chunk = pl.col("ci").is_between(chunk, chunk + chunk_size - 1)
        counts = write_reports(out, history.filter(in_chunk), periods.filter(in_chunk),
                               np.random.default_rng([seed, 1, chunk]))
        written = {k: written[k] + counts[k] for k in written}
    world = {"seed": seed, **asdict(size), "commitments": commitments.height, "history": written,
             "night": {"files": files["night"].sum(), "lines": files.filter("night")["n_lines"].sum()}}
    (out / WORLD_FILE).write_text(json.dumps(world, indent=2) + "\n", encoding="utf-8")
    return contracts.drop("ci"), commitments


def write_night(out: Path) -> dict:
    """Adds the night's files to the generated world in `out` (same seed and sizes)."""
    world = json.loads((out / WORLD_FILE).read_text(encoding="utf-8"))
    size = WorldSize(world["contracts"], world["files_per_contract"], world["lines_per_file"], world["night_files"])
    _, _, files, periods = generated_world(size, world["seed"])
    return write_reports(out, files.filter("night"), periods, np.random.default_rng([world["seed"], 2]))


# --------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------

GENERATED = ["contracts.csv", "contracts.xlsx", "commitments.csv", "commitments.xlsx", "block_tables.csv",
             "expected_outcomes.json", WORLD_FILE]


def clear(out: Path) -> None:
    """Removes what an earlier run wrote in `out` (reports/ and the register files); leaves
    everything else, such as README.md, alone."""
    reports = out / "reports"
    if reports.is_symlink():
        reports.unlink()
    elif reports.exists():
        shutil.rmtree(reports)
    for name in GENERATED:
        (out / name).unlink(missing_ok=True)


def build(out: Path, seed: int, size: WorldSize | None = None) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    clear(out)
    contracts, commitments = core_contracts_frame(), core_commitments_frame()
    if size is not None and size.contracts:
        more_contracts, more_commitments = write_generated_world(out, size, seed)
        contracts = pl.concat([contracts, more_contracts])
        commitments = pl.concat([commitments, more_commitments])
    write_registers(out, contracts, commitments)
    outcome = write_core_reports(out)
    (out / "expected_outcomes.json").write_text(json.dumps(outcome, indent=2, ensure_ascii=False) + "\n",
                                                encoding="utf-8")
    return outcome


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("sample_data"))
    parser.add_argument("--seed", type=int, default=2026)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--contracts", type=int, default=0, metavar="N", help="generated contracts (GEN-…)")
    size.add_argument("--scale", type=float, metavar="S",
                      help=f"generated contracts = {NATIONAL_CONTRACTS:,} × S (1.0: the national world)")
    parser.add_argument("--files-per-contract", type=float, default=WorldSize.files_per_contract, metavar="F")
    parser.add_argument("--lines-per-file", type=int, default=WorldSize.lines_per_file, metavar="L")
    parser.add_argument("--night-files", type=int, default=WorldSize.night_files, metavar="N",
                        help="files held back from the history for --night")
    parser.add_argument("--night", action="store_true",
                        help="add the night's held-back files to the generated world in --out (sizes from its world.json)")
    args = parser.parse_args(argv)
    if args.night and not (args.out / WORLD_FILE).is_file():
        parser.error(f"{args.out} holds no generated world ({WORLD_FILE}); make one with --scale or --contracts first")
    if args.night:
        night = write_night(args.out)
        print(f"wrote the night's {night['files']} files ({night['lines']} lines) to {args.out}")
        return
    contracts = round(NATIONAL_CONTRACTS * args.scale) if args.scale is not None else args.contracts
    size = WorldSize(contracts, args.files_per_contract, args.lines_per_file, args.night_files)
    outcome = build(args.out, args.seed, size)
    print(f"wrote {len(outcome['files'])} core report files to {args.out}")
    if contracts:
        world = json.loads((args.out / WORLD_FILE).read_text(encoding="utf-8"))
        print(f"and {contracts} generated contracts with {world['commitments']} commitments: "
              f"{world['history']['files']} files, {world['history']['lines']} lines "
              f"({world['night']['files']} files held back for --night)")


if __name__ == "__main__":
    main()
