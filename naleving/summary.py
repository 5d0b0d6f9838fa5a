"""The summary a contract manager reads after a run (Dutch first, codes in brackets)."""
from __future__ import annotations

import duckdb
import polars as pl

STATUS_NL = {
    "breached": "niet nagekomen", "behind": "achter op schema", "on_track": "op schema",
    "met": "nagekomen", "no_data": "geen gegevens", "not_started": "nog niet gestart",
}
# A national night has thousands of slipping promises; the portal lists them all, per manager.
ATTENTION_SHOWN = 20
FILE_STATUS_NL = {"accepted": "geaccepteerd", "refused": "geweigerd", "duplicate": "duplicaat"}
SEVERITY_NL = {"high": "hoog", "medium": "middel", "low": "laag"}
KIND_NL = {
    "commitment_breached": "toezegging niet nagekomen", "commitment_behind": "toezegging achter op schema",
    "report_overdue": "rapportage te laat", "unsupported_claim": "claim zonder bewijs",
    "data_quality": "datakwaliteit",
}


def _count(value: int) -> str:
    return number(value, 0)


def number(value: float, decimals: int = 1) -> str:
    """1.600,0: Dutch notation."""
    return f"{value:,.{decimals}f}".translate(str.maketrans(",.", ".,"))


def eur(value: float) -> str:
    return "€ " + number(value, 2)


def _counts(frame: pl.DataFrame, column: str, names: dict[str, str]) -> str:
    counted = dict(frame.group_by(column).len().iter_rows())
    return ", ".join(f"{label} ({code}) {_count(counted[code])}" for code, label in names.items() if code in counted) or "geen"


def summarize(con: duckdb.DuckDBPyConnection, run_id: str) -> str:
    run = con.execute("SELECT as_of, status FROM runs WHERE run_id = ?", [run_id]).fetchone()
    files = con.execute("SELECT * FROM submissions WHERE run_id = ?", [run_id]).pl()
    status = con.execute("SELECT * FROM commitment_status WHERE run_id = ?", [run_id]).pl()
    open_findings = con.sql("SELECT severity, kind FROM findings WHERE status = 'open'").pl()  # counted only
    resolved = con.execute("SELECT count(*) FROM findings WHERE resolved_run = ?", [run_id]).fetchone()[0]
    total_files = con.sql("SELECT count(*) FROM submissions").fetchone()[0]
    attention = (
        status.filter(pl.col("status").is_in(["breached", "behind"]))
        .join(con.sql("SELECT contract_id, buyer, supplier_name, contract_manager FROM contracts").pl(), on="contract_id")
        .sort("status", "contract_id", "commitment_id", descending=[True, False, False])
    )
    as_of = run[0].strftime("%d-%m-%Y") if run else "?"
    lines = [
        f"Naleving — run {run_id[:8]} per {as_of} ({run[1] if run else 'onbekend'})",
        f"Bestanden:        {_count(files.height)} nieuw ontvangen — {_counts(files, 'status', FILE_STATUS_NL)}; {_count(total_files)} in totaal",
        f"Regels:           {_count(int(files['rows_accepted'].sum() or 0))} geaccepteerd, "
        f"{_count(int(files['rows_quarantined'].sum() or 0))} in quarantaine (van {_count(int(files['rows_received'].sum() or 0))} ontvangen)",
        f"Toezeggingen:     {_count(status.height)} — {_counts(status, 'status', STATUS_NL)}",
        f"Open bevindingen: {_count(open_findings.height)} — {_counts(open_findings, 'severity', SEVERITY_NL)}; {_count(resolved)} opgelost deze run",
        f"                  {_counts(open_findings, 'kind', KIND_NL)}",
    ]
    if attention.height:
        lines.append("Aandacht nodig:")
        lines += [_attention_line(r) for r in attention.head(ATTENTION_SHOWN).iter_rows(named=True)]
        if attention.height > ATTENTION_SHOWN:
            lines.append(f"  … en nog {_count(attention.height - ATTENTION_SHOWN)}: alle staan in het portaal (make portal)")
    return "\n".join(lines)


def amount(value: float, metric: str) -> str:
    return {"eur": eur(value), "hours": f"{number(value)} uur"}.get(metric, f"{number(value)} %")


def _attention_line(r: dict) -> str:
    """One breached or slipping promise: whose, how far off, what the contract allows."""
    achieved = "geen gegevens" if r["achieved"] is None else amount(r["achieved"], r["metric"])
    gap = (f"tekort {amount(r['shortfall'], r['metric'])}" if r["status"] == "breached"
           else f"verwacht {amount(r['expected'], r['metric'])}")
    penalty = f", boete-indicatie {eur(r['penalty_estimate_eur'])}" if r["penalty_estimate_eur"] is not None else ""
    return (f"  {STATUS_NL[r['status']]}: {r['commitment_id']} ({r['buyer']}, {r['supplier_name'] or '?'}) — "
            f"gerealiseerd {achieved} van {amount(r['target'], r['metric'])}, {gap}{penalty} — {r['contract_manager']}")
