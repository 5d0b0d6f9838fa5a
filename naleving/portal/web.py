"""What every page needs: the portal's parts, who is asking, the snapshot, and rendering."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates

from naleving.portal import dutch
from naleving.portal.dispositions import Dispositions
from naleving.portal.published import Published, PublishedCache
from naleving.portal.sessions import COOKIE, MAX_AGE_SECONDS, Sessions
from naleving.portal.users import ROLES, User

PACKAGE_DIR = Path(__file__).resolve().parent
# Everything the pages use is served by the portal itself: intranets block CDNs.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


@dataclass(frozen=True)
class Portal:
    users: dict[str, User]
    identity_header: str | None
    dev_login: bool
    sessions: Sessions
    published: PublishedCache
    dispositions: Dispositions
    templates: Jinja2Templates


class PageError(Exception):
    """A page that cannot be shown; rendered as a Dutch error page with this status."""

    def __init__(self, status: int, title: str, message: str):
        super().__init__(message)
        self.status, self.title, self.message = status, title, message


class SignInNeeded(Exception):
    pass


def not_found() -> PageError:
    # the same answer for what does not exist and what belongs to another organisation
    return PageError(404, "Niet gevonden", "Deze pagina bestaat niet, of hoort bij een contract dat u niet beheert.")


def templates() -> Jinja2Templates:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(PACKAGE_DIR / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(dutch.FILTERS)
    env.globals.update(dutch.LABELS, ROLES=ROLES)
    return Jinja2Templates(env=env)


def portal(request: Request) -> Portal:
    return request.app.state.portal


def current_user(request: Request) -> User:
    """The proxy's identity header when configured and sent; else the development sign-in."""
    site = portal(request)
    claimed = request.headers.get(site.identity_header, "").strip() if site.identity_header else ""
    if claimed:
        user = site.users.get(claimed.lower())
        if user is None:
            raise PageError(403, "Geen toegang", f"U bent aangemeld als {claimed}, maar staat niet in de "
                                                 "gebruikerslijst van het portaal. Vraag uw beheerder u toe te voegen.")
        return user
    if site.dev_login:
        user = site.users.get(request.state.session.get("user") or "")
        if user is None:
            raise SignInNeeded()
        return user
    raise PageError(401, "Niet aangemeld", "Het portaal heeft van de toegangsproxy geen identiteit ontvangen.")


def published(request: Request) -> Published:
    current = portal(request).published.current()
    if current is None:
        raise PageError(503, "Nog geen gegevens", "Er is nog geen gepubliceerde stand. Draai eerst de nachtelijke "
                                                  "run (naleving run), dan verschijnen hier de bevindingen.")
    return current


def render(request: Request, template: str, status: int = 200, **context):
    return portal(request).templates.TemplateResponse(
        request, template, {"csrf": request.state.session["csrf"], "user": None, "pub": None, **context},
        status_code=status)


def sign_in_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/inloggen?volgende={quote(target, safe='')}"


async def sessions_and_headers(request: Request, call_next):
    """Load the session (or start one) before, write it back and add security headers after."""
    sessions = portal(request).sessions
    cookie = request.cookies.get(COOKIE)
    request.state.session = sessions.load(cookie) or sessions.new()
    started = time.perf_counter()
    response = await call_next(request)
    response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
    encoded = sessions.dump(request.state.session)
    if encoded != cookie:
        response.set_cookie(COOKIE, encoded, max_age=MAX_AGE_SECONDS, path="/", httponly=True, samesite="lax",
                            secure=request.url.scheme == "https")
    response.headers.update(SECURITY_HEADERS)
    if not request.url.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"  # pages hold data of one organisation
    return response
