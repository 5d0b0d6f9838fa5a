"""The portal's small parts without a server: Dutch notation, spreadsheet safety, the users
file, the overview's filter in the address bar, and the chart's expected trajectory."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from naleving.portal import dutch
from naleving.portal.charts import commitment_chart
from naleving.portal.exports import neutralised
from naleving.portal.overview import Filters
from naleving.portal.users import UsersFileError, load_users
from portal_support import USERS_FILE


def test_dutch_notation():
    assert dutch.day(date(2026, 11, 29)) == "29-11-2026" == dutch.day("2026-11-29")
    assert dutch.money(12500) == "€\u00a012.500,00"  # no-break spaces: an amount stays on one line
    assert dutch.quantity(1600, "hours") == "1.600,0\u00a0uur"
    assert dutch.quantity(34.11, "percent") == "34,1\u00a0%"
    assert dutch.quantity(None, "eur") == "geen gegevens"
    assert dutch.moment("2026-11-29T08:05:00+01:00") == "29-11-2026 08:05"


def test_what_the_contract_allows_in_words():
    assert dutch.penalty_rule("per_unit", 50, None, "hours") == "€\u00a050,00 per uur tekort"
    assert dutch.penalty_rule("fixed", None, 25000, "percent") == "een vast bedrag van €\u00a025.000,00"
    assert dutch.penalty_rule(None, None, None, "eur") == "geen sanctie in het contract vastgelegd"
    assert dutch.reasons("missing:hours;bsn_suspected") == [
        "verplichte waarde ontbreekt (hours) [missing:hours]", "lijkt op een BSN (waarde niet opgeslagen) [bsn_suspected]"]


def test_cells_that_would_run_as_formulas_become_text():
    cells = ["=1+1", "+31 6", "-2", "@SUM(A1)", "\t=x", "Bouw B.V.", "a=b", None]
    assert neutralised(pl.DataFrame({"cell": cells, "amount": [-1.5] * 8})).to_dict(as_series=False) == {
        "cell": ["'=1+1", "'+31 6", "'-2", "'@SUM(A1)", "'\t=x", "Bouw B.V.", "a=b", None], "amount": [-1.5] * 8}


def test_users_file_maps_users_to_organisations_and_roles(tmp_path: Path):
    users = load_users(USERS_FILE)
    assert users["p.bakker@inkoopbureau-randstad.nl"].organisations == ("Gemeente Utrecht", "Gemeente Amsterdam")
    assert users["auditor@auditdienst.example"].reads_all and not users["auditor@auditdienst.example"].may_record
    assert not users["j.devries@utrecht.nl"].sees("Gemeente Amsterdam")
    wrong = tmp_path / "users.toml"
    for entry, problem in (('id = "a"\nrole = "admin"', "role"), ('id = "a"\nrole = "contract_manager"', "organisatie")):
        wrong.write_text(f"[[user]]\n{entry}\n", encoding="utf-8")
        with pytest.raises(UsersFileError, match=problem):
            load_users(wrong)


def test_filters_survive_the_address_bar():
    f = Filters.from_query({"q": " kade ", "kind": "report_overdue", "page": "-3", "mine": "1"})
    assert (f.q, f.page, f.mine) == ("kade", 1, True)
    assert f.query(page=2) == "kind=report_overdue&q=kade&mine=1&page=2"
    assert Filters.from_query({"page": "9" * 5000}).page == Filters.from_query({"page": "²"}).page == 1


def _points(polyline: str) -> list[tuple[float, float]]:
    return [tuple(map(float, xy.split(","))) for xy in polyline.split()]


def test_chart_follows_the_linear_trajectory_to_the_target():
    commitment = {"commitment_id": "K-1", "metric": "hours", "target": 1000.0, "trajectory": "linear",
                  "tolerance_pct": 10.0, "start_date": date(2025, 1, 1), "due": date(2026, 12, 31), "as_of": date(2025, 12, 31)}
    history = pl.DataFrame({"as_of": [date(2025, 6, 30), date(2025, 12, 31)], "target": [1000.0, 1000.0],
                            "achieved": [200.0, 450.0]})
    chart = commitment_chart(commitment, history)
    points = _points(chart.trajectory)
    top_of_target = chart.bottom - (chart.bottom - chart.top) * 1000 / 1100  # the axis runs 10 % above the target
    assert points[0] == (chart.left, chart.bottom)
    assert points[1] == pytest.approx((chart.right, top_of_target), abs=0.1)  # the target on the due date
    assert [p["achieved"] for p in chart.points] == [200.0, 450.0]
    floor_at_due = chart.bottom - (chart.bottom - chart.top) * 900 / 1100  # behind below target − 10 %
    assert _points(chart.threshold)[-1] == pytest.approx((chart.right, floor_at_due), abs=0.1)
