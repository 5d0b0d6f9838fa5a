"""Who sees and changes what, over HTTP against the portal on localhost: the identity header,
organisations, the auditor, CSRF, cookies, security headers, and the append-only dispositions."""
from __future__ import annotations

import re
import sqlite3
from contextlib import closing

import httpx
import polars as pl
import pytest

from naleving import snapshots, warehouse
from naleving.portal.sessions import COOKIE
from portal_support import (AMSTERDAM, AUDITOR, IDENTITY_HEADER, TWO_CITIES, UTRECHT, portal_server, findings_of,
                            published, sample_state)


@pytest.fixture(scope="module")
def server():
    with portal_server(sample_state()) as live:
        yield live


def client(server, user: str | None) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={IDENTITY_HEADER: user} if user else {})


def csrf_of(response: httpx.Response) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', response.text)[1]


def test_the_proxy_header_names_the_user_and_unknown_users_get_no_access(server):
    assert "Jeroen de Vries" in client(server, UTRECHT).get("/").text
    assert client(server, UTRECHT.upper()).get("/").status_code == 200  # e-mail addresses: any case
    assert client(server, "onbekend@example.org").get("/").status_code == 403
    signed_out = client(server, None).get("/")
    assert signed_out.status_code == 303 and signed_out.headers["location"] == "/inloggen?volgende=%2F"


def test_without_dev_login_only_the_proxy_identifies():
    with portal_server(sample_state(), dev_login=False) as strict:
        assert client(strict, None).get("/").status_code == 401
        assert client(strict, None).get("/inloggen").status_code == 404
        assert client(strict, AMSTERDAM).get("/").status_code == 200


def test_a_manager_sees_only_their_organisations_and_gets_404_for_others(server):
    amsterdam = findings_of(sample_state(), "Gemeente Amsterdam")
    utrecht = client(server, UTRECHT)
    missing = utrecht.get("/bevindingen/0123456789abcdef")
    for path in (f"/bevindingen/{amsterdam['finding_id'][0]}", f"/contracten/{amsterdam['contract_id'][0]}"):
        answer = utrecht.get(path)
        assert (answer.status_code, answer.text) == (404, missing.text), "no difference to probe"
    overview = utrecht.get("/?status=all").text
    assert "UTR-2025-003" in overview and "AMS-" not in overview
    both = client(server, TWO_CITIES).get("/?status=all").text
    assert "UTR-2025-003" in both and "AMS-2025-031" in both and "GLD-" not in both
    csv = utrecht.get("/export/toezeggingen.csv").content.decode("utf-8-sig")
    assert "UTR-2024-011-SR" in csv and "AMS-" not in csv


@pytest.mark.parametrize("path", ["/contracten/..%2F..%2Fetc%2Fpasswd", "/contracten/UTR'%20OR%201=1",
                                  "/bevindingen/ABCDEF0123456789", "/bevindingen/1e79abe302b15d0", "/export/bevindingen.json"])
def test_malformed_addresses_are_not_found(server, path):
    assert client(server, AUDITOR).get(path).status_code == 404


def test_the_auditor_reads_everything_and_changes_nothing(server):
    auditor = client(server, None)  # signed in at the development login: a session with its own token
    sign_in = auditor.get("/inloggen")
    auditor.post("/inloggen", data={"csrf": csrf_of(sign_in), "user_id": AUDITOR, "volgende": "/"})
    overview = auditor.get("/?status=all").text
    assert all(contract in overview for contract in ("UTR-", "AMS-", "GLD-", "WSRL-"))
    finding = findings_of(sample_state(), "Provincie Gelderland")["finding_id"][0]
    page = auditor.get(f"/bevindingen/{finding}")
    assert page.status_code == 200 and "Vastleggen" not in page.text
    refused = auditor.post(f"/bevindingen/{finding}/afhandeling", data={"csrf": csrf_of(page), "action": "acknowledged"})
    assert refused.status_code == 403
    with closing(sqlite3.connect(sample_state() / snapshots.DISPOSITIONS_DB)) as db:
        assert db.execute("SELECT count(*) FROM dispositions WHERE actor = ?", [AUDITOR]).fetchone() == (0,)


def test_recording_needs_the_sessions_csrf_token(server):
    finding = findings_of(sample_state(), "Gemeente Amsterdam")["finding_id"][0]
    manager = client(server, AMSTERDAM)
    page = manager.get(f"/bevindingen/{finding}")
    for token in ("", "vervalst", csrf_of(page) + "x"):
        assert manager.post(f"/bevindingen/{finding}/afhandeling", data={"csrf": token, "action": "acknowledged"}).status_code == 403
    stranger = client(server, AMSTERDAM)  # another browser: its own session, its own token
    assert stranger.post(f"/bevindingen/{finding}/afhandeling",
                         data={"csrf": csrf_of(page), "action": "acknowledged"}).status_code == 403
    other_buyer = client(server, UTRECHT)
    token = csrf_of(other_buyer.get("/bevindingen/" + findings_of(sample_state(), "Gemeente Utrecht")["finding_id"][0]))
    assert other_buyer.post(f"/bevindingen/{finding}/afhandeling", data={"csrf": token, "action": "acknowledged"}).status_code == 404


