"""Who may use the portal, for which buyer organisations, in which role (the users file)."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

ROLES = {"contract_manager": "contractmanager", "auditor": "auditor (alleen lezen)"}


class UsersFileError(ValueError):
    pass


@dataclass(frozen=True)
class User:
    id: str
    name: str
    role: str
    organisations: tuple[str, ...]

    @property
    def reads_all(self) -> bool:
        return self.role == "auditor"

    @property
    def may_record(self) -> bool:
        return self.role == "contract_manager"

    def sees(self, buyer: str | None) -> bool:
        """A contract manager sees the contracts of their own organisations only."""
        return self.reads_all or (buyer is not None and buyer in self.organisations)


def load_users(path: Path) -> dict[str, User]:
    """The users file, keyed by lower-cased id; a wrong entry stops the portal from starting."""
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8")).get("user", [])
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise UsersFileError(f"{path}: {error}") from None
    users: dict[str, User] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"{path}, gebruiker {number}"
        user_id = str(entry.get("id", "")).strip().lower()
        role = entry.get("role")
        organisations = tuple(entry.get("organisations", []))
        if not user_id:
            raise UsersFileError(f"{where}: id ontbreekt")
        if role not in ROLES:
            raise UsersFileError(f"{where}: role moet een van {', '.join(ROLES)} zijn, niet {role!r}")
        if role == "contract_manager" and not organisations:
            raise UsersFileError(f"{where}: een contractmanager heeft ten minste één organisatie nodig")
        if user_id in users:
            raise UsersFileError(f"{where}: id {user_id} komt twee keer voor")
        users[user_id] = User(user_id, str(entry.get("name") or user_id), role, organisations)
    return users
