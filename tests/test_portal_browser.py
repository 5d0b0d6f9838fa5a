"""The portal in a real browser: Debian's chromium, headless, driven by Playwright, against the
portal served on localhost from the sample world (run on two dates, so there is history)."""
from __future__ import annotations

import re

import openpyxl
import polars as pl
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from portal_support import (BROWSER_ARGS, FORMULA_TITLE, SCRIPT_SUPPLIER, UTRECHT, portal_server, findings_of,
                            sample_state)


@pytest.fixture(scope="module")
def server():
    with portal_server(sample_state()) as live:
        yield live


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def requests_made() -> list[str]:
    return []


@pytest.fixture
def console_errors() -> list[str]:
    return []


@pytest.fixture
def page(browser, server, requests_made, console_errors) -> Page:
    """A fresh browser context signed in as Utrecht's contract manager, recording every request
    and every console error (a style or script the security policy refused would show there)."""
    context = browser.new_context(accept_downloads=True)
    tab = context.new_page()
    tab.on("request", lambda request: requests_made.append(request.url))
    tab.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    tab.on("dialog", lambda dialog: pytest.fail(f"a script ran: {dialog.message}"))
    tab.goto(server.url + "/")
    expect(tab).to_have_url(re.compile(r"/inloggen\?volgende=%2F$"))
    tab.select_option("select[name=user_id]", UTRECHT)
    tab.get_by_role("button", name="Inloggen").click()
    expect(tab.get_by_role("heading", name="Bevindingen op uw contracten")).to_be_visible()
    yield tab
    context.close()


def test_manager_sees_own_findings_and_none_of_another_buyer(page: Page, server, requests_made, console_errors):
    state = sample_state()
    table = page.locator("table.findings")
    for contract_id in findings_of(state, "Gemeente Utrecht").get_column("contract_id").unique():
        expect(table).to_contain_text(contract_id)
    expect(table).not_to_contain_text(re.compile(r"AMS-|GLD-|WSRL-"))
    amsterdam = findings_of(state, "Gemeente Amsterdam")
    # guessing the other buyer's addresses gives the same answer as an address that does not exist
    for path in (f"/contracten/{amsterdam['contract_id'][0]}", f"/bevindingen/{amsterdam['finding_id'][0]}",
                 "/contracten/GLD-2024-021", "/bevindingen/0000000000000000"):
        response = page.goto(server.url + path)
        assert response.status == 404
        expect(page.get_by_role("heading", name="Niet gevonden")).to_be_visible()
    assert all(url.startswith(server.url + "/") for url in requests_made), "every file comes from the portal itself"
    assert [e for e in console_errors if "404" not in e] == []  # the 404 pages above log their status


def test_contract_page_shows_the_chart_of_each_commitment(page: Page):
    page.get_by_role("link", name="UTR-2025-003").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("UTR-2025-003")
    commitment = page.locator("section.commitment#UTR-2025-003-SR")
    expect(commitment.locator("blockquote.promise")).to_contain_text("5% van de opdrachtwaarde")
    chart = commitment.get_by_role("img")
    expect(chart).to_be_visible()
    expect(chart.locator("polyline.trajectory")).to_have_count(1)
    expect(chart.locator("polyline.target")).to_have_count(1)
    expect(chart.locator("circle.achieved")).to_have_count(2)  # one measurement per run
    expect(chart.locator("circle.achieved title").last).to_have_text("29-11-2026: € 114.349,04")
    expect(commitment.locator(".legend")).to_contain_text("verwacht traject")
    expect(page.locator("table.quarantine")).to_contain_text("bsn_suspected")


def test_recording_a_disposition_lists_it(page: Page):
    finding = findings_of(sample_state(), "Gemeente Utrecht").filter(pl.col("kind") == "report_overdue").row(0, named=True)
    page.locator(f"a[href='/bevindingen/{finding['finding_id']}']").click()
    form = page.locator("form.disposition")
    form.get_by_label("Afgezien van sanctie", exact=True).check()
    form.get_by_role("button", name="Vastleggen").click()
    expect(page.get_by_role("alert")).to_have_text("Geef een reden op wanneer u afziet van een sanctie.")
    reason = "Rapportage telefonisch toegezegd; leverancier was ziek (browsertest)."
    page.locator("form.disposition").get_by_label("Afgezien van sanctie", exact=True).check()
    page.locator("form.disposition textarea[name=reason]").fill(reason)
    page.locator("form.disposition").get_by_role("button", name="Vastleggen").click()
    entry = page.locator("ol.timeline li").first
    expect(entry).to_contain_text("afgezien van sanctie")
    expect(entry).to_contain_text(reason)
    expect(entry).to_contain_text(f"door {UTRECHT} (Gemeente Utrecht)")
    page.get_by_role("link", name="Bevindingen").first.click()
    row = page.locator("table.findings tr", has=page.locator(f"a[href='/bevindingen/{finding['finding_id']}']"))
    expect(row).to_contain_text("afgezien van sanctie")


def test_findings_download_as_xlsx(page: Page, tmp_path):
    with page.expect_download() as download:
        page.locator("p.downloads a", has_text="Excel").first.click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == "naleving-bevindingen-2026-11-29.xlsx"
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    columns = {name: i for i, name in enumerate(header)}
    assert set(findings_of(sample_state(), "Gemeente Utrecht")["finding_id"]) <= {r[columns["Bevinding"]] for r in body}
    assert {r[columns["Opdrachtgever"]] for r in body} == {"Gemeente Utrecht"}
    assert {r[columns["Contract"]][:4] for r in body} == {"UTR-"}
    titles = {r[columns["Contractomschrijving"]] for r in body}
    assert "'" + FORMULA_TITLE in titles  # the formula a contract title carried is plain text now
    assert all(not str(r[columns["Contractomschrijving"]]).startswith("=") for r in body)


def test_supplier_name_with_script_tag_is_shown_as_text(page: Page, server):
    page.goto(server.url + "/contracten/UTR-2026-008")
    expect(page.locator("dl.facts")).to_contain_text(SCRIPT_SUPPLIER)
    assert page.locator("script").count() == 0  # the portal's pages carry no script at all
