"""The voice dashboards: a tenant's calls (the customer's page; operators see more on it), the operator's
platform page, and one call's timeline and transcript."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from api.routers import deliveries, phone_numbers, voice_calls, webrtc
from api.ui.charts import Series
from api.ui.pages.call_media import call_media
from api.ui.web import UiRoute, ViewerDep
from api.voice_health import line_status, probe_of
from domain.errors import NotFound
from domain.voice.messages import call_workflow_id
from domain.voice.transcript import transcript
from infra.db.read_models import bookings, calls, operations, recordings, rollups
from infra.db.tenants import get_tenant

router = APIRouter(prefix="/ui", route_class=UiRoute, include_in_schema=False)
DAYS = 30


def day_range(today: date, days: int) -> list[date]:
    return [today - timedelta(days=days - 1 - i) for i in range(days)]


def by_day(rows: list[Any], days: list[date], field: str) -> list[float | None]:
    found = {r.day: getattr(r, field) for r in rows}
    return [found.get(d) for d in days]


def volume_chart(rows: list[calls.DayCount], days: list[date]) -> dict[str, Any]:
    labels = [d.strftime("%d %b") for d in days]
    return {"labels": labels, "series": [Series("answered", [v or 0 for v in by_day(rows, days, "answered")]),
                                         Series("missed", [v or 0 for v in by_day(rows, days, "missed")])]}


def percentile_chart(rows: list[calls.PercentilePoint], days: list[date]) -> dict[str, Any]:
    labels = [d.strftime("%d %b") for d in days]
    return {"labels": labels, "series": [Series(p, by_day(rows, days, p)) for p in ("p50", "p95", "p99")],
            "samples": sum(r.samples for r in rows)}


def totals(rows: list[calls.DayCount]) -> dict[str, int]:
    keys = ("answered", "missed", "in_progress", "transfers", "leads")
    return {k: sum(getattr(r, k) for r in rows) for k in keys}


@router.get("/tenants/{tenant_id}")
async def tenant_page(tenant_id: UUID, viewer: ViewerDep) -> HTMLResponse:
    """One tenant's calls (smoke calls left out): answered vs missed, leads, bookings, transfers, the line's
    status, recent calls."""
    await viewer.check(voice_calls.list_calls, tenant_id, scoped=True)
    now, state = viewer.state.clock(), viewer.state
    async with state.engine.connect() as conn:
        tenant = await get_tenant(conn, tenant_id)
        if tenant is None:
            raise NotFound(f"tenant {tenant_id} does not exist", code="tenant_not_found")
        daily = await calls.daily_counts(conn, now - timedelta(days=DAYS), tenant.timezone, tenant_id)
        recent = await calls.recent_calls(conn, tenant_id, 25)
        leads = await calls.leads(conn, tenant_id, 25)
        numbers = [str(n["number"]) for n in await calls.tenant_numbers(conn, tenant_id)]
        operator_view = viewer.can(phone_numbers.list_numbers)
        versions = await calls.calls_by_config_version(conn, tenant_id) if operator_view else []
        recorded = await recordings.recent_recordings(conn, tenant_id)
        booked = await bookings.bookings(conn, tenant_id, now - timedelta(days=DAYS), 25)
    line = line_status(await probe_of(viewer.request.app.state, state.settings).check(now), numbers)
    days = day_range(now.astimezone(ZoneInfo(tenant.timezone)).date(), DAYS)
    return viewer.render("tenant.html", tenant=tenant, line=line, volume=volume_chart(daily, days),
                         totals=totals(daily), recent=recent, leads=leads, days=DAYS, versions=versions,
                         operator_view=operator_view, recorded=recorded, bookings=booked,
                         test_call=viewer.can(webrtc.issue_webrtc_token))


@router.get("/operator")
async def operator_page(viewer: ViewerDep) -> HTMLResponse:
    """The platform: volume, latency percentiles, barge-in, objective completion, tenant health."""
    await viewer.check(voice_calls.tenant_health)
    now, state = viewer.state.clock(), viewer.state
    days = day_range(now.astimezone(UTC).date(), DAYS)
    async with state.engine.begin() as conn:  # closed days not rolled up yet are, on the way
        live = await rollups.refresh(conn, days[0], now)
        daily = await rollups.daily_counts(conn, days[0], live)
        v2v = await rollups.latency_daily(conn, "voice_to_voice", days[0], live)
        barge = await rollups.latency_daily(conn, "barge_in", days[0], live)
        objectives = await rollups.objective_completion(conn, days[0], live)
        health = await rollups.tenant_health(conn, days[-7], live, now)
        recent = await calls.recent_calls(conn, None, 15)
        names = await calls.tenant_names(conn)
        failures = await operations.delivery_failures(conn, now - timedelta(days=DAYS))
        costs = await operations.cost_per_minute(conn, days[0])
    voice = await probe_of(viewer.request.app.state, state.settings).check(now)
    return viewer.render("operator.html", volume=volume_chart(daily, days), totals=totals(daily),
                         v2v=percentile_chart(v2v, days), barge=percentile_chart(barge, days),
                         objectives=objectives, health=health, recent=recent, names=names, voice=voice, days=DAYS,
                         test_call=viewer.can(webrtc.issue_webrtc_token),
                         failures=failures, costs=costs, components=sorted({c for t in costs for c in t.components}),
                         can_redrive=viewer.can(deliveries.redrive),
                         notice=viewer.request.query_params.get("notice"))


def _turn_latencies(events: list[Any]) -> list[tuple[str, float]]:
    return [(f"#{e.seq}", float(e.payload["voice_to_voice_ms"])) for e in events
            if e.type == "agent.utterance.started" and isinstance(e.payload.get("voice_to_voice_ms"), int | float)]


@router.get("/calls/{call_sid}")
async def call_page(call_sid: str, viewer: ViewerDep, replay: bool = False,
                    config_version: Annotated[str, Query(pattern=r"^\d{0,9}$")] = "") -> HTMLResponse:
    """One call: summary, transcript, objectives, transfer trace, per-turn latency, every event, its recording and
    (`?replay=1`, operators) its replay, on its pinned graph or `config_version`."""
    await viewer.check(voice_calls.read_call)
    async with viewer.state.engine.connect() as conn:
        row = await calls.call_row(conn, call_sid)
        if row is None:
            raise NotFound(f"call {call_sid} has no events", code="call_not_found")
        await viewer.check(voice_calls.read_call, row.tenant_id, scoped=True)
        events = await calls.call_events(conn, call_sid)
        objectives = await calls.call_objective_rows(conn, call_sid)
        tenant = await get_tenant(conn, row.tenant_id) if row.tenant_id else None
    latencies = _turn_latencies(events)
    chart = {"labels": [label for label, _ in latencies], "series": [Series("voice-to-voice",
                                                                           [v for _, v in latencies])]}
    return viewer.render("call.html", call=row, tenant=tenant, events=events, lines=transcript(events),
                         objectives=objectives, transfers=[e for e in events if e.type.startswith("transfer.")],
                         latency=chart, workflow_id=call_workflow_id(call_sid),
                         operator_view=viewer.can(phone_numbers.list_numbers), last_event=_last(events),
                         **await call_media(viewer, call_sid, events, replay, int(config_version or 0) or None))


def _last(events: list[Any]) -> datetime | None:
    return events[-1].occurred_at if events else None
