"""The founder's dashboard: drafts waiting, decisions through the API's own handlers (the same Temporal updates),
each contract's timeline through job, health, audit and rollout or rollback, and incidents."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from api.routers import contracts
from api.ui.web import UiRoute, Viewer, ViewerDep, posted_form
from domain.errors import InvalidInput, NotFound
from domain.governance.messages import DecisionResult
from infra.db.read_models import governance

router = APIRouter(prefix="/ui/founder", route_class=UiRoute, include_in_schema=False)
M = TypeVar("M", bound=BaseModel)


def body_of(model: type[M], data: dict[str, Any]) -> M:
    """The API's request model from a form, refused like the API refuses it (422 with the fields)."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) or "body" for e in error.errors())
        raise InvalidInput(f"invalid fields: {fields}", code="validation_error",
                           details={"errors": [{"path": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
                                               for e in error.errors()]}) from None


def json_field(form: dict[str, str], name: str, *, required: bool) -> Any:
    raw = form.get(name, "").strip()
    if not raw:
        if required:
            raise InvalidInput(f"{name} is required", code="validation_error")
        return None
    try:
        return json.loads(raw)
    except ValueError as error:
        raise InvalidInput(f"{name} is not valid JSON: {error}", code="validation_error") from None


def decision_forms(viewer: Viewer) -> dict[str, bool]:
    """Which decision forms this viewer gets: those whose API routes admit the role."""
    handlers: dict[str, Callable[..., Any]] = {
        "approve": contracts.approve, "reject": contracts.reject, "clarify": contracts.clarify,
        "modify_scope": contracts.modify_scope, "resolve_audit": contracts.resolve_audit}
    return {name: viewer.can(handler) for name, handler in handlers.items()}


@router.get("")
async def founder_page(viewer: ViewerDep) -> HTMLResponse:
    """Drafts waiting (soonest to expire first), contracts since decided, incidents."""
    await viewer.check(contracts.list_contracts)
    async with viewer.state.engine.connect() as conn:
        drafts = await governance.waiting_drafts(conn, viewer.state.clock())
        recent = await governance.recent_contracts(conn)
        incidents = await governance.incident_list(conn)
    return viewer.render("founder.html", drafts=drafts, recent=recent, incidents=incidents,
                         forms=decision_forms(viewer), notice=viewer.request.query_params.get("notice"))


@router.get("/contracts/{contract_id}")
async def contract_page(contract_id: UUID, viewer: ViewerDep) -> HTMLResponse:
    """One contract: state, proposal, verdicts, and its timeline through audit and rollout or rollback."""
    await viewer.check(contracts.read)
    contract = await contracts.read(contract_id, viewer.principal, viewer.state.engine, viewer.state.clock())
    async with viewer.state.engine.connect() as conn:
        issue = await governance.contract_issue(conn, contract_id)
        jobs = await governance.jobs_of(conn, contract_id)
        health = await governance.health_of(conn, contract_id)
        audits = await governance.audits_of(conn, contract_id)
        incidents = await governance.incident_list(conn, contract_id)
    if issue is None:
        raise NotFound(f"contract {contract_id} does not exist", code="contract_not_found")
    return viewer.render("contract.html", c=contract, issue=issue, jobs=jobs, health=health, audits=audits,
                         incidents=incidents, forms=decision_forms(viewer),
                         notice=viewer.request.query_params.get("notice"))


Decide = Callable[[UUID, dict[str, str], Viewer], Awaitable[DecisionResult]]


async def _approve(contract_id: UUID, form: dict[str, str], viewer: Viewer) -> DecisionResult:
    body = body_of(contracts.ApproveBody, {"note": form.get("note") or None,
                                           "execution_constraints": json_field(form, "execution_constraints",
                                                                               required=False)})
    return await contracts.approve(contract_id, body, viewer.principal, viewer.state,
                                   await viewer.state.temporal.get(), viewer.state.clock())


async def _reject(contract_id: UUID, form: dict[str, str], viewer: Viewer) -> DecisionResult:
    body = body_of(contracts.RejectBody, {"reason": form.get("reason", "")})
    return await contracts.reject(contract_id, body, viewer.principal, viewer.state,
                                  await viewer.state.temporal.get(), viewer.state.clock())


async def _clarify(contract_id: UUID, form: dict[str, str], viewer: Viewer) -> DecisionResult:
    body = body_of(contracts.ClarifyBody, {"question": form.get("question", "")})
    return await contracts.clarify(contract_id, body, viewer.principal, viewer.state,
                                   await viewer.state.temporal.get(), viewer.state.clock())


async def _modify_scope(contract_id: UUID, form: dict[str, str], viewer: Viewer) -> DecisionResult:
    body = body_of(contracts.ModifyScopeBody, {"proposed_changes": json_field(form, "proposed_changes", required=True),
                                               "note": form.get("note") or None})
    return await contracts.modify_scope(contract_id, body, viewer.principal, viewer.state,
                                        await viewer.state.temporal.get(), viewer.state.clock())


async def _resolve_audit(contract_id: UUID, form: dict[str, str], viewer: Viewer) -> DecisionResult:
    body = body_of(contracts.ResolveAuditBody, {"resolution": form.get("resolution", ""),
                                                "note": form.get("note") or None})
    return await contracts.resolve_audit(contract_id, body, viewer.principal, viewer.state,
                                         await viewer.state.temporal.get(), viewer.state.clock())


DECISIONS: dict[str, tuple[Callable[..., Any], Decide]] = {
    "approve": (contracts.approve, _approve),
    "reject": (contracts.reject, _reject),
    "clarify": (contracts.clarify, _clarify),
    "modify-scope": (contracts.modify_scope, _modify_scope),
    "resolve-audit": (contracts.resolve_audit, _resolve_audit),
}


@router.post("/contracts/{contract_id}/{decision}")
async def decide(contract_id: UUID, decision: str, viewer: ViewerDep) -> Response:
    """A founder decision: the API handler itself runs it (same checks, same Temporal update)."""
    if decision not in DECISIONS:
        raise NotFound(f"no decision {decision!r}", code="not_found")
    endpoint, run = DECISIONS[decision]
    await viewer.check(endpoint)
    form = await posted_form(viewer)
    result = await run(contract_id, form, viewer)
    notice = quote(f"{decision}: contract v{result.version} is {result.status.value}")
    return RedirectResponse(f"/ui/founder/contracts/{result.contract_id}?notice={notice}", status_code=303)
