"""The straightforward alternative: pandas reads each file, and plain Python
loops validate every row and evaluate every commitment.

    python bench/pandas_baseline.py DATA --as-of 2026-11-29 [--files N]

It does the work of SPEC 1–3 that costs time: each CSV or XLSX file read with its
encoding, delimiter and title block; Dutch numbers, dates and periods; the register,
code, plausibility and BSN checks; supersession; the two-year cap; valuation with the
block tables; every commitment's status; overdue periods. It does not store, publish
or keep evidence, so it is a generous baseline.

With --files N it reads N report files spread evenly over the sorted file list and
extrapolates the per-line work to all files by their bytes (files of one world have
much the same bytes per line); the register and the per-commitment work are measured as
they are. Prints one JSON object.
"""
from __future__ import annotations

import argparse
import io
import json
import re
import time
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from naleving.columns import ENERGY_SOURCE_ALIASES, HEADER_ALIASES
from naleving.register import SHIPPED_BLOCK_TABLES

TYPES = {"target_group": "social_return", "recycled_tonnes": "recycled_material", "energy_source": "zero_emission_equipment"}
ZERO_EMISSION = {"electric", "hydrogen"}
KNOWN_SOURCES = {"electric", "hydrogen", "diesel", "hvo", "petrol", "lng", "cng", "hybrid"}
POWER_CLASSES = {"all": (0, 1e9), "<19": (0, 19), "19-37": (19, 37), "37-56": (37, 56), "56-130": (56, 130), ">=130": (130, 1e9)}
MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}
COMMA_DECIMAL = re.compile(r"^-?(\d+|\d{1,3}(\.\d{3})+)(,\d+)?$")
DOT_DECIMAL = re.compile(r"^-?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$")
PERIOD = re.compile(r"^(\d{4})(?:-?Q([1-4])|-?H([12])|-(0?[1-9]|1[0-2]))?$")
DATE_FORMATS = ((re.compile(r"^\d{4}-\d{2}-\d{2}"), "%Y-%m-%d"), (re.compile(r"^\d{1,2}-\d{1,2}-\d{4}$"), "%d-%m-%Y"),
                (re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$"), "%d/%m/%Y"))


# --- reading --------------------------------------------------------------------------


def header_name(cell) -> str:
    key = re.sub(r"[\s-]+", "_", str(cell).strip().lower())
    return HEADER_ALIASES.get(key, key)


def read_file(path: Path) -> tuple[list[str], list[tuple[int, list]], bool]:
    """(columns, [(source_row, cells)], decimal_comma) of a report file."""
    if path.suffix.lower() == ".xlsx":
        sheet = pd.read_excel(path, header=None, dtype=object)
        for i, row in enumerate(sheet.itertuples(index=False)):
            names = [header_name(c) for c in row if not pd.isna(c)]
            if "contract_id" in names and "supplier_kvk" in names:
                columns = [header_name(c) if not pd.isna(c) else f"column_{k}" for k, c in enumerate(row)]
                rows = [(i + 2 + k, list(r)) for k, r in enumerate(sheet.iloc[i + 1:].itertuples(index=False))]
                return columns, rows, False
        raise ValueError("geen kopregel")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    first = next(line for line in text.splitlines() if line.strip())
    delimiter = ";" if first.count(";") > first.count(",") else ","
    frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, skip_blank_lines=False)
    columns = [header_name(c) for c in frame.columns]
    return columns, [(k + 2, list(r)) for k, r in enumerate(frame.itertuples(index=False))], delimiter == ";"


# --- typing one cell --------------------------------------------------------------------


def text(value) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    s = str(value).strip()
    return s or None


def number(value, decimal_comma: bool) -> float | None:
    if isinstance(value, (int, float)) and not pd.isna(value):
        return float(value)
    s = text(value)
    if s is None:
        return None
    comma, dot = COMMA_DECIMAL.match(s), DOT_DECIMAL.match(s)
    if comma and (decimal_comma or not dot):
        return float(s.replace(".", "").replace(",", "."))
    if dot:
        return float(s.replace(",", ""))
    raise ValueError(s)


def day(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    s = text(value)
    if s is None:
        return None
    for pattern, fmt in DATE_FORMATS:
        if pattern.match(s):
            return datetime.strptime(s[:10] if fmt == "%Y-%m-%d" else s, fmt).date()
    raise ValueError(s)


def month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def period(label: str) -> tuple[date, date]:
    s = re.sub(r"\s", "", label.upper())
    s = re.sub(r"^([QH]\d)-?(\d{4})$", r"\2\1", s)
    m = PERIOD.match(s)
    if not m:
        raise ValueError(label)
    year, q, h, month = int(m[1]), m[2], m[3], m[4]
    first, last = (3 * int(q) - 2, 3 * int(q)) if q else (6 * int(h) - 5, 6 * int(h)) if h else \
        (int(month), int(month)) if month else (1, 12)
    return date(year, first, 1), month_end(year, last)


def kvk(value) -> str | None:
    s = text(value)
    if s is None:
        return None
    s = re.sub(r"\.0+$", "", s)
    return s.zfill(8) if s.isdigit() and len(s) <= 8 else None


def is_bsn(ref: str | None) -> bool:
    if not ref or len(ref) != 9 or not ref.isdigit():
        return False
    return sum(int(d) * w for d, w in zip(ref, (9, 8, 7, 6, 5, 4, 3, 2, -1))) % 11 == 0


# --- the register -----------------------------------------------------------------------


def register_frame(data: Path, stem: str) -> pd.DataFrame:
    path = next(p for p in (data / f"{stem}.csv", data / f"{stem}.xlsx") if p.exists())
    frame = pd.read_csv(path, dtype=str, keep_default_na=False) if path.suffix == ".csv" else \
        pd.read_excel(path, dtype=object)
    return frame.rename(columns=header_name)


def load_register(data: Path) -> tuple[dict, dict, dict]:
    tables: dict[str, dict[tuple[str, str], float]] = defaultdict(dict)
    for path in (SHIPPED_BLOCK_TABLES, data / "block_tables.csv"):
        if path.exists():
            for row in pd.read_csv(path, dtype=str).itertuples(index=False):
                tables[row.table_id.strip().lower()][(row.kind.strip().lower(), row.code.strip().lower())] = float(row.value_eur_per_year)
    contracts = {}
    for row in register_frame(data, "contracts").to_dict("records"):
        contracts[text(row["contract_id"])] = {
            "kvk": kvk(row["supplier_kvk"]), "start": day(row["start_date"]), "end": day(row["end_date"]),
            "value": number(row["value_eur"], False), "frequency": (text(row.get("reporting_frequency")) or "quarterly").lower(),
            "grace": int(number(row.get("report_grace_days"), False) or 30) if text(row.get("report_grace_days")) else 30,
            "table": (text(row.get("block_table")) or "utrecht-2025").lower(),
        }
    commitments = {}
    for row in register_frame(data, "commitments").to_dict("records"):
        kind = text(row["kind"]).lower()
        contract = contracts[text(row["contract_id"])]
        target = number(row.get("target"), False)
        if target is None:
            target = contract["value"] * number(row.get("target_pct_of_value"), False) / 100
        tolerance = number(row.get("tolerance_pct"), False)
        commitments[text(row["commitment_id"])] = {
            "contract": text(row["contract_id"]), "kind": kind, "target": target,
            "metric": (text(row.get("metric")) or ("eur" if kind == "social_return" else "percent")).lower(),
            "scope": (text(row.get("scope")) or "all").lower(), "due": day(row.get("due_date")) or contract["end"],
            "trajectory": (text(row.get("trajectory")) or "linear").lower(),
            "tolerance": tolerance if tolerance is not None else (10.0 if kind == "social_return" else 0.0),
        }
    return contracts, commitments, tables


# --- validating one row -----------------------------------------------------------------


def validate_row(rec: dict, kind: str, decimal_comma: bool, contracts: dict, tables: dict) -> tuple[dict, list[str]]:
    reasons: list[str] = []
    line = {"contract_id": text(rec.get("contract_id")), "supplier_kvk": kvk(rec.get("supplier_kvk"))}

    def typed(name, parse, required=False):
        raw = rec.get(name)
        try:
            value = parse(raw)
        except ValueError:
            reasons.append(f"{'bad_date' if parse is day else 'bad_number'}:{name}")
            return None
        if value is None and required:
            reasons.append(f"missing:{name}")
        return value

    for name in ("contract_id", "supplier_kvk"):
        if line[name] is None:
            reasons.append(f"missing:{name}")
    try:
        if text(rec.get("period")):
            line["period_start"], line["period_end"] = period(text(rec["period"]))
        else:
            line["period_start"], line["period_end"] = day(rec.get("period_start")), day(rec.get("period_end"))
        if line["period_start"] is None or line["period_end"] is None or line["period_end"] < line["period_start"]:
            reasons.append("bad_period")
    except ValueError:
        reasons.append("bad_period")
    line["submitted_at"] = typed("submitted_at", day)
    contract = contracts.get(line["contract_id"])
    if contract is None:
        reasons.append("unknown_contract")
    elif line["supplier_kvk"] != contract["kvk"]:
        reasons.append("supplier_mismatch")
    elif "bad_period" not in reasons and (line["period_end"] < contract["start"] or line["period_start"] > contract["end"]):
        reasons.append("period_outside_contract")
    days = (line["period_end"] - line["period_start"]).days + 1 if "bad_period" not in reasons else None

    def num(raw):  # by the file's convention
        return number(raw, decimal_comma)

    if kind == "social_return":
        line["person_ref"], line["target_group"] = text(rec.get("person_ref")), (text(rec.get("target_group")) or "").lower()
        line["hours"], line["amount_eur"] = typed("hours", num), typed("amount_eur", num)
        line["bonus"] = [b.strip().lower() for b in (text(rec.get("bonus")) or "").split("|") if b.strip()]
        table = tables.get(contract["table"], {}) if contract else {}
        enterprise = line["target_group"] == "sociale_onderneming"
        if not line["target_group"]:
            reasons.append("missing:target_group")
        elif not enterprise and ("group", line["target_group"]) not in table and contract:
            reasons.append("unknown_target_group")
        if any(("bonus", b) not in table for b in line["bonus"]) and contract:
            reasons.append("unknown_bonus")
        if not enterprise and line["person_ref"] is None:
            reasons.append("missing:person_ref")
        if not enterprise and line["hours"] is None and "bad_number:hours" not in reasons:
            reasons.append("missing:hours")
        if is_bsn(line["person_ref"]):
            reasons.append("bsn_suspected")
        if line["hours"] is not None and line["hours"] < 0:
            reasons.append("negative:hours")
        if line["hours"] is not None and days and line["hours"] > 60 / 7 * days:
            reasons.append("hours_implausible")
    elif kind == "recycled_material":
        line["material"] = (text(rec.get("material")) or "").lower() or None
        line["delivered"] = typed("delivered_tonnes", num, required=True)
        line["recycled"] = typed("recycled_tonnes", num, required=True)
        line["evidence"] = text(rec.get("evidence_ref"))
        for name in ("delivered", "recycled"):
            if line[name] is not None and line[name] < 0:
                reasons.append(f"negative:{name}_tonnes")
        if line["delivered"] is not None and line["recycled"] is not None and line["recycled"] > line["delivered"]:
            reasons.append("recycled_exceeds_delivered")
    else:
        line["machine_id"] = text(rec.get("machine_id"))
        line["power_kw"] = typed("power_kw", num, required=True)
        source = (text(rec.get("energy_source")) or "").lower()
        line["energy_source"] = ENERGY_SOURCE_ALIASES.get(source, source)
        line["hours"] = typed("hours", num, required=True)
        if line["energy_source"] not in KNOWN_SOURCES:
            reasons.append("unknown_energy_source")
        if line["hours"] is not None and line["hours"] < 0:
            reasons.append("negative:hours")
        if line["hours"] is not None and days and line["hours"] > 24 * days:
            reasons.append("hours_implausible")
    return line, reasons


def validate_file(path: Path, contracts: dict, tables: dict) -> tuple[str | None, list[dict], int]:
    """(report type, accepted lines, quarantined count) of one file."""
    try:
        columns, rows, decimal_comma = read_file(path)
    except Exception:  # anything unreadable is refused whole, as the pipeline does
        return None, [], 0
    kinds = [t for marker, t in TYPES.items() if marker in columns]
    if len(kinds) != 1:
        return None, [], len(rows)
    accepted, quarantined, seen = [], 0, set()
    for source_row, cells in rows:
        if all(text(c) is None for c in cells):
            continue
        rec = dict(zip(columns, cells))
        line, reasons = validate_row(rec, kinds[0], decimal_comma, contracts, tables)
        key = tuple(str(c) for c in cells)
        if key in seen:
            reasons.append("duplicate_line")
        seen.add(key)
        if reasons:
            quarantined += 1
        else:
            accepted.append(line | {"file": str(path), "source_row": source_row})
    return kinds[0], accepted, quarantined


# --- evaluating ------------------------------------------------------------------------


def current_lines(lines: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Lines of the latest file per report group (later submitted_at, then file name)."""
    latest: dict[tuple, tuple] = {}
    for kind, kind_lines in lines.items():
        for line in kind_lines:
            key = (line["contract_id"], kind, line["period_start"], line["period_end"])
            rank = (line["submitted_at"] or date.min, line["file"])
            if key not in latest or rank > latest[key]:
                latest[key] = rank
    return {kind: [ln for ln in kind_lines
                   if latest[(ln["contract_id"], kind, ln["period_start"], ln["period_end"])] == (ln["submitted_at"] or date.min, ln["file"])]
            for kind, kind_lines in lines.items()}


def add_line_totals(lines: dict[str, list[dict]], contracts: dict, commitments: dict, tables: dict, as_of: date) -> dict:
    """Per commitment: amount (hours or euros) or numerator/denominator, line by line."""
    by_contract = defaultdict(list)
    for cid, m in commitments.items():
        by_contract[(m["contract"], m["kind"])].append(cid)
    totals = defaultdict(lambda: [0.0, 0.0, 0.0])
    used: dict[tuple, float] = defaultdict(float)  # hours already counted per contract and person
    for line in sorted(lines.get("social_return", []), key=lambda ln: (ln["period_start"], ln["period_end"], ln["file"], ln["source_row"])):
        if line["period_end"] > as_of:
            continue
        contract = contracts[line["contract_id"]]
        table = tables[contract["table"]]
        if line["target_group"] == "sociale_onderneming":
            hours, eur = 0.0, line["amount_eur"] or 0.0
        else:
            person = (line["contract_id"], line["person_ref"])
            hours = max(0.0, min(line["hours"], 3744 - used[person]))
            used[person] += line["hours"]
            per_year = table[("group", line["target_group"])] + sum(table[("bonus", b)] for b in line["bonus"])
            eur = hours * per_year / 1872
        for cid in by_contract[(line["contract_id"], "social_return")]:
            totals[cid][0] += hours if commitments[cid]["metric"] == "hours" else eur
    for line in lines.get("recycled_material", []):
        if line["period_end"] <= as_of:
            for cid in by_contract[(line["contract_id"], "recycled_material")]:
                if commitments[cid]["scope"] in ("all", line["material"]):
                    totals[cid][1] += line["recycled"] if line["evidence"] else 0.0
                    totals[cid][2] += line["delivered"]
    for line in lines.get("zero_emission_equipment", []):
        if line["period_end"] <= as_of:
            for cid in by_contract[(line["contract_id"], "zero_emission_equipment")]:
                low, high = POWER_CLASSES[commitments[cid]["scope"]]
                if low <= line["power_kw"] < high:
                    totals[cid][1] += line["hours"] if line["energy_source"] in ZERO_EMISSION else 0.0
                    totals[cid][2] += line["hours"]
    return totals


def status(m: dict, contract: dict, total: list[float], as_of: date) -> str:
    start, due = contract["start"], m["due"]
    if as_of < start:
        return "not_started"
    cumulative = m["kind"] == "social_return"
    achieved = total[0] if cumulative else (100 * total[1] / total[2] if total[2] > 0 else None)
    if cumulative and achieved >= m["target"]:
        return "met"
    if not cumulative and as_of > due and achieved is not None and achieved >= m["target"]:
        return "met"
    if as_of > due:
        return "breached"
    if achieved is None:
        return "no_data"
    f = 1.0 if due <= start else min(1.0, (as_of - start).days / (due - start).days)
    expected = (m["target"] if as_of >= due else 0.0) if m["trajectory"] == "end" else m["target"] * f
    behind = achieved < expected * (1 - m["tolerance"] / 100) if cumulative else achieved < m["target"] - m["tolerance"]
    return "behind" if behind else "on_track"


def overdue_periods(contracts: dict, commitments: dict, received: set[tuple], as_of: date) -> int:
    """Reporting periods past their grace days with no received group overlapping them."""
    needed = {(m["contract"], m["kind"]) for m in commitments.values()}
    by_key = defaultdict(list)
    for contract_id, kind, start, end in received:
        by_key[(contract_id, kind)].append((start, end))
    overdue = 0
    for contract_id, kind in needed:
        c = contracts[contract_id]
        months = MONTHS.get(c["frequency"], 12)
        cal = date(c["start"].year, 1, 1)
        while cal <= c["end"]:
            nxt = date(cal.year + (cal.month - 1 + months) // 12, (cal.month - 1 + months) % 12 + 1, 1)
            start, end = max(cal, c["start"]), min(nxt - timedelta(days=1), c["end"])
            if start <= end and end + timedelta(days=c["grace"]) < as_of and not any(
                    s <= end and e >= start for s, e in by_key[(contract_id, kind)]):
                overdue += 1
            cal = nxt
    return overdue


# --- the run ---------------------------------------------------------------------------


def sample(files: list[Path], n: int | None) -> list[Path]:
    if n is None or n >= len(files):
        return files
    step = len(files) / n
    return [files[int(i * step)] for i in range(n)]


def run(data: Path, as_of: date, n_files: int | None) -> dict:
    timings = {}
    start = time.perf_counter()
    contracts, commitments, tables = load_register(data)
    timings["register_s"] = time.perf_counter() - start

    all_files = sorted(p for p in (data / "reports").rglob("*") if p.is_file())
    chosen = sample(all_files, n_files)
    start = time.perf_counter()
    lines: dict[str, list[dict]] = defaultdict(list)
    quarantined, seen_bytes = 0, set()
    for path in chosen:
        digest = hash(path.read_bytes())
        if digest in seen_bytes:  # a duplicate upload is not read again
            continue
        seen_bytes.add(digest)
        kind, accepted, bad = validate_file(path, contracts, tables)
        if kind:
            lines[kind].extend(accepted)
        quarantined += bad
    timings["read_validate_s"] = time.perf_counter() - start

    start = time.perf_counter()
    counted = current_lines(lines)
    totals = add_line_totals(counted, contracts, commitments, tables, as_of)
    timings["line_evaluation_s"] = time.perf_counter() - start

    start = time.perf_counter()
    statuses = Counter(status(m, contracts[m["contract"]], totals[cid], as_of) for cid, m in commitments.items())
    received = {(ln["contract_id"], kind, ln["period_start"], ln["period_end"]) for kind, kl in lines.items() for ln in kl}
    overdue = overdue_periods(contracts, commitments, received, as_of)
    timings["commitment_evaluation_s"] = time.perf_counter() - start

    factor = sum(p.stat().st_size for p in all_files) / max(sum(p.stat().st_size for p in chosen), 1)
    per_line = timings["read_validate_s"] + timings["line_evaluation_s"]
    return {
        "files_total": len(all_files), "files_read": len(chosen), "extrapolation_factor": round(factor, 3),
        "lines_accepted": sum(len(v) for v in lines.values()), "lines_quarantined": quarantined,
        "statuses": dict(statuses), "overdue_periods": overdue,
        **{k: round(v, 2) for k, v in timings.items()},
        "estimated_total_s": round(timings["register_s"] + per_line * factor + timings["commitment_evaluation_s"], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--as-of", type=date.fromisoformat, required=True)
    parser.add_argument("--files", type=int, default=None, metavar="N", help="read an even sample of N report files")
    args = parser.parse_args()
    print(json.dumps(run(args.data, args.as_of, args.files)))


if __name__ == "__main__":
    main()
