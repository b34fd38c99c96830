"""The public "talk to us" widget: its script, a page of its own, and the one public route that issues call tokens.

A widget id is public; it can start calls only to its own tenant, only from the origins listed for it (its own
page on this app always), and at most `TOKENS_PER_MINUTE` a minute. Nothing else here needs a key.
"""

from __future__ import annotations

import html
import time
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from api.errors import error_body
from api.state import AppState
from api.webrtc_calls import issue_call_token
from domain.voice.widgets import normalise_origin, origin_allowed
from infra.db.tenants import get_tenant
from infra.db.webrtc import widget as widget_row
from infra.settings import Settings

STATIC = Path(__file__).parent / "static"
TOKENS_PER_MINUTE = 30
JS = "application/javascript; charset=utf-8"


class TokenBudget:
    """At most `limit` tokens a minute per widget (a flood of calls is somebody else's bill)."""

    def __init__(self, limit: int = TOKENS_PER_MINUTE) -> None:
        self.limit = limit
        self._issued: dict[str, deque[float]] = {}

    def take(self, widget_id: str, now: float) -> bool:
        issued = self._issued.setdefault(widget_id, deque())
        while issued and issued[0] <= now - 60:
            issued.popleft()
        if len(issued) >= self.limit:
            return False
        issued.append(now)
        return True


def voice_origin(settings: Settings) -> str:
    """The voice worker's origin as browsers reach it (for the pages' connect-src)."""
    parts = urlsplit(settings.webrtc_offer_base)
    return f"{parts.scheme}://{parts.netloc}"


def call_page_csp(settings: Settings) -> str:
    """The CSP of a page that makes browser calls: our own scripts, fetches to us and to the voice worker."""
    return (f"default-src 'self'; connect-src 'self' {voice_origin(settings)}; img-src 'self' data:; "
            "style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


def _cors(origin: str | None) -> dict[str, str]:
    return {"Access-Control-Allow-Origin": origin or "*", "Access-Control-Allow-Methods": "POST, OPTIONS",
            "Access-Control-Max-Age": "600", "Vary": "Origin"}


def _own_origin(request: Request) -> str:
    return normalise_origin(str(request.base_url))


router = APIRouter(prefix="/widget", tags=["widget"])


@router.get("/talk.js", include_in_schema=False)
async def talk_js() -> Response:
    body = (STATIC / "revos-call.js").read_text() + "\n" + (STATIC / "talk.js").read_text()
    return Response(body, media_type=JS, headers={"Cache-Control": "public, max-age=300"})


@router.get("/revos-call.js", include_in_schema=False)
async def call_js() -> Response:
    return Response((STATIC / "revos-call.js").read_text(), media_type=JS,
                    headers={"Cache-Control": "public, max-age=300"})


@router.options("/{widget_id}/webrtc-token", include_in_schema=False)
async def token_preflight(request: Request) -> Response:
    return Response(status_code=204, headers=_cors(request.headers.get("origin")))


@router.post("/{widget_id}/webrtc-token", status_code=201, responses={
    201: {"description": "a one-use call token"}, 403: {"description": "origin_not_allowed"},
    404: {"description": "widget_not_found (or revoked)"}, 429: {"description": "too_many_calls"}})
async def widget_token(widget_id: str, request: Request) -> Response:
    """A one-use call token for the widget's tenant (public: the widget id and the page's origin are the check)."""
    state: AppState = request.app.state.revos
    origin = request.headers.get("origin")
    async with state.engine.connect() as conn:
        found = await widget_row(conn, widget_id[:80])
    if found is None or found.revoked_at is not None:
        return JSONResponse(error_body("widget_not_found", "no such widget"), status_code=404, headers=_cors(origin))
    own = origin is not None and origin_allowed(origin, [_own_origin(request)])
    if not own and not origin_allowed(origin, found.allowed_origins):
        return JSONResponse(error_body("origin_not_allowed", "this widget may not be used from this site"),
                            status_code=403, headers=_cors(origin))
    budget: TokenBudget = request.app.state.revos_widget_budget
    if not budget.take(widget_id, time.monotonic()):
        return JSONResponse(error_body("too_many_calls", "too many calls from this widget; try again shortly"),
                            status_code=429, headers={**_cors(origin), "Retry-After": "60"})
    grant = issue_call_token(state.settings, found.tenant_id, "widget", found.widget_id, state.clock())
    return JSONResponse(grant.model_dump(mode="json"), status_code=201, headers=_cors(origin))


@router.get("/{widget_id}", include_in_schema=False)
async def widget_page(widget_id: str, request: Request) -> Response:
    """The widget on a page of its own: a "talk to us" page for a tenant without a site of its own."""
    state: AppState = request.app.state.revos
    async with state.engine.connect() as conn:
        found = await widget_row(conn, widget_id[:80])
        tenant = await get_tenant(conn, found.tenant_id) if found is not None else None
    if found is None or found.revoked_at is not None or tenant is None:
        return HTMLResponse("<!doctype html><title>Not found</title><p>No such widget.</p>", status_code=404)
    name, wid = html.escape(tenant.name), html.escape(found.widget_id, quote=True)
    page = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Talk to {name}</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<link rel="stylesheet" href="/ui/static/app.css"></head>'
            f'<body><main><h1>Talk to {name}</h1><p>Press the button and speak: our assistant answers.</p></main>'
            f'<script src="/widget/talk.js" data-widget="{wid}" defer></script></body></html>')
    headers = {"Content-Security-Policy": call_page_csp(state.settings), "X-Content-Type-Options": "nosniff",
               "Referrer-Policy": "same-origin", "Cache-Control": "no-store"}
    return HTMLResponse(page, headers=headers)


def install_widget(app: FastAPI) -> None:
    app.state.revos_widget_budget = TokenBudget()
    app.include_router(router)
