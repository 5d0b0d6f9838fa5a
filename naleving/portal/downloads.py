"""Downloads: the overview's findings (with its filters) and the commitment status, as XLSX or CSV."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from naleving.portal import exports, overview
from naleving.portal.published import Published
from naleving.portal.users import User
from naleving.portal.web import current_user, not_found, portal, published

router = APIRouter()
MEDIA_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "csv": "text/csv; charset=utf-8"}


def _download(table, sheet: str, name: str, fmt: str, pub: Published) -> Response:
    if fmt not in MEDIA_TYPES:
        raise not_found()
    body = exports.xlsx(table, sheet) if fmt == "xlsx" else exports.csv(table)
    file_name = f"naleving-{name}-{pub.manifest['as_of']}.{fmt}"
    return Response(body, media_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{file_name}"'})


@router.get("/export/bevindingen.{fmt}")
def findings_download(fmt: str, request: Request, user: User = Depends(current_user),
                      pub: Published = Depends(published)):
    filters = overview.Filters.from_query(request.query_params)
    found = overview.matching(pub.findings, portal(request).dispositions.latest(), user, filters)
    return _download(exports.findings_table(found), "Bevindingen", "bevindingen", fmt, pub)


@router.get("/export/toezeggingen.{fmt}")
def commitments_download(fmt: str, request: Request, user: User = Depends(current_user),
                         pub: Published = Depends(published)):
    commitments = overview.visible(pub.commitments, user, request.query_params.get("mine") == "1")
    return _download(exports.commitments_table(commitments), "Toezeggingen", "toezeggingen", fmt, pub)
