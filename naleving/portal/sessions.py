"""A signed session cookie: who signed in at the development login, and the session's CSRF token.

The cookie holds no secret, only a signature: the server checks that it wrote it. Set the
same NALEVING_PORTAL_SECRET for every worker (and across restarts) to keep sessions valid.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time

COOKIE = "naleving_sessie"
MAX_AGE_SECONDS = 12 * 3600  # a working day: a forgotten browser does not stay signed in


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Sessions:
    def __init__(self, secret: bytes | None = None):
        configured = os.environ.get("NALEVING_PORTAL_SECRET")
        self._secret = secret or (configured.encode() if configured else secrets.token_bytes(32))

    def _sign(self, payload: str) -> str:
        return _b64(hmac.new(self._secret, payload.encode(), hashlib.sha256).digest())

    def new(self, user: str | None = None) -> dict:
        """A fresh session with its own CSRF token (also at sign-in, so a planted one is dropped)."""
        return {"csrf": secrets.token_urlsafe(32), "user": user, "issued": int(time.time())}

    def dump(self, session: dict) -> str:
        payload = _b64(json.dumps(session, sort_keys=True, separators=(",", ":")).encode())
        return f"{payload}.{self._sign(payload)}"

    def load(self, cookie: str | None) -> dict | None:
        """The session the cookie holds, or None when it is missing, forged or expired."""
        payload, _, signature = (cookie or "").partition(".")
        if not payload or not hmac.compare_digest(signature.encode(), self._sign(payload).encode()):
            return None
        try:
            session = json.loads(_unb64(payload))
        except ValueError:
            return None
        fresh = isinstance(session, dict) and time.time() - session.get("issued", 0) < MAX_AGE_SECONDS
        return session if fresh and isinstance(session.get("csrf"), str) else None


def csrf_valid(session: dict, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(session["csrf"].encode(), token.encode())
