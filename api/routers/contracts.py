"""Contracts: the founder's review queue and decisions (Temporal updates), state and timeline."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal, TypeVar
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client
from temporalio.workflow import UpdateMethodMultiParam

from api.deps import EngineDep, FounderDep, NowDep, StateDep, TemporalDep, require
from api.state import AppState
from domain.auth import Principal, Role
from domain.errors import Conflict, NotFound
from domain.events import RecordedEvent
from domain.governance.approvals import ApprovalClaims, key_id_for, sign
from domain.governance.changes import PROPOSED_CHANGES_SCHEMA, parse_changes
from domain.governance.contracts import ContractStatus, ExecutionConstraints, FounderAction
from domain.governance.messages import (
    AnswerClarification,
    ApproveContract,
    ClarifyContract,
    DecisionResult,
    FounderCommand,
    ModifyScope,
    RejectContract,
    ResolveAudit,
)
from domain.text import RequiredText, SafeJson, SafeText
from infra.approval_secret import approval_secret
from infra.db import event_store
from infra.db.governance_repo import contract_stream, get_contract, issue_stream
from infra.db.tables_governance import issues, system_contracts
from workflows.contract_lifecycle import ContractLifecycleWorkflow

router = APIRouter(prefix="/v1/contracts", tags=["governance"])
ReaderDep = Annotated[Principal, Depends(require(Role.FOUNDER, Role.ADMIN, Role.OPERATOR))]
SourceDep = Annotated[Principal, Depends(require(Role.SERVICE, Role.OPERATOR))]  # who files issues answers them
TERMINAL_CODES = {"EXPIRED": "contract_expired", "SUPERSEDED": "contract_superseded"}
C = TypeVar("C", bound=FounderCommand)
Decision = UpdateMethodMultiParam[[ContractLifecycleWorkflow, C], DecisionResult]  # a founder-decision update


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
    ttl_seconds_left: float | None = Field(default=None, description="a DRAFT's time left before it expires")
    open_question: str | None = Field(default=None, description="the founder's clarify, until it is answered")
    timeline: list[RecordedEvent] = Field(default_factory=list)


class ContractsPublic(BaseModel):
    items: list[ContractPublic]
    count: int


class ApproveBody(BaseModel):
    note: SafeText | None = None
    execution_constraints: ExecutionConstraints | None = None


class RejectBody(BaseModel):
    reason: RequiredText


class ClarifyBody(BaseModel):
    question: RequiredText


class ModifyScopeBody(BaseModel):
    proposed_changes: SafeJson = Field(json_schema_extra={"example": {"changes": [
        {"capability": "dialer", "key": "max_calls_per_hour", "value": 150}]}},
        description="must satisfy GET /v1/contracts/schema/proposed-changes")
    note: SafeText | None = None


class ClarificationBody(BaseModel):
    answer: RequiredText


class ResolveAuditBody(BaseModel):
    resolution: Literal["rollout", "rollback"]
    note: SafeText | None = None


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


def _open_question(timeline: list[RecordedEvent]) -> str | None:
    question: str | None = None
    for event in timeline:
        if event.type == "contract.clarification_requested":
            question = str(event.payload.get("question"))
        elif event.type in ("contract.clarification_answered", "contract.superseded"):
            question = None
    return question


@router.get("/{contract_id}")
async def read(contract_id: UUID, _: ReaderDep, engine: EngineDep, now: NowDep) -> ContractPublic:
    """State, the TTL left of a DRAFT, an open question, and the full timeline: the issue's events, then the
    contract's."""
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
    draft = row["status"] == ContractStatus.DRAFT
    left = max(0.0, (row["expires_at"] - now).total_seconds()) if draft else None
    return ContractPublic.model_validate({**dict(row), "timeline": timeline, "ttl_seconds_left": left,
                                          "open_question": _open_question(timeline) if draft else None})


async def _workflow_of(engine: AsyncEngine, contract_id: UUID) -> tuple[str, int, str]:
    """(status, version, workflow id) of a contract that can still be decided; 404 or 409 otherwise."""
    async with engine.connect() as conn:
        row = (await conn.execute(select(system_contracts.c.status, system_contracts.c.version, issues.c.workflow_id)
                                  .join(issues, issues.c.id == system_contracts.c.issue_id)
                                  .where(system_contracts.c.id == contract_id))).first()
    if row is None:
        raise NotFound(f"contract {contract_id} does not exist", code="contract_not_found")
    contract_status, version, workflow_id = row
    if contract_status in TERMINAL_CODES or contract_status in ("REJECTED", "COMPLETED", "FAILED"):
        raise Conflict(f"contract is {contract_status}", code=TERMINAL_CODES.get(contract_status,
                                                                                 "contract_wrong_state"),
                       details={"status": contract_status})
    return str(contract_status), int(version), str(workflow_id)


