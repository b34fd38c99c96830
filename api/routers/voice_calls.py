"""Calls as the dashboards see them: the calls read model, one call's events and transcript, platform figures.

Customers read only their own tenant's calls; the platform-wide figures are for operators and admins.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from api.deps import NowDep, OperatorOrAdminDep, StateDep, ensure_tenant, require
from api.voice_health import LineStatus, line_status, probe_of
from domain.auth import Principal, Role
from domain.errors import NotFound
from domain.events import RecordedEvent
from domain.voice.messages import call_workflow_id
from domain.voice.transcript import TranscriptLine, transcript
from infra.db.read_models import calls, rollups
from infra.db.tenants import get_tenant

router = APIRouter(prefix="/v1/voice", tags=["voice: calls"])
CallReaderDep = Annotated[Principal, Depends(require(Role.OPERATOR, Role.ADMIN, Role.CUSTOMER))]
Days = Annotated[int, Query(ge=1, le=366)]
METRICS: tuple[calls.Metric, ...] = ("voice_to_voice", "barge_in")


class CallDetail(BaseModel):
    call: calls.CallRow
    workflow_id: str
    objectives: list[dict[str, Any]]
    transcript: list[TranscriptLine]
    events: list[RecordedEvent]


async def _tenant_tz(state: StateDep, tenant_id: UUID) -> str:
    async with state.engine.connect() as conn:
        tenant = await get_tenant(conn, tenant_id)
    if tenant is None:
        raise NotFound(f"tenant {tenant_id} does not exist", code="tenant_not_found")
    return tenant.timezone


@router.get("/calls")
async def list_calls(request: Request, state: StateDep, principal: CallReaderDep, tenant_id: UUID | None = None,
                     limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[calls.CallRow]:
    """The newest calls of a tenant (customers: their own, `tenant_id` required) or of the platform."""
    if principal.role is Role.CUSTOMER or tenant_id is not None:
        await ensure_tenant(request, state, principal, tenant_id)
    async with state.engine.connect() as conn:
        return await calls.recent_calls(conn, tenant_id, limit)


@router.get("/calls/daily")
async def daily(request: Request, state: StateDep, principal: CallReaderDep, now: NowDep, tenant_id: UUID,
                days: Days = 30) -> list[calls.DayCount]:
    """Calls answered, missed and in progress per day (the tenant's days), with transfers and leads."""
    await ensure_tenant(request, state, principal, tenant_id)
    tz = await _tenant_tz(state, tenant_id)
    async with state.engine.connect() as conn:
        return await calls.daily_counts(conn, now - timedelta(days=days), tz, tenant_id)


@router.get("/leads")
async def leads(request: Request, state: StateDep, principal: CallReaderDep, tenant_id: UUID,
                limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[calls.CallRow]:
    """The newest calls that captured values (the lead: name, phone, e-mail, ...)."""
    await ensure_tenant(request, state, principal, tenant_id)
    async with state.engine.connect() as conn:
        return await calls.leads(conn, tenant_id, limit)


@router.get("/calls/{call_sid}")
async def read_call(call_sid: str, request: Request, state: StateDep, principal: CallReaderDep) -> CallDetail:
    """One call: its summary, objectives, transcript and every event in order."""
    async with state.engine.connect() as conn:
        row = await calls.call_row(conn, call_sid)
        if row is None:
            raise NotFound(f"call {call_sid} has no events", code="call_not_found")
        await ensure_tenant(request, state, principal, row.tenant_id)
        events = await calls.call_events(conn, call_sid)
        objectives = await calls.call_objective_rows(conn, call_sid)
    return CallDetail(call=row, workflow_id=call_workflow_id(call_sid), objectives=objectives,
                      transcript=transcript(events), events=events)


@router.get("/tenants/{tenant_id}/line")
async def read_line(tenant_id: UUID, request: Request, state: StateDep, principal: CallReaderDep, now: NowDep
                    ) -> LineStatus:
    """Whether the tenant's line answers: a number routed to it and the voice worker up."""
    await ensure_tenant(request, state, principal, tenant_id)
    async with state.engine.connect() as conn:
        numbers = [str(n["number"]) for n in await calls.tenant_numbers(conn, tenant_id)]
    return line_status(await probe_of(request.app.state, state.settings).check(now), numbers)


def first_day(now: datetime, days: int) -> date:
    """The first of the last `days` UTC days, today included."""
    return now.astimezone(UTC).date() - timedelta(days=days - 1)


@router.get("/tenants")
async def tenant_health(_: OperatorOrAdminDep, state: StateDep, now: NowDep, days: Days = 7
                        ) -> list[calls.TenantHealth]:
    """Every tenant's numbers, calls and failures over the last `days` UTC days, p95 voice-to-voice over 24 h."""
    async with state.engine.begin() as conn:
        start = first_day(now, days)
        return await rollups.tenant_health(conn, start, await rollups.refresh(conn, start, now), now)


@router.get("/latency")
async def latency(_: OperatorOrAdminDep, state: StateDep, now: NowDep, days: Days = 30,
                  tenant_id: UUID | None = None) -> dict[str, list[calls.PercentilePoint]]:
    """Voice-to-voice and barge-in reaction p50/p95/p99 per UTC day (ms), of the platform or one tenant."""
    start = first_day(now, days)
    async with state.engine.begin() as conn:
        if tenant_id is not None:
            return {m: await calls.latency_daily(conn, m, rollups.midnight(start), tenant_id) for m in METRICS}
        live = await rollups.refresh(conn, start, now)
        return {m: await rollups.latency_daily(conn, m, start, live) for m in METRICS}


@router.get("/objectives")
async def objectives(_: OperatorOrAdminDep, state: StateDep, now: NowDep, days: Days = 30,
                     tenant_id: UUID | None = None) -> list[dict[str, Any]]:
    """Objective completion per tenant and objective: pursued, completed (confirmed or chosen), failed, declined."""
    start = first_day(now, days)
    async with state.engine.begin() as conn:
        rows = (await calls.objective_completion(conn, rollups.midnight(start), tenant_id) if tenant_id
                else await rollups.objective_completion(conn, start, await rollups.refresh(conn, start, now)))
    return [{**r.model_dump(mode="json"), "rate": r.rate} for r in rows]
