"""Contracts: the founder's review queue and decisions (Temporal updates), state and timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import select
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError

from api.deps import EngineDep, FounderDep, NowDep, TemporalDep, require
from domain.auth import Principal, Role
from domain.errors import Conflict, InvalidInput, NotFound
from domain.events import RecordedEvent
from domain.governance.changes import PROPOSED_CHANGES_SCHEMA, parse_changes
from domain.governance.commands import (
    ApproveContract,
    ClarifyContract,
    DecisionResult,
    FounderCommand,
    ModifyScope,
    RejectContract,
    ResolveAudit,
)
from domain.governance.contracts import ContractStatus, ExecutionConstraints
from infra.db import event_store
from infra.db.governance_repo import contract_stream, get_contract, issue_stream
from infra.db.tables_governance import issues, system_contracts

router = APIRouter(prefix="/v1/contracts", tags=["governance"])
ReaderDep = Annotated[Principal, Depends(require(Role.FOUNDER, Role.ADMIN, Role.OPERATOR))]
INVALID = {"invalid_proposed_changes", "scope_ineligible", "invalid_constraints"}
TERMINAL_CODES = {"EXPIRED": "contract_expired", "SUPERSEDED": "contract_superseded"}


class ContractPublic(BaseModel):
    id: UUID
    issue_id: UUID
    version: int
    supersedes_id: UUID | None
    status: ContractStatus
    proposed_changes: dict[str, Any]
    affected_capabilities: list[str]
    risk_level: str
    tenant_id: UUID | None
    created_at: datetime
    expires_at: datetime
    approved_by: UUID | None
    approved_at: datetime | None
    activation_start: datetime | None
    activation_end: datetime | None
    execution_constraints: dict[str, Any] | None
    timeline: list[RecordedEvent] = Field(default_factory=list)


class ContractsPublic(BaseModel):
    items: list[ContractPublic]
    count: int


class ApproveBody(BaseModel):
    note: str | None = Field(default=None, max_length=2000)
    execution_constraints: ExecutionConstraints | None = None


class RejectBody(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class ClarifyBody(BaseModel):
    question: str = Field(min_length=1, max_length=2000)


class ModifyScopeBody(BaseModel):
    proposed_changes: dict[str, Any] = Field(json_schema_extra={"example": {"changes": [
        {"capability": "dialer", "key": "max_calls_per_hour", "value": 150}]}},
        description="must satisfy GET /v1/contracts/schema/proposed-changes")
    note: str | None = Field(default=None, max_length=2000)


class ResolveAuditBody(BaseModel):
    resolution: Literal["rollout", "rollback"]
    note: str | None = Field(default=None, max_length=2000)


@router.get("")
async def list_contracts(_: ReaderDep, engine: EngineDep, now: NowDep, status: ContractStatus | None = None,
                         limit: Annotated[int, Query(ge=1, le=500)] = 100) -> ContractsPublic:
    """Contracts, newest first; `?status=DRAFT` is what waits for the founder (unexpired drafts)."""
    query = select(system_contracts).order_by(system_contracts.c.created_at.desc()).limit(limit)
    if status is not None:
        query = query.where(system_contracts.c.status == status.value)
    if status is ContractStatus.DRAFT:
        query = query.where(system_contracts.c.expires_at > now)
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).mappings().all()
    items = [ContractPublic.model_validate(dict(r)) for r in rows]
    return ContractsPublic(items=items, count=len(items))


@router.get("/schema/proposed-changes")
async def proposed_changes_schema(_: ReaderDep) -> dict[str, Any]:
    """The JSON schema every contract's `proposed_changes` satisfies."""
    return PROPOSED_CHANGES_SCHEMA


@router.get("/{contract_id}")
async def read(contract_id: UUID, _: ReaderDep, engine: EngineDep) -> ContractPublic:
    """State and the full timeline: the issue's events, then the contract's."""
    async with engine.connect() as conn:
        row = await get_contract(conn, contract_id)
        if row is None:
            raise NotFound(f"contract {contract_id} does not exist", code="contract_not_found")
        streams = [issue_stream(row["issue_id"])]
        current: Any = row
        while current is not None:  # this version and every version it superseded
            streams.append(contract_stream(current["id"]))
            current = await get_contract(conn, current["supersedes_id"]) if current["supersedes_id"] else None
        timeline = [e for s in streams for e in await event_store.read_stream(conn, s)]
    timeline.sort(key=lambda e: e.id)
    return ContractPublic.model_validate({**dict(row), "timeline": timeline})


