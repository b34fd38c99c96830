"""Browser calls: an operator's test-call token, and a tenant's public widgets (their tokens: api/widget/)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request, Response, status

from api.deps import EngineDep, NowDep, OperatorOrAdminDep, StateDep
from api.webrtc_calls import issue_call_token
from domain.errors import NotFound
from domain.voice.widgets import CallTokenPublic, WidgetCreate, WidgetPublic, WidgetsPublic
from infra.db.tenants import get_tenant
from infra.db.webrtc import Widget, create_widget, revoke_widget, widgets_of

router = APIRouter(prefix="/v1/tenants/{tenant_id}", tags=["webrtc"])


async def _tenant_exists(engine: EngineDep, tenant_id: UUID) -> None:
    async with engine.connect() as conn:
        if await get_tenant(conn, tenant_id) is None:
            raise NotFound(f"tenant {tenant_id} does not exist", code="tenant_not_found")


def embed_snippet(base_url: str, widget_id: str) -> str:
    """What the tenant pastes into its page: the widget's script, served by this app."""
    return f'<script src="{base_url.rstrip("/")}/widget/talk.js" data-widget="{widget_id}" defer></script>'


def public(widget: Widget, base_url: str) -> WidgetPublic:
    return WidgetPublic(widget_id=widget.widget_id, tenant_id=widget.tenant_id, label=widget.label,
                        allowed_origins=widget.allowed_origins, created_at=widget.created_at,
                        revoked_at=widget.revoked_at,
                        embed="" if widget.revoked_at else embed_snippet(base_url, widget.widget_id))


@router.post("/webrtc-token", status_code=status.HTTP_201_CREATED)
async def issue_webrtc_token(tenant_id: UUID, principal: OperatorOrAdminDep, state: StateDep,
                             now: NowDep) -> CallTokenPublic:
    """A one-use, one-minute token for a test call to the tenant's agent from the browser."""
    await _tenant_exists(state.engine, tenant_id)
    return issue_call_token(state.settings, tenant_id, "operator", str(principal.id), now)


@router.post("/widgets", status_code=status.HTTP_201_CREATED)
async def create_widget_route(tenant_id: UUID, body: WidgetCreate, request: Request, _: OperatorOrAdminDep,
                              engine: EngineDep, now: NowDep) -> WidgetPublic:
    """A public "talk to us" widget for the tenant's website (its id can only start calls to this tenant)."""
    await _tenant_exists(engine, tenant_id)
    async with engine.begin() as conn:
        widget = await create_widget(conn, tenant_id, body.label, body.allowed_origins, now)
    return public(widget, str(request.base_url))


@router.get("/widgets")
async def list_widgets(tenant_id: UUID, request: Request, _: OperatorOrAdminDep, engine: EngineDep) -> WidgetsPublic:
    """The tenant's widgets, revoked ones included."""
    await _tenant_exists(engine, tenant_id)
    async with engine.connect() as conn:
        widgets = await widgets_of(conn, tenant_id)
    return WidgetsPublic(tenant_id=tenant_id, widgets=[public(w, str(request.base_url)) for w in widgets])


@router.delete("/widgets/{widget_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_widget_route(tenant_id: UUID, widget_id: str, _: OperatorOrAdminDep, engine: EngineDep,
                              now: NowDep) -> Response:
    """Revoke a widget: it starts no more calls (calls in progress go on)."""
    async with engine.begin() as conn:
        if not await revoke_widget(conn, tenant_id, widget_id, now):
            raise NotFound(f"tenant {tenant_id} has no live widget {widget_id}", code="widget_not_found")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
