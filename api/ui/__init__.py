"""The dashboards at /ui: server-rendered pages over the events and read models, assets served by the app."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from api.routers import ROUTERS, contracts, experiments, kernel, reports, voice_calls
from api.ui.access import Access
from api.ui.pages import admin, auth, call_media, configs, founder, operations, tenant_settings, test_call, voice
from api.ui.web import NavItem, SignInRequired, Ui
from domain.auth import Principal
from infra.settings import Settings

STATIC = Path(__file__).parent / "static"


def nav_for(principal: Principal) -> list[NavItem]:
    """Every page the frame may link; each shows only to the roles its API route admits."""
    items = []
    if principal.tenant_id is not None:
        items.append(NavItem("Calls", f"/ui/tenants/{principal.tenant_id}", voice_calls.list_calls))
    return items + [
        NavItem("Operator", "/ui/operator", voice_calls.tenant_health),
        NavItem("Founder", "/ui/founder", contracts.list_contracts),
        NavItem("Capital", "/ui/admin", experiments.list_),
        NavItem("Weekly summary", "/ui/admin/weekly", reports.weekly_summary),
        NavItem("Kernel", "/ui/admin/kernel", kernel.read_cycle),
    ]


def install_ui(app: FastAPI, settings: Settings) -> None:
    app.state.revos_ui = Ui(settings, Access(ROUTERS), nav_for)
    app.mount("/ui/static", StaticFiles(directory=str(STATIC)), name="ui-static")
    for module in (auth, voice, founder, admin, call_media, test_call, tenant_settings, configs, operations):
        app.include_router(module.router)

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: SignInRequired) -> RedirectResponse:
        return RedirectResponse(f"/ui/login?next={quote(exc.next_path, safe='/')}", status_code=303)