async def _decide(state: AppState, client: Client, update: Decision[C], cmd: C, action: FounderAction,
                  now: datetime) -> DecisionResult:
    """Sign the founder's decision and send it to the contract's lifecycle; its refusals map in api/errors.py."""
    _, version, workflow_id = await _workflow_of(state.engine, cmd.contract_id)
    secret = approval_secret(state.settings)
    approval = sign(secret, ApprovalClaims(
        key_id=key_id_for(secret), action=action, founder_id=cmd.founder_id, contract_id=cmd.contract_id,
        version=version, expires_at=now + timedelta(seconds=state.settings.governance_approval_ttl_seconds)))
    signed = cmd.model_copy(update={"approval": approval})
    return await client.get_workflow_handle(workflow_id).execute_update(update, signed)


def _who(principal: Principal, contract_id: UUID) -> dict[str, Any]:
    return {"contract_id": contract_id, "founder_id": principal.id, "founder_role": principal.role.value}


@router.post("/{contract_id}/approve")
async def approve(contract_id: UUID, body: ApproveBody, founder: FounderDep, state: StateDep,
                  client: TemporalDep, now: NowDep) -> DecisionResult:
    """Approve a DRAFT (founder only); execution waits for the activation window."""
    cmd = ApproveContract(**_who(founder, contract_id), **dict(body))
    return await _decide(state, client, ContractLifecycleWorkflow.approve, cmd, "approve", now)


@router.post("/{contract_id}/reject")
async def reject(contract_id: UUID, body: RejectBody, founder: FounderDep, state: StateDep,
                 client: TemporalDep, now: NowDep) -> DecisionResult:
    """Reject a DRAFT (founder only; terminal)."""
    cmd = RejectContract(**_who(founder, contract_id), **dict(body))
    return await _decide(state, client, ContractLifecycleWorkflow.reject, cmd, "reject", now)


@router.post("/{contract_id}/clarify")
async def clarify(contract_id: UUID, body: ClarifyBody, founder: FounderDep, state: StateDep,
                  client: TemporalDep, now: NowDep) -> DecisionResult:
    """Ask a question about a DRAFT; it stays DRAFT."""
    cmd = ClarifyContract(**_who(founder, contract_id), **dict(body))
    return await _decide(state, client, ContractLifecycleWorkflow.clarify, cmd, "clarify", now)


@router.post("/{contract_id}/modify-scope")
async def modify_scope(contract_id: UUID, body: ModifyScopeBody, founder: FounderDep, state: StateDep,
                       client: TemporalDep, now: NowDep) -> DecisionResult:
    """Replace the proposed changes: a new DRAFT version; this one becomes SUPERSEDED."""
    parse_changes(body.proposed_changes)  # refuse a malformed scope here, with the schema's errors
    cmd = ModifyScope(**_who(founder, contract_id), **dict(body))
    return await _decide(state, client, ContractLifecycleWorkflow.modify_scope, cmd, "modify_scope", now)


@router.post("/{contract_id}/resolve-audit")
async def resolve_audit(contract_id: UUID, body: ResolveAuditBody, founder: FounderDep, state: StateDep,
                        client: TemporalDep, now: NowDep) -> DecisionResult:
    """Resolve an INCONCLUSIVE audit: `rollout` or `rollback`."""
    cmd = ResolveAudit(**_who(founder, contract_id), **dict(body))
    return await _decide(state, client, ContractLifecycleWorkflow.resolve_audit, cmd, "resolve_audit", now)


@router.post("/{contract_id}/clarification")
async def answer_clarification(contract_id: UUID, body: ClarificationBody, source: SourceDep, engine: EngineDep,
                               client: TemporalDep) -> DecisionResult:
    """The issue's source (a service or an operator) answers the founder's question; the contract stays DRAFT."""
    _, _, workflow_id = await _workflow_of(engine, contract_id)
    cmd = AnswerClarification(contract_id=contract_id, answered_by=source.id, role=source.role.value,
                              answer=body.answer)
    return await client.get_workflow_handle(workflow_id).execute_update(ContractLifecycleWorkflow.answer_clarification,
                                                                        cmd)