async def _decide(engine: EngineDep, client: Client, name: str, cmd: FounderCommand) -> DecisionResult:
    async with engine.connect() as conn:
        row = (await conn.execute(select(system_contracts.c.status, issues.c.workflow_id)
                                  .join(issues, issues.c.id == system_contracts.c.issue_id)
                                  .where(system_contracts.c.id == cmd.contract_id))).first()
    if row is None:
        raise NotFound(f"contract {cmd.contract_id} does not exist", code="contract_not_found")
    contract_status, workflow_id = row
    if contract_status in TERMINAL_CODES or contract_status in ("REJECTED", "COMPLETED", "FAILED"):
        raise Conflict(f"contract is {contract_status}", code=TERMINAL_CODES.get(contract_status,
                                                                                 "contract_wrong_state"),
                       details={"status": contract_status})
    try:
        result: DecisionResult = await client.get_workflow_handle(workflow_id).execute_update(
            name, cmd, result_type=DecisionResult)
        return result
    except WorkflowUpdateFailedError as exc:
        raise _refusal(exc) from exc
    except RPCError as exc:
        raise Conflict(f"the contract's lifecycle no longer accepts decisions: {exc.message}",
                       code="contract_wrong_state") from exc


def _refusal(exc: WorkflowUpdateFailedError) -> Exception:
    cause: BaseException | None = exc.cause
    while cause is not None and not isinstance(cause, ApplicationError):
        cause = cause.__cause__
    code = cause.type if isinstance(cause, ApplicationError) and cause.type else "decision_refused"
    message = cause.message if isinstance(cause, ApplicationError) else str(exc)
    if code in INVALID:
        return InvalidInput(message, code=code)
    return Conflict(message, code=code)


def _who(principal: Principal, contract_id: UUID) -> dict[str, Any]:
    return {"contract_id": contract_id, "founder_id": principal.id, "founder_role": principal.role.value}


@router.post("/{contract_id}/approve")
async def approve(contract_id: UUID, body: ApproveBody, founder: FounderDep, engine: EngineDep,
                  client: TemporalDep) -> DecisionResult:
    """Approve a DRAFT (founder only); execution waits for the activation window."""
    return await _decide(engine, client, "approve", ApproveContract(**_who(founder, contract_id), **dict(body)))


@router.post("/{contract_id}/reject")
async def reject(contract_id: UUID, body: RejectBody, founder: FounderDep, engine: EngineDep,
                 client: TemporalDep) -> DecisionResult:
    """Reject a DRAFT (founder only; terminal)."""
    return await _decide(engine, client, "reject", RejectContract(**_who(founder, contract_id), **dict(body)))


@router.post("/{contract_id}/clarify")
async def clarify(contract_id: UUID, body: ClarifyBody, founder: FounderDep, engine: EngineDep,
                  client: TemporalDep) -> DecisionResult:
    """Ask a question about a DRAFT; it stays DRAFT."""
    return await _decide(engine, client, "clarify", ClarifyContract(**_who(founder, contract_id), **dict(body)))


@router.post("/{contract_id}/modify-scope")
async def modify_scope(contract_id: UUID, body: ModifyScopeBody, founder: FounderDep, engine: EngineDep,
                       client: TemporalDep) -> DecisionResult:
    """Replace the proposed changes: a new DRAFT version; this one becomes SUPERSEDED."""
    parse_changes(body.proposed_changes)  # refuse a malformed scope here, with the schema's errors
    return await _decide(engine, client, "modify_scope", ModifyScope(**_who(founder, contract_id), **dict(body)))


@router.post("/{contract_id}/resolve-audit")
async def resolve_audit(contract_id: UUID, body: ResolveAuditBody, founder: FounderDep, engine: EngineDep,
                        client: TemporalDep) -> DecisionResult:
    """Resolve an INCONCLUSIVE audit: `rollout` or `rollback`."""
    return await _decide(engine, client, "resolve_audit", ResolveAudit(**_who(founder, contract_id), **dict(body)))
