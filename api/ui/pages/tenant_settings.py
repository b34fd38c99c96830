"""The customer's edits: business hours, holidays, escalation number, notification e-mails.

Saving runs the API's own `PATCH /v1/tenants/{id}/settings` handler (a new version derived from the active one,
compiled by the same compiler, onboarded by TenantOnboardingWorkflow); the page then follows that run through
the API's progress handler until the version is live or a stage refused it.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from api.errors import status_for
from api.routers import onboarding, phone_numbers, tenant_configs
from api.ui.web import UiRoute, Viewer, ViewerDep, posted_form
from domain.errors import DomainError, NotFound
from domain.objectives.config import TenantConfig
from domain.onboarding.messages import onboarding_workflow_id
from domain.onboarding.versions import recompile
from infra.db import tenant_configs as repo
from infra.db.tenants import get_tenant

router = APIRouter(prefix="/ui/tenants", route_class=UiRoute, include_in_schema=False)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SPLIT = re.compile(r"[\s,;]+")


def _items(text: str) -> list[str]:
    return [item for item in SPLIT.split(text.strip()) if item]


def change_from_form(form: dict[str, str]) -> dict[str, Any]:
    """The PATCH body the form stands for: every field is sent, so what the page shows is what is saved."""
    hours = {day: _items(form.get(f"hours_{day}", "")) for day in DAYS}
    return {"hours": {day: ranges for day, ranges in hours.items() if ranges},
            "holidays": _items(form.get("holidays", "")),
            "transfer_to": form.get("transfer_to", "").strip() or None,
            "emails": _items(form.get("emails", ""))}


def form_values(config: TenantConfig | None) -> dict[str, Any]:
    if config is None:
        return {"hours": {}, "holidays": "", "transfer_to": "", "emails": ""}
    return {"hours": {d: ", ".join(getattr(config.business.hours, d) or []) for d in DAYS},
            "holidays": "\n".join(config.business.holidays), "transfer_to": config.escalation.transfer_to or "",
            "emails": "\n".join(config.notifications.emails)}


async def _progress(viewer: Viewer, workflow_id: str) -> onboarding.OnboardingPublic:
    return await onboarding.progress(workflow_id, viewer.request, viewer.principal, viewer.state,
                                     await viewer.state.temporal.get())


async def _latest_run(viewer: Viewer, workflow_id: str) -> onboarding.OnboardingPublic | None:
    try:
        return await _progress(viewer, workflow_id)
    except NotFound:  # uploaded by an operator, never onboarded
        return None


async def _page(viewer: Viewer, tenant_id: UUID, *, values: dict[str, Any] | None = None,
                refusal: DomainError | None = None, status: int = 200) -> HTMLResponse:
    async with viewer.state.engine.connect() as conn:
        tenant = await get_tenant(conn, tenant_id)
        if tenant is None:
            raise NotFound(f"tenant {tenant_id} does not exist", code="tenant_not_found")
        active = await repo.active_stored(conn, tenant_id)
        newest = await repo.list_versions(conn, tenant_id)
    config = recompile(active.canonical, active.hash).config if active else None
    run_id = viewer.request.query_params.get("run")
    if run_id is None and newest and (active is None or newest[-1].version > active.version):
        run_id = onboarding_workflow_id(tenant_id, newest[-1].version)  # a change not live (yet): how it went
        run = await _latest_run(viewer, run_id) if refusal is None else None
    else:
        run = await _progress(viewer, run_id) if run_id and refusal is None else None
    response = viewer.render("settings.html", tenant=tenant, active=active, days=DAYS,
                             values=values or form_values(config), refusal=refusal, run=run,
                             notice=viewer.request.query_params.get("notice"),
                             operator_view=viewer.can(phone_numbers.list_numbers),
                             history=viewer.can(tenant_configs.list_configs))
    response.status_code = status
    return response


@router.get("/{tenant_id}/settings")
async def settings_page(tenant_id: UUID, viewer: ViewerDep) -> HTMLResponse:
    """The tenant's settings as the active version has them, and the progress of a change being onboarded."""
    await viewer.check(onboarding.change_settings, tenant_id, scoped=True)
    return await _page(viewer, tenant_id)


@router.post("/{tenant_id}/settings")
async def save_settings(tenant_id: UUID, viewer: ViewerDep) -> Response:
    """Save through the API's handler; a refusal (compile errors, no active version) is shown on the form."""
    await viewer.check(onboarding.change_settings, tenant_id, scoped=True)
    form = await posted_form(viewer)
    body = change_from_form(form)
    try:
        started = await onboarding.change_settings(tenant_id, viewer.request, viewer.principal, viewer.state,
                                                   await viewer.state.temporal.get(), Response(), body)
    except DomainError as refused:
        values = {"hours": {d: form.get(f"hours_{d}", "") for d in DAYS},
                  **{k: form.get(k, "") for k in ("holidays", "transfer_to", "emails")}}
        return await _page(viewer, tenant_id, values=values, refusal=refused, status=status_for(refused))
    if started.workflow_id is None:
        notice = quote(f"nothing changed: version {started.version} already has these settings")
        return RedirectResponse(f"/ui/tenants/{tenant_id}/settings?notice={notice}", status_code=303)
    return RedirectResponse(f"/ui/tenants/{tenant_id}/settings?run={quote(started.workflow_id)}", status_code=303)
