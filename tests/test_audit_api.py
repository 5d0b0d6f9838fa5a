"""The audit API as an auditor uses it: a real server on loopback, called over HTTP."""
import hashlib
import io
import logging
import threading

import httpx
import polars as pl
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from live_server import LiveServer
from naleving import snapshots
from naleving.audit_api import create_app
from world import World, rm_line, sr_line

TOKEN = "geheim-token-van-de-auditdienst"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> World:
    world = World(tmp_path_factory.mktemp("audit") / "data")
    world.contract().contract(contract_id="C-2", buyer="Waterschap Voorbeeld", supplier_kvk="87654321")
    world.commitment().commitment(commitment_id="K-2", contract_id="C-2", kind="recycled_material", metric="percent", target="30")
    world.report("a/r.csv", [sr_line(person_ref=f"P-{n}") for n in range(5)])
    world.report("b/m.csv", [rm_line(contract_id="C-2", supplier_kvk="87654321", evidence_ref="")])
    world.run("2026-11-29")
    world.run("2026-11-30")
    tokens = world.root.parent / "tokens.toml"
    tokens.write_text(f'[[tokens]]\nname = "test"\nsha256 = "{hashlib.sha256(TOKEN.encode()).hexdigest()}"\n')
    world.tokens = tokens
    return world


@pytest.fixture(scope="module")
def api(published):
    with LiveServer(create_app(published.warehouse.parent, published.tokens)) as server:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            yield client


def test_no_token_is_401(api):
    response = api.get("/runs")
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"


def test_a_wrong_token_is_401(api):
    assert api.get("/runs", headers={"Authorization": "Bearer raden"}).status_code == 401


def test_lists_runs_with_their_manifest_hash(api, published):
    runs = api.get("/runs", headers=AUTH).json()
    chain = snapshots.snapshots(published.warehouse.parent / "snapshots")
    assert [(r["sequence"], r["run_id"], r["as_of"]) for r in runs] == [
        (1, chain[0].run_id, "2026-11-29"), (2, chain[1].run_id, "2026-11-30")]
    assert runs[1]["manifest_sha256"] == hashlib.sha256(chain[1].manifest_path.read_bytes()).hexdigest()


@pytest.mark.parametrize("fmt", ["json", "csv", "parquet"])
def test_any_table_of_any_run_in_three_formats(api, published, fmt):
    first = snapshots.snapshots(published.warehouse.parent / "snapshots")[0]
    response = api.get(f"/runs/{first.run_id}/tables/commitment_status", params={"format": fmt}, headers=AUTH)
    assert response.status_code == 200
    if fmt == "json":
        frame = pl.DataFrame(response.json()["rows"])
    elif fmt == "csv":
        frame = pl.read_csv(io.BytesIO(response.content))
    else:
        frame = pl.read_parquet(io.BytesIO(response.content))
    assert sorted(frame["commitment_id"].to_list()) == ["K-1", "K-2"]
    assert set(frame["run_id"]) == {first.run_id}


def test_filters_by_buyer_contract_kind_and_status(api):
    get = lambda **params: api.get("/runs/latest/tables/findings", params=params, headers=AUTH).json()["rows"]
    assert {r["contract_id"] for r in get(buyer="Waterschap Voorbeeld")} == {"C-2"}
    assert {r["contract_id"] for r in get(contract_id="C-1")} == {"C-1"}
    assert {r["kind"] for r in get(kind="unsupported_claim")} == {"unsupported_claim"}
    assert get(status="resolved") == []
    assert api.get("/runs/latest/tables/runs", params={"buyer": "x"}, headers=AUTH).status_code == 400


def test_pagination_with_next_link(api):
    first = api.get("/runs/latest/tables/social_return_lines", params={"limit": 2}, headers=AUTH)
    body = first.json()
    assert (body["total"], len(body["rows"]), first.headers["x-total-count"]) == (5, 2, "5")
    seen = [r["source_row"] for r in body["rows"]]
    while body["next"]:
        body = api.get(body["next"], headers=AUTH).json()
        seen += [r["source_row"] for r in body["rows"]]
    assert sorted(seen) == [2, 3, 4, 5, 6]


def test_finding_with_evidence_rows_and_a_link_to_the_original_file(api, published):
    claim = api.get("/runs/latest/tables/findings", params={"kind": "unsupported_claim"}, headers=AUTH).json()["rows"][0]
    detail = api.get(f"/runs/latest/findings/{claim['finding_id']}", headers=AUTH).json()
    evidence = detail["evidence"][0]
    assert (evidence["file_name"], evidence["source_row"]) == ("reports/b/m.csv", 2)
    original = api.get(evidence["file_url"], headers=AUTH)
    assert original.content == (published.root / "reports" / "b" / "m.csv").read_bytes()
    assert hashlib.sha256(original.content).hexdigest() == evidence["file_sha256"]


@pytest.mark.parametrize("path", [
    "/runs/..%2F..%2Fetc/tables/findings",
    "/runs/latest/tables/..%2Fmanifest",
    "/runs/latest/tables/%2Fetc%2Fpasswd",
    "/runs/latest/tables/findings.parquet",
    "/files/..%2F..%2Fnaleving.duckdb",
    "/files/" + "0" * 64,
    "/runs/latest/findings/..%2F..",
])
def test_path_tricks_are_refused(api, path):
    assert api.get(path, headers=AUTH).status_code == 404


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_no_write_methods(api, method):
    assert api.request(method, "/runs/latest/tables/findings", headers=AUTH).status_code == 405


def test_tokens_are_never_logged(published, caplog):
    caplog.set_level(logging.DEBUG)
    with LiveServer(create_app(published.warehouse.parent, published.tokens), log_level="info") as server:
        httpx.get(f"{server.url}/runs", headers=AUTH)
        httpx.get(f"{server.url}/runs", headers={"Authorization": "Bearer fout-token"})
    assert caplog.records and TOKEN not in caplog.text and "fout-token" not in caplog.text


def test_reads_during_publishing_see_a_whole_snapshot(published):
    """While nights keep publishing, every read returns the previous or the new snapshot, never part of one."""
    root = published.warehouse.parent / "snapshots"
    stop = threading.Event()

    def nights():
        while not stop.is_set():
            published.run("2026-12-01")

    writer = threading.Thread(target=nights)
    with LiveServer(create_app(published.warehouse.parent, published.tokens)) as server, httpx.Client(base_url=server.url) as client:
        writer.start()
        try:
            for _ in range(40):
                manifest = client.get("/runs/latest/manifest", headers=AUTH).json()
                page = client.get(f"/runs/{manifest['run_id']}/tables/commitment_status", headers=AUTH).json()
                assert page["total"] == manifest["files"]["commitment_status.parquet"]["rows"]
                assert {r["run_id"] for r in page["rows"]} == {manifest["run_id"]}
        finally:
            stop.set()
            writer.join()
    assert len(snapshots.snapshots(root)) > 2


@pytest.fixture(scope="module")
def openapi_schema(published):
    with LiveServer(create_app(published.warehouse.parent, published.tokens)) as server:
        yield schemathesis.openapi.from_url(f"{server.url}/openapi.json")


def test_openapi_contract(openapi_schema):
    """Every operation, with generated valid and invalid inputs, answers as its OpenAPI document says."""
    operations = [result.ok() for result in openapi_schema.get_all_operations()]
    assert len(operations) == 5
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
        def conforms(case):
            case.call_and_validate(headers=AUTH)

        conforms()
