"""The summary printed after a run: what needs attention, short enough to read."""
from datetime import date, datetime

from naleving import warehouse
from naleving.summary import ATTENTION_SHOWN, summarize


def test_the_summary_lists_the_first_promises_needing_attention_and_counts_the_rest(tmp_path):
    behind = ATTENTION_SHOWN + 5
    with warehouse.connect(tmp_path / "naleving.duckdb") as con:
        con.execute("INSERT INTO runs VALUES ('r1', ?, ?, ?, 'v', 'v', 'completed', 'data')",
                    [datetime(2026, 11, 29), datetime(2026, 11, 29), date(2026, 11, 29)])
        con.execute("INSERT INTO contracts (contract_id, buyer, supplier_name, contract_manager) "
                    "VALUES ('C-1', 'Gemeente Utrecht', 'Bouw B.V.', 'a@utrecht.nl')")
        con.execute("""INSERT INTO commitment_status (run_id, as_of, commitment_id, contract_id, kind, metric, target,
                           achieved, expected, status, shortfall)
                       SELECT 'r1', DATE '2026-11-29', 'C-1-SR' || lpad(i::VARCHAR, 2, '0'), 'C-1', 'social_return',
                              'hours', 100, 10, 50, CASE WHEN i = ? THEN 'breached' ELSE 'behind' END, 90
                       FROM range(?) t(i)""", [behind - 1, behind])
        text = summarize(con, "r1")
    listed = [line for line in text.splitlines() if line.startswith("  niet nagekomen:") or line.startswith("  achter op schema:")]
    assert len(listed) == ATTENTION_SHOWN
    assert listed[0].startswith(f"  niet nagekomen: C-1-SR{behind - 1:02d}")  # breached first
    assert text.splitlines()[-1] == "  … en nog 5: alle staan in het portaal (make portal)"
