"""Kernel cycles: run one from a KernelInput body, read a stored one, set a tenant's policy, trigger one."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from api.deps import EngineDep, NowDep, StateDep, TemporalDep, require
from api.input_guard import Refusal
from domain.auth import Principal, Role
from domain.errors import NotFound
from domain.kernel.assembly import KernelPolicy
from domain.kernel.inputs import KernelInput
from domain.kernel.outputs import KernelError, KernelOutput, dump_contract
from infra.db.kernel_store import execute_cycle, get_cycle, record_policy, tenant_exists
from infra.temporal.kernel_schedule import ensure_daily_schedule, start_manual_cycle

router = APIRouter(prefix="/v1/kernel", tags=["kernel"])
CycleRoles = Annotated[Principal, Depends(require(Role.ADMIN, Role.FOUNDER, Role.SERVICE))]
PolicyRoles = Annotated[Principal, Depends(require(Role.ADMIN, Role.FOUNDER))]

_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": KernelError, "description": code} for code, status in
    {"INVALID_INPUT": 400, "TENANT_NOT_FOUND": 404, "INSUFFICIENT_DATA": 422, "CYCLE_TOO_RECENT": 429,
     "INTERNAL_ERROR": 500}.items()
}


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """The schema with every `#/$defs/X` reference replaced by X itself (KernelInput has no cycles)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


_INPUT_SCHEMA = KernelInput.model_json_schema()
_BODY = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": _inline(_INPUT_SCHEMA, _INPUT_SCHEMA.get("$defs", {}))}}}}


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _parse_body(raw: bytes) -> Any:
    """The JSON body, or INVALID_INPUT for what JSON (and so the stored input) cannot hold: NaN, NUL."""
    try:
        payload = json.loads(raw, parse_constant=_refuse_constant)
    except ValueError as error:
        return KernelError(code="INVALID_INPUT", message=f"the body is not valid JSON: {error}"[:300])
    if b"\\u0000" in raw:
        return KernelError(code="INVALID_INPUT", message="the body contains a NUL character (\\u0000)")
    return payload


def guard_refusal(refusal: Refusal) -> JSONResponse:
    """The input guard's refusal on the contract route, in the contract's shape (INVALID_INPUT, 400)."""
    return _answer(KernelError(code="INVALID_INPUT", message=refusal.message[:300],
                               details={"code": refusal.code, "path": refusal.path}))


def _answer(result: KernelOutput | KernelError) -> JSONResponse:
    status = 200 if isinstance(result, KernelOutput) else result.http_status
    return JSONResponse(dump_contract(result), status_code=status)


@router.post("/cycles", response_model=KernelOutput, responses=_ERROR_RESPONSES, openapi_extra=_BODY)
async def run_cycle(request: Request, _: CycleRoles, engine: EngineDep, now: NowDep) -> JSONResponse:
    """Run one kernel cycle on a KernelInput: 200 KernelOutput, or the contract's KernelError and status."""
    payload = _parse_body(await request.body())
    if isinstance(payload, KernelError):
        return _answer(payload)
    async with engine.begin() as conn:
        stored = await execute_cycle(conn, payload, cycle_id=uuid.uuid4(), now=now)
    return _answer(stored.result)


@router.get("/cycles/{cycle_id}")
async def read_cycle(cycle_id: UUID, _: CycleRoles, engine: EngineDep) -> dict[str, Any]:
    """A stored cycle: its input and its KernelOutput or KernelError."""
    async with engine.connect() as conn:
        stored = await get_cycle(conn, cycle_id)
    if stored is None:
        raise NotFound(f"kernel cycle {cycle_id} does not exist", code="cycle_not_found")
    return {"cycle_id": str(stored.cycle_id), "tenant_id": str(stored.tenant_id) if stored.tenant_id else None,
            "status": stored.status, "executed_at": stored.executed_at.isoformat(), "input": stored.input,
            "output": dump_contract(stored.result)}


@router.put("/tenants/{tenant_id}/policy")
async def set_policy(tenant_id: UUID, body: KernelPolicy, _: PolicyRoles, state: StateDep, now: NowDep,
                     client: TemporalDep) -> dict[str, Any]:
    """Record the tenant's targets and guardrails and ensure its daily cycle schedule."""
    async with state.engine.begin() as conn:
        if not await tenant_exists(conn, tenant_id):
            raise NotFound(f"tenant {tenant_id} does not exist", code="tenant_not_found")
        await record_policy(conn, tenant_id, body.model_dump(mode="json", exclude_none=True), now)
    schedule = await ensure_daily_schedule(client, state.settings, tenant_id)
    return {"tenant_id": str(tenant_id), "schedule_id": schedule, "policy": body.model_dump(mode="json",
                                                                                            exclude_none=True)}


@router.post("/tenants/{tenant_id}/cycles", responses=_ERROR_RESPONSES)
async def trigger_cycle(tenant_id: UUID, _: CycleRoles, state: StateDep, client: TemporalDep) -> JSONResponse:
    """Run a manual cycle from stored data (KernelCycleWorkflow); 202 with the workflow id if it takes too long."""
    handle = await start_manual_cycle(client, state.settings, tenant_id, source="api_manual")
    try:
        result = await asyncio.wait_for(handle.result(), state.settings.kernel_manual_wait_seconds)
    except TimeoutError:
        return JSONResponse({"workflow_id": handle.id, "status": "running",
                             "message": "the cycle is still running; its result will be stored"}, status_code=202)
    return JSONResponse(result.cycle.result, status_code=result.cycle.http_status)
