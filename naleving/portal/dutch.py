"""Dutch notation and wording for the portal: 29-11-2026, € 12.500,00, 1.600,0 uur."""
from __future__ import annotations

import json
from datetime import date, datetime

from naleving.summary import FILE_STATUS_NL, KIND_NL, SEVERITY_NL, STATUS_NL, amount, eur, number

REPORT_TYPE_NL = {
    "social_return": "social return",
    "recycled_material": "gerecycled materiaal",
    "zero_emission_equipment": "emissievrij materieel",
}
ACTION_NL = {
    "acknowledged": "erkend",
    "in_dialogue": "in gesprek met leverancier",
    "penalty_imposed": "boete opgelegd",
    "waived": "afgezien van sanctie",
}
# What was done about a finding: its last disposition, or nothing yet, or gone by itself.
HANDLING_NL = {"new": "nog niet behandeld", **ACTION_NL, "resolved": "opgelost"}
FREQUENCY_NL = {"monthly": "per maand", "quarterly": "per kwartaal", "half_yearly": "per halfjaar", "yearly": "per jaar"}
UNIT_NL = {"hours": "uur", "eur": "euro", "percent": "procentpunt"}
SHARE_UNIT_NL = {"recycled_material": "ton", "zero_emission_equipment": "uur"}  # a share's numerator and denominator
REASON_NL = {
    "missing": "verplichte waarde ontbreekt",
    "bad_number": "geen geldig getal",
    "bad_date": "geen geldige datum",
    "negative": "negatief getal",
    "unknown_contract": "onbekend contractnummer",
    "supplier_mismatch": "KvK-nummer hoort niet bij dit contract",
    "bad_period": "periode onleesbaar of einde vóór begin",
    "period_outside_contract": "periode valt buiten de looptijd van het contract",
    "unknown_target_group": "onbekende doelgroep",
    "unknown_energy_source": "onbekende energiebron",
    "unknown_bonus": "onbekende bonuscode",
    "recycled_exceeds_delivered": "meer gerecycled dan geleverd",
    "hours_implausible": "onwaarschijnlijk veel uren voor de periode",
    "bsn_suspected": "lijkt op een BSN (waarde niet opgeslagen)",
    "duplicate_line": "dubbele regel in dezelfde rapportage",
    "unreadable": "bestand onleesbaar",
    "unknown_report_type": "geen bekend soort rapportage",
    "missing_columns": "verplichte kolommen ontbreken",
}
# What a contract manager can do about each kind of finding.
ADVICE_NL = {
    "commitment_breached": "De toezegging is na de einddatum niet nagekomen. U kunt de sanctie uit het contract "
                           "toepassen, of met reden daarvan afzien.",
    "commitment_behind": "De leverancier loopt achter op het afgesproken traject. Bespreek met de leverancier hoe "
                         "de achterstand wordt ingehaald vóór de einddatum; de sanctie geldt pas als de "
                         "toezegging dan niet is nagekomen.",
    "report_overdue": "De rapportage is niet (bruikbaar) ontvangen. Vraag de leverancier de rapportage alsnog aan "
                      "te leveren; zonder rapportage telt de periode niet mee.",
    "unsupported_claim": "Vraag de leverancier om het bewijsstuk (weegbon, certificaat of afleverbon). Tot die er "
                         "is, telt de claim als 0 ton gerecycled.",
    "data_quality": "Regels van de leverancier konden niet worden verwerkt en tellen niet mee. Vraag de "
                    "leverancier de regels te corrigeren en de rapportage opnieuw aan te leveren.",
}
MONTHS_NL = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def day(value: date | datetime | str | None) -> str:
    """29-11-2026, from a date or its ISO text."""
    if not value:
        return "—"
    return (date.fromisoformat(value[:10]) if isinstance(value, str) else value).strftime("%d-%m-%Y")


def moment(value: datetime | str | None) -> str:
    """29-11-2026 14:05, from a datetime or its ISO text."""
    if not value:
        return "—"
    return (datetime.fromisoformat(value) if isinstance(value, str) else value).strftime("%d-%m-%Y %H:%M")


def _unbroken(text: str) -> str:
    """€ 25.000,00 and 1.600,0 uur stay on one line (a no-break space, as Dutch typesetting has it)."""
    return text.replace(" ", "\u00a0")


def quantity(value: float | None, metric: str | None) -> str:
    """An amount in the commitment's own unit; nothing measured is said as such."""
    return "geen gegevens" if value is None else _unbroken(amount(value, metric))


def money(value: float | None) -> str:
    return "—" if value is None else _unbroken(eur(value))


def count(value: int | None) -> str:
    return number(value or 0, 0)


def reasons(codes: str | None) -> list[str]:
    """Reason codes `missing:hours;bad_period` as Dutch phrases, each with its code."""
    phrases = []
    for code in filter(None, (codes or "").split(";")):
        base, _, column = code.partition(":")
        label = REASON_NL.get(base, base)
        phrases.append(f"{label}{f' ({column})' if column and base != 'unreadable' else ''} [{code}]")
    return phrases


def record(raw: str | None) -> str:
    """A line, `kolom: waarde` per cell: as read (quarantine) or as typed (accepted lines)."""
    try:
        cells = json.loads(raw or "{}")
    except ValueError:
        return raw or ""
    return "; ".join(f"{key}: {'' if value is None else value}" for key, value in cells.items())


def penalty_rule(rule: str | None, rate: float | None, amount: float | None, metric: str | None) -> str:
    """What the contract lets the buyer do when the promise is broken."""
    if rule == "shortfall_eur":
        return "inhouding van de niet-gerealiseerde social-returnwaarde (het tekort in euro's)"
    if rule == "per_unit" and rate is not None:
        return f"{money(rate)} per {UNIT_NL.get(metric, 'eenheid')} tekort"
    if rule == "fixed" and amount is not None:
        return f"een vast bedrag van {money(amount)}"
    return "geen sanctie in het contract vastgelegd"


EVIDENCE_ROLE_NL = {"geteld": "geteld", "toezegging": "toezegging (register)", "contract": "contract (register)",
                    "zonder bewijsstuk": "zonder bewijsstuk"}


def evidence_role(role: str) -> str:
    """What an evidence row is to its finding; a quarantined or refused row with its reasons."""
    kind, _, codes = role.partition(": ")
    if kind in ("quarantaine", "geweigerd"):
        return f"{'in quarantaine' if kind == 'quarantaine' else 'bestand geweigerd'}: {', '.join(reasons(codes))}"
    return EVIDENCE_ROLE_NL.get(role, role)


def basename(path: str | None) -> str:
    return (path or "").rsplit("/", 1)[-1]


def month(value: date) -> str:
    return f"{MONTHS_NL[value.month - 1]} {value.year}"


FILTERS = {"datum": day, "moment": moment, "hoeveelheid": quantity, "bedrag": money, "aantal": count,
           "getal": number, "redenen": reasons, "record": record, "sanctie": penalty_rule, "bestandsnaam": basename,
           "rol": evidence_role}
LABELS = {"STATUS_NL": STATUS_NL, "SEVERITY_NL": SEVERITY_NL, "KIND_NL": KIND_NL, "FILE_STATUS_NL": FILE_STATUS_NL,
          "REPORT_TYPE_NL": REPORT_TYPE_NL, "ACTION_NL": ACTION_NL, "HANDLING_NL": HANDLING_NL,
          "FREQUENCY_NL": FREQUENCY_NL, "ADVICE_NL": ADVICE_NL, "SHARE_UNIT_NL": SHARE_UNIT_NL}
