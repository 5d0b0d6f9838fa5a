"""The pages: overview of findings, contracts, one contract, one finding."""
from __future__ import annotations

import re

import polars as pl
from fastapi import APIRouter, Depends, Request

from naleving.portal import overview
from naleving.portal.charts import commitment_chart
from naleving.portal.published import EVIDENCE_LIMIT, Published
from naleving.portal.users import User
from naleving.portal.web import current_user, not_found, portal, published, render

router = APIRouter()
CONTRACT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
FINDING_ID = re.compile(r"[0-9a-f]{16}")


def _status_counts(commitments: pl.DataFrame) -> dict[str, int]:
    return dict(commitments.group_by("status").len().iter_rows())


@router.get("/")
def overview_page(request: Request, user: User = Depends(current_user), pub: Published = Depends(published)):
    filters = overview.Filters.from_query(request.query_params)
    selection = overview.select(pub.findings, portal(request).dispositions.latest(), user, filters)
    commitments = overview.visible(pub.commitments, user, filters.mine)
    return render(request, "overview.html", user=user, pub=pub, f=filters, ov=selection,
                  commitment_counts=_status_counts(commitments))


@router.get("/contracten")
def contracts_page(request: Request, user: User = Depends(current_user), pub: Published = Depends(published)):
    mine = request.query_params.get("mine") == "1"
    return render(request, "contracts.html", user=user, pub=pub, mine=mine,
                  contracts=overview.visible(pub.contracts, user, mine).to_dicts())


def visible_contract(pub: Published, user: User, contract_id: str) -> dict:
    contract = pub.contract(contract_id) if CONTRACT_ID.fullmatch(contract_id) else None
    if contract is None or not user.sees(contract["buyer"]):
        raise not_found()
    return contract


def visible_finding(pub: Published, user: User, finding_id: str) -> dict:
    finding = pub.finding(finding_id) if FINDING_ID.fullmatch(finding_id) else None
    if finding is None or not user.sees(finding["buyer"]):
        raise not_found()
    return finding


def _commitments(pub: Published, contract_id: str, only: str | None = None) -> list[dict]:
    """Each commitment with its chart, its status changes and since when its status holds."""
    history = pub.history(contract_id)
    changes = history.filter(pl.col("status").ne_missing(pl.col("status").shift(1).over("commitment_id")))
    commitments = pub.commitments.filter(pl.col("contract_id") == contract_id)
    if only:
        commitments = commitments.filter(pl.col("commitment_id") == only)
    items = []
    for commitment in commitments.iter_rows(named=True):
        own = pl.col("commitment_id") == commitment["commitment_id"]
        its_changes = changes.filter(own).to_dicts()
        items.append({"c": commitment, "chart": commitment_chart(commitment, history.filter(own)),
                      "changes": its_changes, "since": its_changes[-1]["as_of"] if its_changes else None})
    return items


@router.get("/contracten/{contract_id}")
def contract_page(contract_id: str, request: Request, user: User = Depends(current_user),
                  pub: Published = Depends(published)):
    contract = visible_contract(pub, user, contract_id)
    findings = overview.with_handling(pub.findings.filter(pl.col("contract_id") == contract_id),
                                      portal(request).dispositions.latest())
    return render(request, "contract.html", user=user, pub=pub, k=contract,
                  commitments=_commitments(pub, contract_id),
                  findings=findings.sort(pl.col("status") == "resolved", maintain_order=True).to_dicts(),
                  submissions=pub.submissions(contract_id).to_dicts(),
                  quarantined=pub.quarantined(contract_id).to_dicts())


def finding_page(request: Request, user: User, pub: Published, finding_id: str, *, status: int = 200,
                 error: str | None = None, form: dict | None = None):
    """A finding: what was promised and delivered, the gap, what the contract allows, the evidence
    and what was done about it (also shown again, with the problem, when a disposition was refused)."""
    finding = visible_finding(pub, user, finding_id)
    site = portal(request)
    commitment = (_commitments(pub, finding["contract_id"], only=finding["commitment_id"])
                  if finding["commitment_id"] else [])
    evidence = pub.evidence(finding_id, finding["commitment_id"])
    return render(request, "finding.html", status=status, user=user, pub=pub, f=finding,
                  contract=pub.contract(finding["contract_id"]) if finding["contract_id"] else None,
                  commitment=commitment[0] if commitment else None,
                  evidence=evidence.to_dicts(), evidence_total=evidence["total"][0] if evidence.height else 0,
                  evidence_limit=EVIDENCE_LIMIT,
                  dispositions=site.dispositions.history(finding_id), error=error, form=form or {})


@router.get("/bevindingen/{finding_id}")
def finding_get(finding_id: str, request: Request, user: User = Depends(current_user),
                pub: Published = Depends(published)):
    return finding_page(request, user, pub, finding_id)