def test_session_cookie_is_httponly_and_samesite_and_pages_carry_security_headers(server):
    response = client(server, UTRECHT).get("/")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(COOKIE + "=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY" and response.headers["cache-control"] == "no-store"
    assert not re.search(r'(src|href)="(https?:)?//', response.text), "no address outside the portal"
    assert client(server, UTRECHT).get("/static/portal.css").status_code == 200


def test_a_disposition_is_kept_append_only_and_reaches_the_next_snapshot(server):
    state = sample_state()
    finding = findings_of(state, "Gemeente Amsterdam").filter(pl.col("kind") == "commitment_behind")["finding_id"][0]
    manager = client(server, AMSTERDAM)
    page = manager.get(f"/bevindingen/{finding}")
    recorded = manager.post(f"/bevindingen/{finding}/afhandeling",
                            data={"csrf": csrf_of(page), "action": "in_dialogue", "reason": "Gesprek op 2 december"})
    assert recorded.status_code == 303
    assert "Gesprek op 2 december" in manager.get(f"/bevindingen/{finding}").text
    overview = manager.get("/?status=in_dialogue").text
    assert finding in overview

    with closing(sqlite3.connect(state / snapshots.DISPOSITIONS_DB)) as db:
        (row_id,) = db.execute("SELECT id FROM dispositions WHERE finding_id = ?", [finding]).fetchone()
        for statement in ("UPDATE dispositions SET action = 'waived' WHERE id = ?", "DELETE FROM dispositions WHERE id = ?",
                          "INSERT OR REPLACE INTO dispositions VALUES (?, '0123456789abcdef', 'waived', 'x', 'x', 'x', 'x')"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                db.execute(statement, [row_id])

    with warehouse.connect(state / "naleving.duckdb") as con:  # the publisher of the next run
        (run_id,) = con.execute("SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()
        snapshots.publish(con, state, run_id)
    decisions = published(state, "dispositions").filter(pl.col("finding_id") == finding)
    assert decisions.select("action", "reason", "actor", "organisation").row(0) == (
        "in_dialogue", "Gesprek op 2 december", AMSTERDAM, "Gemeente Amsterdam")
    assert "Gesprek op 2 december" in manager.get(f"/bevindingen/{finding}").text  # on the new snapshot too


def test_waiving_needs_a_reason(server):
    finding = findings_of(sample_state(), "Provincie Gelderland").filter(pl.col("kind") == "commitment_breached")["finding_id"][0]
    manager = client(server, "m.jansen@gelderland.nl")
    page = manager.get(f"/bevindingen/{finding}")
    refused = manager.post(f"/bevindingen/{finding}/afhandeling", data={"csrf": csrf_of(page), "action": "waived", "reason": "  "})
    assert refused.status_code == 400 and "Geef een reden op" in refused.text


def test_csv_export_is_dutch_and_neutralises_formulas(server):
    body = client(server, UTRECHT).get("/export/bevindingen.csv?status=all").content
    assert body.startswith("\ufeff".encode())
    text = body.decode("utf-8-sig")
    header = text.splitlines()[0].split(";")
    assert header[:3] == ["Bevinding", "Ernst", "Soort bevinding"]
    assert "'=HYPERLINK(" in text and ";=HYPERLINK(" not in text
    commitments = client(server, UTRECHT).get("/export/toezeggingen.csv").content.decode("utf-8-sig")
    assert "31-12-2026" in commitments and re.search(r";114349,0\d+;", commitments)


def test_evidence_shows_an_accepted_line_as_typed_and_a_quarantined_line_as_read(server):
    findings = published(sample_state(), "findings")
    claim, quality = (findings.filter((pl.col("kind") == kind) & (pl.col("contract_id") == contract))["finding_id"][0]
                      for kind, contract in (("unsupported_claim", "GLD-2024-021"), ("data_quality", "WSRL-2024-007")))
    auditor = client(server, AUDITOR)
    accepted = auditor.get(f"/bevindingen/{claim}").text  # the line's values as stored; the original is archived
    assert "N348_recycling_2025.xlsx" in accepted and "delivered_tonnes: 390.0; recycled_tonnes: 195.0; evidence_ref: <" in accepted
    quarantined = auditor.get(f"/bevindingen/{quality}").text  # a file refused for a missing column: its cells as written
    assert "sr_2026-H1.csv" in quarantined and "hours: 700; submitted_at: 2026-08-03<" in quarantined
