"""The audit API: read-only HTTP access to the published evidence snapshots.

It never opens the live warehouse: only snapshot folders (whole or absent, see
snapshots.py) and the archive of original files. Every route is GET and needs a bearer
token whose sha256 is listed in the tokens file; tokens themselves are never stored or logged.
"""
from __future__ import annotations

import hashlib
import hmac
import io
import json
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

import duckdb
from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from naleving import snapshots
from naleving.archive import SHA256, Archive

RUN = re.compile(r"^(latest|[0-9A-Za-z-]{1,64})$")
FINDING = re.compile(r"^[0-9a-f]{16}$")
# filter → the column it applies to; buyer goes through the contract register
FILTERS = {"contract_id": "contract_id", "kind": "kind", "status": "status"}


class RunInfo(BaseModel):
    sequence: int
    run_id: str
    as_of: str
    published_at: str
    code_version: str
    rule_version: str
    manifest_sha256: str
    tables: list[str]


class TablePage(BaseModel):
    run_id: str
    table: str
    total: int
    offset: int
    limit: int
    rows: list[dict[str, Any]]
    next: str | None


class Evidence(BaseModel):
    file_name: str | None
    file_sha256: str | None
    source_row: int | None
    role: str | None
    file_url: str | None


class Problem(BaseModel):
    detail: str


ERRORS = {
    401: {"model": Problem, "description": "geen of geen geldig bearer token"},
    404: {"model": Problem, "description": "onbekende run, tabel, bevinding of bestand"},
}


class FindingDetail(BaseModel):
    run_id: str
    finding: dict[str, Any]
    evidence: list[Evidence]


def load_token_hashes(path: Path) -> set[str]:
    """Tokens file (TOML): [[tokens]] with name and sha256 of the token."""
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("tokens", [])
    hashes = {str(e.get("sha256", "")).lower() for e in entries}
    return {h for h in hashes if SHA256.match(h)}


