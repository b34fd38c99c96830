"""A tenant's configuration versions: history, the diff between two, the calls each ran, onboarding runs with
their stages and smoke results, and rollback (the API's activate handler: only smoke-passed versions)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from api.routers import onboarding, phone_numbers, tenant_configs
from api.ui.web import UiRoute, Viewer, ViewerDep, posted_form
from domain.errors import InvalidInput, NotFound
from domain.onboarding.diff import diff_documents
from domain.onboarding.messages import onboarding_workflow_id
from domain.onboarding.versions import MAX_VERSION, StoredVersion
from infra.db import tenant_configs as repo
from infra.db.read_models import calls, operations
from infra.db.tenants import get_tenant

router = APIRouter(prefix="/ui/tenants", route_class=UiRoute, include_in_schema=False)
RUNS_SHOWN = 8


def _number(text: str | None) -> int | None:
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_VERSION:
        raise InvalidInput(f"{text[:20]!r} is not a version number", code="validation_error")
    return int(text)


def pick_pair(versions: list[StoredVersion], active: int | None, a: int | None, b: int | None
              ) -> tuple[StoredVersion, StoredVersion] | None:
    """The two versions to compare: as asked, else the active (or latest) one against the one it came from."""
    by_number = {v.version: v for v in versions}
    right = by_number.get(b) if b else by_number.get(active or 0) or (versions[-1] if versions else None)
    if right is None:
        return None
    default_left = right.derived_from or right.version - 1
    left = by_number.get(a) if a else by_number.get(default_left)
    return (left, right) if left is not None and left.version != right.version else None


async def runs_of(viewer: Viewer, tenant_id: UUID, versions: list[StoredVersion]) -> list[Any]:
    """Each recent version's latest onboarding run, read through the API's progress handler."""
    if not versions:
        return []
    client = await viewer.state.temporal.get()
    found = []
    for v in reversed(versions[-RUNS_SHOWN:]):
        try:
            found.append(await onboarding.progress(onboarding_workflow_id(tenant_id, v.version), viewer.request,
                                                   viewer.principal, viewer.state, client))
        except NotFound:
            continue  # uploaded, never onboarded
    return found


@router.get("/{tenant_id}/configs")
async def configs_page(tenant_id: UUID, viewer: ViewerDep) -> HTMLResponse:
    """Version history with the diff between two versions, calls per version, onboarding runs, rollback."""
    await viewer.check(tenant_configs.list_configs, tenant_id, scoped=True)
    query = viewer.request.query_params
    async with viewer.state.engine.connect() as conn:
        tenant = await get_tenant(conn, tenant_id)
        if tenant is None:
            raise NotFound(f"tenant {tenant_id} does not exist", code="tenant_not_found")
        versions = await repo.list_versions(conn, tenant_id)
        active = await repo.active_version(conn, tenant_id)
        passed = await repo.smoke_passed_versions(conn, tenant_id)
        activations = await repo.activations(conn, tenant_id)
        used = await calls.calls_by_config_version(conn, tenant_id)
        sample = await operations.calls_per_version(conn, tenant_id, used)
        uses = {u.config_version: u for u in used}
        smoke = await operations.smoke_results(conn, tenant_id)
        smoke_calls = await calls.smoke_calls(conn, tenant_id, 20)
    runs = await runs_of(viewer, tenant_id, versions)
    run_ids = {s.version: s.workflow_id for s in smoke if s.workflow_id.startswith("onboarding-")}
    run_ids.update({r.version: r.workflow_id for r in runs})
    pair = pick_pair(versions, active, _number(query.get("a")), _number(query.get("b")))
    diff = diff_documents(pair[0].canonical, pair[1].canonical) if pair else []
    return viewer.render("configs.html", tenant=tenant, versions=list(reversed(versions)), active=active,
                         passed=passed, activations=list(reversed(activations)), uses=uses, sample=sample,
                         smoke=smoke, smoke_calls=smoke_calls, pair=pair, diff=diff, runs=runs, run_ids=run_ids,
                         can_activate=viewer.can(tenant_configs.activate), notice=query.get("notice"),
                         operator_view=viewer.can(phone_numbers.list_numbers))


@router.post("/{tenant_id}/configs/{version}/activate")
async def activate(tenant_id: UUID, version: tenant_configs.VersionPath, viewer: ViewerDep) -> Response:
    """Roll back (or forward) through the API's handler: refused unless the version passed its smoke tests."""
    await viewer.check(tenant_configs.activate)
    await posted_form(viewer)
    done = await tenant_configs.activate(tenant_id, version, viewer.principal, viewer.state.engine,
                                         viewer.state.clock())
    said = (f"version v{done.version} is active (was v{done.previous_version})" if done.changed
            else f"version v{done.version} was already active")
    return RedirectResponse(f"/ui/tenants/{tenant_id}/configs?notice={quote(said)}", status_code=303)
