"""A test call from the browser: an operator calls a tenant's agent (microphone, mute, keys, hang up) and watches
the call's transcript live, read from its events as they land."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, JSONResponse

from api.routers import voice_calls, webrtc
from api.ui.web import UiRoute, ViewerDep, posted_form
from api.widget import call_page_csp
from domain.errors import NotFound
from domain.voice.transcript import transcript
from infra.db.read_models import calls
from infra.db.tenants import get_tenant

router = APIRouter(prefix="/ui", route_class=UiRoute, include_in_schema=False)


@router.get("/tenants/{tenant_id}/test-call")
async def test_call_page(tenant_id: UUID, viewer: ViewerDep) -> HTMLResponse:
    """The test-call page for one tenant."""
    await viewer.check(webrtc.issue_webrtc_token, tenant_id, scoped=True)
    async with viewer.state.engine.connect() as conn:
        tenant = await get_tenant(conn, tenant_id)
    if tenant is None:
        raise NotFound(f"tenant {tenant_id} does not exist", code="tenant_not_found")
    response = viewer.render("test_call.html", tenant=tenant)
    response.headers["Content-Security-Policy"] = call_page_csp(viewer.state.settings)
    return response


@router.post("/tenants/{tenant_id}/test-call")
async def start_test_call(tenant_id: UUID, viewer: ViewerDep) -> JSONResponse:
    """A call token for the page's script (the API handler decides, with the same role check)."""
    await posted_form(viewer)
    await viewer.check(webrtc.issue_webrtc_token, tenant_id, scoped=True)
    grant = await webrtc.issue_webrtc_token(tenant_id, viewer.principal, viewer.state, viewer.state.clock())
    return JSONResponse(grant.model_dump(mode="json"), status_code=201, headers={"Cache-Control": "no-store"})


def _captured(events: list[Any]) -> dict[str, str]:
    return {str(e.payload.get("kind")): str(e.payload.get("value")) for e in events if e.type == "capture.confirmed"}


@router.get("/calls/{call_sid}/live")
async def live_call(call_sid: str, viewer: ViewerDep) -> JSONResponse:
    """A call's transcript and captured details so far (nothing until its first event lands)."""
    await viewer.check(voice_calls.read_call)
    async with viewer.state.engine.connect() as conn:
        events = await calls.call_events(conn, call_sid[:80])
    started = next((e for e in events if e.type == "call.started"), None)
    if started is not None:
        tenant = started.payload.get("tenant_id")
        await viewer.check(voice_calls.read_call, UUID(tenant) if tenant else None, scoped=True)
    ended = next((e for e in events if e.type == "call.ended"), None)
    body = {"call_sid": call_sid, "events": len(events), "captured": _captured(events),
            "lines": [line.model_dump(mode="json") for line in transcript(events)],
            "ended": ended.payload.get("reason") if ended is not None else None}
    return JSONResponse(body, headers={"Cache-Control": "no-store"})
