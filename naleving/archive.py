"""The archive of original files: every received file kept byte for byte, named by its sha256.

Originals may hold personal data (a BSN a supplier should not have sent), so the folder is
readable by the service account only; published evidence holds masked values instead.
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

SHA256 = re.compile(r"^[0-9a-f]{64}$")


class Archive:
    def __init__(self, root: Path):
        self.root = Path(root)
        self._ready = False  # root made and closed to others

    def path(self, sha256: str) -> Path:
        if not SHA256.match(sha256):
            raise ValueError(f"geen sha256: {sha256!r}")
        return self.root / sha256

    def keep(self, data: bytes, sha256: str | None = None) -> str:
        """Store the bytes once (by content); returns their sha256."""
        sha256 = sha256 or hashlib.sha256(data).hexdigest()
        target = self.path(sha256)
        if not target.exists():
            if not self._ready:
                self.root.mkdir(parents=True, exist_ok=True)
                os.chmod(self.root, 0o700)
                self._ready = True
            staging = target.with_name(f".{sha256}.tmp")
            descriptor = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o400)
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
            os.replace(staging, target)  # a reader never sees half a file
        return sha256

    def shas(self) -> set[str]:
        return {p.name for p in self.root.iterdir() if SHA256.match(p.name)} if self.root.is_dir() else set()
