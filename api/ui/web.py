"""The dashboards' plumbing: who is looking (the session's principal), rendering, forms and their CSRF check.

Pages raise domain errors like the API does; the UI's route class renders them as an HTML page with the status
api/errors.py gives them, so a refusal reads the same in both.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl, quote

from fastapi import Depends, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape
from temporalio.exceptions import TemporalError

from api.deps import StateDep, record_refusal
from api.errors import status_for
from api.state import AppState
from api.ui import charts, formats
from api.ui.access import Access, Endpoint
from api.ui.session import CSRF_FIELD, SESSION_COOKIE, Session, Signer, principal_of
from domain.auth import Principal
from domain.errors import DomainError, PermissionDenied
from domain.integrations.messages import delivery_workflow_id
from domain.voice.messages import call_workflow_id
from infra.settings import Settings
from infra.temporal.errors import domain_error_from

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).parent / "templates"
MAX_FORM_BYTES = 64 * 1024


class SignInRequired(Exception):
    """No valid session: the browser is sent to the sign-in page (and back afterwards)."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


@dataclass
class NavItem:
    label: str
    href: str
    endpoint: Endpoint


NavBuilder = Callable[[Principal], list[NavItem]]


class Ui:
    """What the dashboards wire once per app: the signer, the templates, the role checks."""

    def __init__(self, settings: Settings, access: Access, nav: NavBuilder) -> None:
        secret = settings.ui_session_secret.get_secret_value() if settings.ui_session_secret else None
        if secret is None:
            log.warning("REVOS_UI_SESSION_SECRET is unset: dashboard sessions end when this process stops")
        self.signer = Signer(secret or secrets.token_urlsafe(48))
        self.access = access
        self.nav = nav
        self.settings = settings
        self.env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                               trim_blocks=True, lstrip_blocks=True)
        self.env.filters.update(formats.FILTERS)
        self.env.globals.update(charts=charts, workflow_url=self.workflow_url, schedule_url=self.schedule_url,
                                workflows_query_url=self.workflows_query_url, call_workflow_id=call_workflow_id,
                                delivery_workflow_id=delivery_workflow_id)

    def _ns(self) -> str:
        return f"{self.settings.temporal_ui_base}/namespaces/{quote(self.settings.temporal_namespace, safe='')}"

    def workflow_url(self, workflow_id: str) -> str:
        return f"{self._ns()}/workflows/{quote(workflow_id, safe='')}"

    def schedule_url(self, schedule_id: str) -> str:
        return f"{self._ns()}/schedules/{quote(schedule_id, safe='')}"

    def workflows_query_url(self, query: str) -> str:
        return f"{self._ns()}/workflows?query={quote(query, safe='')}"

    def render(self, template: str, viewer: Viewer | None, *, status: int = 200, **data: Any) -> HTMLResponse:
        html = self.env.get_template(template).render(viewer=viewer, **data)
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def get_ui(request: Request) -> Ui:
    ui: Ui = request.app.state.revos_ui
    return ui


UiDep = Annotated[Ui, Depends(get_ui)]


@dataclass
class Viewer:
    """The signed-in principal on this request, with what the page frame needs."""

    principal: Principal
    session: Session
    csrf: str
    nav: list[NavItem]
    ui: Ui
    state: AppState
    request: Request

    @property
    def active_nav(self) -> str | None:
        """The navigation entry this page is under: the longest one its path starts with."""
        path = self.request.url.path
        under = [i.href for i in self.nav if path == i.href or path.startswith(i.href.rstrip("/") + "/")]
        return max(under, key=len) if under else None

    def can(self, endpoint: Endpoint) -> bool:
        return self.ui.access.allows(self.principal, endpoint)

    async def check(self, endpoint: Endpoint, tenant_id: Any = None, *, scoped: bool = False) -> None:
        await self.ui.access.check(self.request, self.state, self.principal, endpoint, tenant_id, scoped=scoped)

    def render(self, template: str, **data: Any) -> HTMLResponse:
        return self.ui.render(template, self, now=self.state.clock(), **data)


async def current_viewer(request: Request, state: StateDep, ui: UiDep) -> Viewer:
    session = ui.signer.open(request.cookies.get(SESSION_COOKIE), state.clock())
    if session is None:
        raise SignInRequired(request.url.path)
    async with state.engine.connect() as conn:
        principal = await principal_of(conn, ui.signer, session)
    if principal is None:
        raise SignInRequired(request.url.path)
    request.state.principal = principal
    nav = [item for item in ui.nav(principal) if ui.access.allows(principal, item.endpoint)]
    viewer = Viewer(principal=principal, session=session, csrf=ui.signer.csrf_token(session.nonce), nav=nav, ui=ui,
                    state=state, request=request)
    request.state.viewer = viewer
    return viewer


ViewerDep = Annotated[Viewer, Depends(current_viewer)]


async def read_form(request: Request) -> dict[str, str]:
    """An urlencoded form body (the only kind the dashboards post)."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise PermissionDenied("form too large", code="form_too_large")
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


async def posted_form(viewer: Viewer) -> dict[str, str]:
    """The form, after its CSRF token is checked against the session (a refusal is recorded like the API's)."""
    form = await read_form(viewer.request)
    if not viewer.ui.signer.csrf_ok(viewer.session.nonce, form.get(CSRF_FIELD)):
        error = PermissionDenied("the form's CSRF token is missing or does not match this session; reload the page",
                                 code="csrf_failed")
        await record_refusal(viewer.state, viewer.request, error, viewer.principal)
        raise error
    return form


def _refusal(exc: Exception) -> DomainError | None:
    if isinstance(exc, DomainError):
        return exc
    if isinstance(exc, TemporalError):
        return domain_error_from(exc)
    return None


class UiRoute(APIRoute):
    """Renders a domain refusal (or one carried back from Temporal) as the dashboards' error page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except (DomainError, TemporalError) as exc:
                refusal = _refusal(exc)
                if refusal is None:
                    raise
                ui = get_ui(request)
                viewer = getattr(request.state, "viewer", None)
                return ui.render("error.html", viewer, status=status_for(refusal), error=refusal,
                                 now=request.app.state.revos.clock())

        return handle
