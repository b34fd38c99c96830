"""Issues: receipt, and what the validator and eligibility engine said about each."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Response, status

from activities.governance_intake import receive_issue
from api.deps import EngineDep, NowDep, StateDep, TemporalDep, require
from domain.auth import Principal, Role
from domain.errors import NotFound
from domain.governance.issues import IssueReceipt, IssueView
from infra.db.governance_repo import get_issue, issue_view

router = APIRouter(prefix="/v1/issues", tags=["governance"])

IntakeDep = Annotated[Principal, Depends(require(Role.SERVICE, Role.OPERATOR))]
ReaderDep = Annotated[Principal, Depends(require(Role.FOUNDER, Role.ADMIN, Role.OPERATOR, Role.SERVICE))]


@router.post("", status_code=status.HTTP_201_CREATED)
async def create(body: IssueReceipt, _: IntakeDep, state: StateDep, client: TemporalDep, now: NowDep,
                 response: Response) -> IssueView:
    """File an issue (idempotent on source + external_id: a repeat returns the same issue with 200)."""
    view = await receive_issue(state.engine, client, state.settings, body, now)
    if view.duplicate:
        response.status_code = status.HTTP_200_OK
    return view


@router.get("/{issue_id}")
async def read(issue_id: UUID, _: ReaderDep, engine: EngineDep) -> IssueView:
    """The issue, its validator output, its eligibility verdict and its contract id."""
    async with engine.connect() as conn:
        row = await get_issue(conn, issue_id)
    if row is None:
        raise NotFound(f"issue {issue_id} does not exist", code="issue_not_found")
    return issue_view(row)
