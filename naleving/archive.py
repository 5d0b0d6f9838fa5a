"""The archive of original files: every received file kept byte for byte, known by its sha256.

A file on its own (the register's) is kept as a file named by its sha256. The files taken in
together are kept in one pack: an uncompressed zip whose members are named by their sha256,
which any zip tool opens. Creating a file costs this kind of file system far more than
writing its bytes (0.3–1.4 ms a file, measured), and a national year brings ~100,000 files.

Originals may hold personal data (a BSN a supplier should not have sent), so the folder and
its files are readable by the service account only; published evidence holds masked values.
"""
from __future__ import annotations

import hashlib
import os
import re
import zipfile
from pathlib import Path
from typing import Iterator, NamedTuple

SHA256 = re.compile(r"^[0-9a-f]{64}$")
PACK = re.compile(r"^pack-[0-9a-f]{16}\.zip$")


class Original(NamedTuple):
    place: str          # as verify names it: the sha256, or <pack>/<member>
    name: str           # the sha256 it is filed under
    data: bytes | None  # None when it cannot be read back


class Archive:
    def __init__(self, root: Path):
        self.root = Path(root)
        self._ready = False  # root made and closed to others
        self._packed: dict[str, Path] = {}  # member -> pack, of the packs read so far
        self._packs: set[str] = set()

    def path(self, sha256: str) -> Path:
        if not SHA256.match(sha256):
            raise ValueError(f"geen sha256: {sha256!r}")
        return self.root / sha256

    def keep(self, data: bytes, sha256: str | None = None) -> str:
        """Store the bytes once (by content) as a file of their own; returns their sha256."""
        sha256 = sha256 or hashlib.sha256(data).hexdigest()
        target = self.path(sha256)
        if not target.exists():
            self._write(target, lambda file: file.write(data))
        return sha256

    def keep_pack(self, originals: dict[str, bytes]) -> None:
        """Store originals (sha256 -> bytes) as one pack, named by what it holds: the same
        originals packed again (a run cut short and repeated) replace their pack."""
        if not originals:
            return
        if bad := [sha for sha in originals if not SHA256.match(sha)]:
            raise ValueError(f"geen sha256: {bad[0]!r}")
        name = hashlib.sha256("\n".join(sorted(originals)).encode()).hexdigest()[:16]

        def write(file) -> None:
            with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED) as pack:
                for sha, data in originals.items():
                    pack.writestr(sha, data)

        self._write(self.root / f"pack-{name}.zip", write)

    def read(self, sha256: str) -> bytes | None:
        """The original's bytes, or None when the archive does not hold it."""
        if not SHA256.match(sha256):
            return None
        loose = self.path(sha256)
        if loose.is_file():
            return loose.read_bytes()
        # A pack read before answers without listing the folder (the audit API asks once per file).
        pack = self._packed.get(sha256) or self._index().get(sha256)
        if pack is None:
            return None
        with zipfile.ZipFile(pack) as opened:
            return opened.read(sha256)

    def shas(self) -> set[str]:
        """Every sha256 the archive holds, loose or packed."""
        return {p.name for p in self._listing() if SHA256.match(p.name)} | set(self._index())

    def originals(self) -> Iterator[Original]:
        """Every original as stored, to check its bytes against its name."""
        for path in self._listing():
            if SHA256.match(path.name):
                yield Original(path.name, path.name, path.read_bytes())
            elif PACK.match(path.name):
                yield from _unpacked(path)

    def strays(self) -> list[str]:
        """Names in the folder that are neither an original nor a pack."""
        return [p.name for p in self._listing() if not SHA256.match(p.name) and not PACK.match(p.name)]

    def _listing(self) -> list[Path]:
        return sorted(self.root.iterdir()) if self.root.is_dir() else []

    def _index(self) -> dict[str, Path]:
        """Which pack holds each packed original; only packs not read before are opened."""
        for path in self._listing():
            if PACK.match(path.name) and path.name not in self._packs:
                try:
                    with zipfile.ZipFile(path) as pack:
                        self._packed.update(dict.fromkeys(pack.namelist(), path))
                except (OSError, zipfile.BadZipFile):
                    continue  # verify names it; nothing in it can be served
                self._packs.add(path.name)
        return self._packed

    def _write(self, target: Path, write) -> None:
        if not self._ready:
            self.root.mkdir(parents=True, exist_ok=True)
            os.chmod(self.root, 0o700)
            self._ready = True
        staging = target.with_name(f".{target.name}.tmp")
        descriptor = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o400)
        with os.fdopen(descriptor, "wb") as file:
            write(file)
        os.replace(staging, target)  # a reader never sees half a file


def _unpacked(path: Path) -> Iterator[Original]:
    try:
        with zipfile.ZipFile(path) as pack:
            for member in pack.namelist():
                try:
                    data = pack.read(member)
                except (zipfile.BadZipFile, OSError):  # a member whose bytes no longer match its CRC
                    data = None
                yield Original(f"{path.name}/{member}", member, data)
    except (OSError, zipfile.BadZipFile):
        yield Original(path.name, "", None)
