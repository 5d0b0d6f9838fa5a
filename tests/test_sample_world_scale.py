"""The generated part of the sample world: sizes, formats, determinism, the night."""
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from naleving import sample_world
from naleving.ingest import NewFile, read_files

CONTRACTS = 300


def generated_files(world: Path) -> dict[str, bytes]:
    root = world / "reports" / "generated"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("scale") / "world"
    sample_world.main(["--out", str(out), "--seed", "7", "--contracts", str(CONTRACTS), "--night-files", "40"])
    return out


def test_sizes_follow_the_knobs(world):
    sizes = json.loads((world / "world.json").read_text())
    assert sizes["contracts"] == CONTRACTS
    assert 2.5 <= sizes["commitments"] / CONTRACTS <= 3.5
    files = generated_files(world)
    assert len(files) == sizes["history"]["files"]
    assert 1.5 <= len(files) / CONTRACTS <= 2.5
    assert 150 <= sizes["history"]["lines"] / len(files) <= 250
    assert sizes["night"]["files"] == 40


def test_messy_formats_occur(world):
    data = generated_files(world).values()
    assert any(b.startswith(b"\xef\xbb\xbf") and b"\r\n" in b for b in data)          # BOM and CRLF
    assert any(b.startswith(b"contractnummer;") for b in data)                       # Dutch ';' export
    assert any(b"\xe9\xe9n" in b for b in data)                                       # Windows-1252
    assert any(b.startswith(b"PK") for b in data)                                     # XLSX


def test_every_file_is_read_as_its_report_type(world):
    files = [NewFile(name, f"{i:064x}", data) for i, (name, data) in enumerate(generated_files(world).items())]
    with ThreadPoolExecutor(2) as workers:
        submissions, _, _ = read_files(files, None, workers)
    statuses = {}
    for submission in submissions:
        statuses[submission.status] = statuses.get(submission.status, 0) + 1
        if submission.status == "received":
            assert submission.rows > 0, submission.file_name
    assert statuses.get("received", 0) >= 0.99 * sum(statuses.values())


def test_same_seed_same_bytes(world, tmp_path):
    again = tmp_path / "again"
    sample_world.main(["--out", str(again), "--seed", "7", "--contracts", str(CONTRACTS), "--night-files", "40"])
    assert generated_files(again) == generated_files(world)


def test_the_night_adds_new_late_files_only(world, tmp_path):
    night = tmp_path / "night"
    sample_world.main(["--out", str(night), "--seed", "7", "--contracts", str(CONTRACTS), "--night-files", "40"])
    history = generated_files(night)
    sample_world.main(["--out", str(night), "--night"])
    added = {name: data for name, data in generated_files(night).items() if name not in history}
    assert len(added) == 40
    assert all(b"2026-11-30" in data or b"30-11-2026" in data or name.endswith(".xlsx") for name, data in added.items())