def create_app(state_dir: Path, tokens_file: Path) -> FastAPI:
    root = Path(state_dir) / "snapshots"
    archive = Archive(Path(state_dir) / "archive")
    token_hashes = load_token_hashes(tokens_file)
    bearer = HTTPBearer(auto_error=False)
    app = FastAPI(title="Naleving audit-API", version="1", docs_url=None, redoc_url=None, responses=ERRORS,
                  description="Alleen-lezen toegang tot de gepubliceerde bewijslast (evidence snapshots).")

    def auditor(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
        offered = hashlib.sha256(credentials.credentials.encode()).hexdigest() if credentials else ""
        if not any(hmac.compare_digest(offered, known) for known in token_hashes):
            raise HTTPException(401, "geldig bearer token vereist", headers={"WWW-Authenticate": "Bearer"})

    def snapshot_of(run: str) -> snapshots.Snapshot:
        if not RUN.match(run):
            raise HTTPException(404, "onbekende run")
        found = snapshots.latest(root) if run == "latest" else next(
            (s for s in snapshots.snapshots(root) if s.run_id == run), None)
        if found is None or not found.manifest_path.is_file():
            raise HTTPException(404, "onbekende run")
        return found

    def attached(snapshot: snapshots.Snapshot, *tables: str) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB with the snapshot's tables as views; 404 for a table it does not list."""
        if any(table not in snapshot.readable() for table in tables):  # only what the manifest lists
            raise HTTPException(404, "onbekende tabel")
        con = duckdb.connect()
        snapshots.attach(con, snapshot)
        return con

    @app.get("/runs", response_model=list[RunInfo], dependencies=[Depends(auditor)])
    def list_runs() -> list[RunInfo]:
        runs = []
        for s in snapshots.snapshots(root):
            m = s.manifest()
            runs.append(RunInfo(
                sequence=m["sequence"], run_id=m["run_id"], as_of=m["as_of"], published_at=m["published_at"],
                code_version=m["code_version"], rule_version=m["rule_version"],
                manifest_sha256=snapshots.sha256_file(s.manifest_path),
                tables=s.readable(),
            ))
        return runs

    @app.get("/runs/{run}/manifest", dependencies=[Depends(auditor)])
    def manifest(run: str) -> dict:
        return snapshot_of(run).manifest()

    @app.get("/runs/{run}/tables/{table}", response_model=TablePage, dependencies=[Depends(auditor)],
             responses={200: {"content": {"text/csv": {}, "application/vnd.apache.parquet": {}}},
                        400: {"model": Problem, "description": "filter niet van toepassing op deze tabel"}})
    def table_rows(
        request: Request, response: Response, run: str, table: str,
        format: Literal["json", "csv", "parquet"] = "json",
        buyer: str | None = None, contract_id: str | None = None,
        kind: str | None = None, status: str | None = None,
        limit: int = Query(1000, ge=1, le=10000), offset: int = Query(0, ge=0, le=10**9),
    ):
        snapshot = snapshot_of(run)
        con = attached(snapshot, table)
        try:
            columns = {c[0] for c in con.execute(f"DESCRIBE {table}").fetchall()}
            where, params = [], []
            for name, value in (("contract_id", contract_id), ("kind", kind), ("status", status)):
                if value is not None:
                    if FILTERS[name] not in columns:
                        raise HTTPException(400, f"filter {name} is niet van toepassing op {table}")
                    where.append(f"t.{FILTERS[name]} = ?")
                    params.append(value)
            if buyer is not None:
                if "buyer" in columns:
                    where.append("t.buyer = ?")
                elif "contract_id" in columns:
                    where.append("t.contract_id IN (SELECT contract_id FROM contracts WHERE buyer = ?)")
                else:
                    raise HTTPException(400, f"filter buyer is niet van toepassing op {table}")
                params.append(buyer)
            query = f"SELECT t.* FROM {table} t" + (" WHERE " + " AND ".join(where) if where else "")
            total = con.execute(f"SELECT count(*) FROM ({query})", params).fetchone()[0]
            page = con.execute(f"{query} ORDER BY ALL LIMIT {limit} OFFSET {offset}", params).arrow().read_all()
        finally:
            con.close()
        following = None
        if offset + limit < total:
            following = str(request.url.include_query_params(offset=offset + limit))
        headers = {"X-Total-Count": str(total), **({"Link": f'<{following}>; rel="next"'} if following else {})}
        if format == "parquet":
            import pyarrow.parquet as pq

            buffer = io.BytesIO()
            pq.write_table(page, buffer)
            return Response(buffer.getvalue(), media_type="application/vnd.apache.parquet", headers=headers)
        if format == "csv":
            import pyarrow.csv as pacsv

            buffer = io.BytesIO()
            pacsv.write_csv(page, buffer)
            return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
        response.headers.update(headers)
        rows = json.loads(json.dumps(page.to_pylist(), default=str))  # dates and times as ISO text
        return TablePage(run_id=snapshot.run_id, table=table, total=total, offset=offset, limit=limit,
                         rows=rows, next=following)

    @app.get("/runs/{run}/findings/{finding_id}", response_model=FindingDetail, dependencies=[Depends(auditor)])
    def finding(request: Request, run: str, finding_id: str) -> FindingDetail:
        if not FINDING.match(finding_id):
            raise HTTPException(404, "onbekende bevinding")
        snapshot = snapshot_of(run)
        con = attached(snapshot, "findings", "finding_evidence")
        try:
            found = con.execute("SELECT * FROM findings WHERE finding_id = ?", [finding_id]).arrow().read_all().to_pylist()
            evidence = con.execute(
                "SELECT file_name, file_sha256, source_row, role FROM finding_evidence WHERE finding_id = ? ORDER BY ALL",
                [finding_id]).arrow().read_all().to_pylist()
        finally:
            con.close()
        if not found:
            raise HTTPException(404, "onbekende bevinding")
        return FindingDetail(
            run_id=snapshot.run_id,
            finding=json.loads(json.dumps(found[0], default=str)),
            evidence=[Evidence(**e, file_url=str(request.url_for("archived_file", sha256=e["file_sha256"]))
                               if e["file_sha256"] else None) for e in evidence],
        )

    @app.get("/files/{sha256}", dependencies=[Depends(auditor)], response_class=Response,
             responses={200: {"content": {"application/octet-stream": {}}}})
    def archived_file(sha256: str) -> Response:
        original = archive.read(sha256) if SHA256.match(sha256) else None
        if original is None:
            raise HTTPException(404, "onbekend bestand")
        return Response(original, media_type="application/octet-stream",
                        headers={"Content-Disposition": f'attachment; filename="{sha256}"'})

    return app
