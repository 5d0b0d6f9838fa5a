"""Benchmark (not a test): the portal overview's server time with 50,000 open findings.

Builds a synthetic warehouse in memory (the real schema, 5,000 contracts of 20 buyers, 10,000
commitments, 50,000 open findings over 12 runs, 5,000 dispositions), publishes it as an
evidence snapshot in a temporary folder with the real publisher, and times the overview as
an auditor (all 50,000) and as one organisation's contract manager. Prints figures; the
target is under 300 ms of server time per overview.

    .venv/bin/python bench/portal_overview.py [--findings 50000] [--repeat 20]
"""
from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
import warnings
from contextlib import closing
from pathlib import Path

import duckdb

warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")  # warns on import
from fastapi.testclient import TestClient  # noqa: E402

from naleving import snapshots, warehouse
from naleving.portal import create_app
from naleving.portal.dispositions import Dispositions

BUYERS = 20
RUNS = 12
HEADER = "X-Remote-User"
USERS = """
[[user]]
id = "auditor@bench"
role = "auditor"
[[user]]
id = "manager@bench"
role = "contract_manager"
organisations = ["Gemeente 01"]
"""

SYNTHETIC_SQL = """
INSERT INTO runs SELECT 'run-' || i, TIMESTAMP '2026-01-01' + INTERVAL (i * 7) DAY, NULL,
       DATE '2026-01-01' + INTERVAL (i * 7) DAY, 'bench', 'bench', 'completed', 'synthetic'
FROM range(1, $runs + 1) t(i);
INSERT INTO contracts SELECT printf('GEN-%05d', i), printf('Gemeente %02d', i % $buyers + 1),
       'Onderhoud openbare ruimte ' || i, printf('%08d', 10000000 + i), printf('Leverancier %05d B.V.', i),
       1e6, DATE '2025-01-01', DATE '2027-12-31', printf('manager%03d@bench', i % 300), 'quarterly', 30,
       'utrecht-2025', 'contracts.csv', 'sha-contracts', i + 1
FROM range($contracts) t(i);
INSERT INTO commitments SELECT printf('GEN-%05d-%s', i // 2, CASE WHEN i % 2 = 0 THEN 'SR' ELSE 'RM' END),
       printf('GEN-%05d', i // 2), CASE WHEN i % 2 = 0 THEN 'social_return' ELSE 'recycled_material' END,
       CASE WHEN i % 2 = 0 THEN 'eur' ELSE 'percent' END, CASE WHEN i % 2 = 0 THEN 50000 ELSE 30 END, NULL, 'all',
       NULL, 'linear', 10, 'fixed', NULL, 10000, 'Synthetische toezegging ' || i,
       'commitments.csv', 'sha-commitments', i + 2
FROM range($contracts * 2) t(i);
INSERT INTO commitment_status SELECT 'run-' || $runs, DATE '2026-01-01' + INTERVAL ($runs * 7) DAY, commitment_id,
       contract_id, kind, metric, target, target * 0.4, target * 0.6,
       CASE WHEN hash(commitment_id) % 3 = 0 THEN 'breached' WHEN hash(commitment_id) % 3 = 1 THEN 'behind' ELSE 'on_track' END,
       target * 0.6, target * 0.8, CASE WHEN hash(commitment_id) % 3 = 0 THEN 10000 END, NULL, NULL
FROM commitments;
INSERT INTO findings SELECT left(sha256('bench|' || i), 16),
       ['commitment_breached', 'commitment_behind', 'report_overdue', 'unsupported_claim', 'data_quality'][i % 5 + 1],
       ['high', 'medium', 'medium', 'low', 'low'][i % 5 + 1],
       printf('GEN-%05d', i % $contracts),
       CASE WHEN i % 5 < 2 THEN printf('GEN-%05d-%s', i % $contracts, CASE WHEN i % 2 = 0 THEN 'SR' ELSE 'RM' END) END,
       'social_return', printf('2026-Q%d', i % 4 + 1), 'Synthetische bevinding ' || i, 'open',
       'run-' || (i % $runs + 1), 'run-' || $runs, NULL
FROM range($findings) t(i);
INSERT INTO stored_evidence SELECT finding_id, 'contracts.csv', 'sha-contracts', 2, 'contract' FROM findings;
"""


def build_state(root: Path, findings: int) -> Path:
    state = root / "state"
    with warehouse.connect(root / "bench.duckdb") as con:
        sql = SYNTHETIC_SQL
        for name, value in {"$runs": RUNS, "$buyers": BUYERS, "$contracts": 5000, "$findings": findings}.items():
            sql = sql.replace(name, str(value))
        con.execute(sql)
        snapshots.publish(con, state, f"run-{RUNS}")
    finding_ids = duckdb.sql(
        f"SELECT finding_id FROM read_parquet('{snapshots.latest(state / 'snapshots').files('findings')[0]}') USING SAMPLE 5000 ROWS"
    ).fetchall()
    Dispositions(state)  # creates the table and its triggers
    with closing(sqlite3.connect(state / snapshots.DISPOSITIONS_DB)) as db, db:
        db.executemany("INSERT INTO dispositions (finding_id, action, reason, actor, organisation, recorded_at)"
                       " VALUES (?, 'in_dialogue', NULL, 'bench', 'Gemeente 01', '2026-11-29T08:00:00+01:00')",
                       finding_ids)
    return state


def timed(client: TestClient, url: str, user: str, repeat: int) -> tuple[list[float], list[float], int]:
    server, wall = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, headers={HEADER: user})
        wall.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        server.append(float(response.headers["server-timing"].split("dur=")[1]))
    return server, wall, len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="naleving-bench-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        state = build_state(root, args.findings)
        print(f"synthetic snapshot with {args.findings:,} open findings built in {time.perf_counter() - started:.1f} s")
        users = root / "users.toml"
        users.write_text(USERS, encoding="utf-8")
        client = TestClient(create_app(state, users, HEADER, dev_login=False))
        cold, _, _ = timed(client, "/", "auditor@bench", 1)
        print(f"first overview (derives the snapshot's tables once): {cold[0]:.0f} ms server time")
        print(f"{'overview':58} {'median':>8} {'p95':>8} {'wall':>8} {'bytes':>9}")
        for label, url, user in (
            ("auditor, all open findings, page 1", "/", "auditor@bench"),
            ("auditor, page 400", "/?page=400", "auditor@bench"),
            ("auditor, search 'leverancier 0421'", "/?q=leverancier+0421", "auditor@bench"),
            ("auditor, filter kind + commitment kind + status", "/?kind=report_overdue&commitment_kind=social_return&status=new", "auditor@bench"),
            ("auditor, all statuses incl. handled", "/?status=all", "auditor@bench"),
            ("manager of one organisation (2,500 findings)", "/", "manager@bench"),
            ("manager, contract filter", "/?contract=GEN-0002", "manager@bench"),
        ):
            server, wall, size = timed(client, url, user, args.repeat)
            p95 = statistics.quantiles(server, n=20)[-1]
            print(f"{label:58} {statistics.median(server):6.1f}ms {p95:6.1f}ms {statistics.median(wall):6.1f}ms {size:9,}")
        print("target: under 300 ms server time (Server-Timing header: the app's own handling, rendering included)")


if __name__ == "__main__":
    main()
