"""What changes something: recording a disposition, signing in and out (development login)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from naleving.portal.dispositions import DispositionError
from naleving.portal.pages import finding_page, visible_finding
from naleving.portal.published import Published
from naleving.portal.sessions import csrf_valid
from naleving.portal.users import User
from naleving.portal.web import PageError, current_user, not_found, portal, published, render

router = APIRouter()


def _check_csrf(request: Request, token: str) -> None:
    if not csrf_valid(request.state.session, token):
        raise PageError(403, "Formulier verlopen", "Het formulier was verlopen of kwam niet van dit portaal. "
                                                   "Ga terug, laad de pagina opnieuw en probeer het nog eens.")


@router.post("/bevindingen/{finding_id}/afhandeling")
def record_disposition(finding_id: str, request: Request, action: str = Form(""), reason: str = Form(""),
                       csrf: str = Form(""), user: User = Depends(current_user),
                       pub: Published = Depends(published)):
    _check_csrf(request, csrf)
    finding = visible_finding(pub, user, finding_id)
    if not user.may_record:
        raise PageError(403, "Alleen lezen", "Met uw rol kunt u bevindingen inzien, maar niets vastleggen.")
    try:
        portal(request).dispositions.record(finding_id, action, reason, user.id, finding["buyer"])
    except DispositionError as problem:
        return finding_page(request, user, pub, finding_id, status=400, error=str(problem),
                            form={"action": action, "reason": reason})
    return RedirectResponse(f"/bevindingen/{finding_id}#afhandeling", status_code=303)


def _dev_login_only(request: Request) -> None:
    if not portal(request).dev_login:
        raise not_found()


def _local(target: str) -> str:
    """Only a path on this site is a place to return to after signing in."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


@router.get("/inloggen", dependencies=[Depends(_dev_login_only)])
def sign_in_page(request: Request, volgende: str = "/"):
    users = sorted(portal(request).users.values(), key=lambda u: (u.reads_all, u.organisations, u.name))
    return render(request, "login.html", users=users, next=_local(volgende))


@router.post("/inloggen", dependencies=[Depends(_dev_login_only)])
def sign_in(request: Request, user_id: str = Form(""), volgende: str = Form("/"), csrf: str = Form("")):
    _check_csrf(request, csrf)
    site = portal(request)
    if user_id.lower() not in site.users:
        raise PageError(400, "Onbekende gebruiker", "Kies een gebruiker uit de lijst.")
    request.state.session = site.sessions.new(user=user_id.lower())
    return RedirectResponse(_local(volgende), status_code=303)


@router.post("/uitloggen")
def sign_out(request: Request, csrf: str = Form("")):
    _check_csrf(request, csrf)
    request.state.session = portal(request).sessions.new()
    return RedirectResponse("/inloggen" if portal(request).dev_login else "/", status_code=303)
