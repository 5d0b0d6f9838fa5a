"""`naleving verify`: recompute every hash of the published evidence and walk the chain.

Reports each altered, missing or inserted file or snapshot by name. Works on the state
folder (snapshots/ and archive/) or on a snapshots folder alone.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from naleving import snapshots
from naleving.archive import SHA256, Archive


@dataclass
class Verdict:
    problems: list[str] = field(default_factory=list)
    snapshots: int = 0
    files: int = 0
    archived: int = 0

    def summary(self) -> str:
        if self.problems:
            return f"NIET IN ORDE: {len(self.problems)} probleem/problemen gevonden."
        return (f"In orde: {self.snapshots} snapshots, {self.files} bestanden en {self.archived} "
                f"archiefbestanden gecontroleerd; de keten is intact.")


def _rows(path: Path) -> int | None:
    try:
        return pq.ParquetFile(path).metadata.num_rows
    except Exception:  # an altered file may no longer be Parquet at all; the hash already says so
        return None


def _check_snapshot(snapshot: snapshots.Snapshot, verdict: Verdict) -> dict | None:
    name = snapshot.path.name
    try:
        manifest = snapshot.manifest()
    except (OSError, ValueError):
        verdict.problems.append(f"{name}/manifest.json: ontbreekt of is onleesbaar")
        return None
    if (manifest.get("sequence"), manifest.get("run_id")) != (snapshot.sequence, snapshot.run_id):
        verdict.problems.append(f"{name}/manifest.json: volgnummer of run_id past niet bij de map")
    listed = manifest.get("files", {})
    present = {p.name for p in snapshot.path.iterdir()} - {snapshots.MANIFEST}
    for file_name in sorted(present - set(listed)):
        verdict.problems.append(f"{name}/{file_name}: toegevoegd (staat niet in het manifest)")
    for file_name, entry in sorted(listed.items()):
        path = snapshot.path / file_name
        if not path.is_file():
            verdict.problems.append(f"{name}/{file_name}: ontbreekt")
            continue
        verdict.files += 1
        if snapshots.sha256_file(path) != entry.get("sha256"):
            verdict.problems.append(f"{name}/{file_name}: gewijzigd (sha256 klopt niet)")
        elif _rows(path) != entry.get("rows"):
            verdict.problems.append(f"{name}/{file_name}: aantal rijen klopt niet met het manifest")
    return manifest


def _check_chain(chain: list[snapshots.Snapshot], verdict: Verdict) -> None:
    previous = None
    for expected_sequence, snapshot in enumerate(chain, start=1):
        name = snapshot.path.name
        if snapshot.sequence != expected_sequence:
            verdict.problems.append(f"snapshot {expected_sequence:06d}: ontbreekt (de keten springt naar {name})")
        manifest = _check_snapshot(snapshot, verdict)
        if manifest is not None:
            wanted = snapshots.sha256_file(previous.manifest_path) if previous and previous.manifest_path.is_file() else None
            if manifest.get("previous_manifest_sha256") != wanted:
                verdict.problems.append(
                    f"{name}: keten verbroken — het vorige manifest is gewijzigd, verwijderd of de volgorde is veranderd")
        previous = snapshot
        verdict.snapshots += 1


def _check_archive(archive: Archive, chain: list[snapshots.Snapshot], verdict: Verdict) -> None:
    for original in archive.originals():
        if original.data is None:
            verdict.problems.append(f"archive/{original.place}: onleesbaar (pakket of bestand beschadigd)")
        elif not SHA256.match(original.name):
            verdict.problems.append(f"archive/{original.place}: toegevoegd (geen sha256-naam)")
        else:
            verdict.archived += 1
            if hashlib.sha256(original.data).hexdigest() != original.name:
                verdict.problems.append(f"archive/{original.place}: gewijzigd (inhoud past niet bij de naam)")
    verdict.problems += [f"archive/{name}: toegevoegd (geen sha256-naam)" for name in archive.strays()]
    if chain:
        newest = chain[-1]
        referenced = set()
        try:
            parts = newest.files("submissions") + newest.files("stored_evidence")
        except (OSError, ValueError, KeyError):  # an unreadable manifest is reported by the chain check
            parts = []
        for path in parts:
            if path.is_file() and _rows(path) is not None:
                referenced |= set(pq.read_table(path, columns=["file_sha256"]).column(0).to_pylist())
        for sha in sorted(referenced - archive.shas() - {None}):
            verdict.problems.append(f"archive/{sha}: ontbreekt (genoemd in {newest.path.name})")


def verify(folder: Path) -> Verdict:
    """folder: the state folder (with snapshots/ and archive/), or a snapshots folder itself."""
    root = folder / "snapshots" if (folder / "snapshots").is_dir() else folder
    verdict = Verdict()
    if not root.is_dir():
        verdict.problems.append(f"{root}: geen map met snapshots")
        return verdict
    chain = snapshots.snapshots(root)
    known = {s.path.name for s in chain} | {snapshots.LATEST}
    # a .staging- folder is a publication in progress (or cut short), never a published snapshot
    verdict.problems += [f"{p.name}: toegevoegd (geen snapshot)" for p in sorted(root.iterdir())
                         if p.name not in known and not p.name.startswith((".staging-", f".{snapshots.LATEST}"))]
    _check_chain(chain, verdict)
    pointer = snapshots.latest(root)
    if chain and (pointer is None or pointer.path.name != chain[-1].path.name):
        verdict.problems.append(f"{snapshots.LATEST}: wijst niet naar de nieuwste snapshot {chain[-1].path.name}")
    if root != folder:
        _check_archive(Archive(folder / "archive"), chain, verdict)
    return verdict
