"""The contract managers' portal: a FastAPI app over the latest published evidence snapshot."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from naleving.portal import actions, downloads, pages
from naleving.portal.dispositions import Dispositions
from naleving.portal.published import PublishedCache
from naleving.portal.sessions import Sessions
from naleving.portal.users import load_users
from naleving.portal.web import (PACKAGE_DIR, PageError, Portal, SignInNeeded, not_found, render,
                                 sessions_and_headers, sign_in_url, templates)

HTTP_ERRORS = {405: ("Niet toegestaan", "Deze handeling is op dit adres niet mogelijk.")}


def create_app(state_dir: Path, users_file: Path, identity_header: str | None, dev_login: bool) -> FastAPI:
    app = FastAPI(title="Naleving — portaal voor contractmanagers", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.portal = Portal(
        users=load_users(users_file), identity_header=identity_header, dev_login=dev_login,
        sessions=Sessions(), published=PublishedCache(state_dir), dispositions=Dispositions(state_dir),
        templates=templates(),
    )
    app.mount("/static", StaticFiles(directory=PACKAGE_DIR / "static"), name="static")
    for router in (pages.router, actions.router, downloads.router):
        app.include_router(router)
    app.middleware("http")(sessions_and_headers)

    @app.exception_handler(PageError)
    def page_error(request: Request, error: PageError):
        return render(request, "error.html", status=error.status, title=error.title, message=error.message)

    @app.exception_handler(HTTPException)
    def http_error(request: Request, error: HTTPException):
        if error.status_code == 404:
            return page_error(request, not_found())
        title, message = HTTP_ERRORS.get(error.status_code, ("Fout", "Het verzoek kon niet worden verwerkt."))
        return render(request, "error.html", status=error.status_code, title=title, message=message)

    @app.exception_handler(SignInNeeded)
    def sign_in_needed(request: Request, _: SignInNeeded):
        return RedirectResponse(sign_in_url(request), status_code=303)

    return app
