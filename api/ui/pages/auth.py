"""Sign in with an API key (a signed session cookie comes back), sign out, and the home page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import StateDep, record_refusal
from api.ui.session import LOGIN_COOKIE, SESSION_COOKIE, new_nonce, new_session
from api.ui.web import SECURITY_HEADERS, Ui, UiDep, UiRoute, ViewerDep, posted_form, read_form
from domain.errors import PermissionDenied, Unauthenticated
from infra.db.principals import principal_for_key

router = APIRouter(prefix="/ui", route_class=UiRoute, include_in_schema=False)
LOGIN_MAX_AGE = 3600


def _safe_next(value: str | None) -> str:
    """Only a path inside the dashboards: never an absolute or protocol-relative URL."""
    if value and value.startswith("/ui") and not value.startswith("//") and "\\" not in value:
        return value
    return "/ui"


def _cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/ui", httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")


def _login_page(ui: Ui, request: Request, nonce: str, *, status: int = 200, error: str | None = None
                ) -> HTMLResponse:
    response = ui.render("login.html", None, status=status, error=error,
                         next=_safe_next(request.query_params.get("next")),
                         csrf=ui.signer.csrf_token(nonce))
    _cookie(response, request, LOGIN_COOKIE, nonce, LOGIN_MAX_AGE)
    return response


@router.get("/login")
async def login_form(request: Request, ui: UiDep) -> HTMLResponse:
    return _login_page(ui, request, request.cookies.get(LOGIN_COOKIE) or new_nonce())


@router.post("/login")
async def login(request: Request, ui: UiDep, state: StateDep) -> Response:
    form = await read_form(request)
    nonce = request.cookies.get(LOGIN_COOKIE)
    if not ui.signer.csrf_ok(nonce, form.get("csrf")):
        error = PermissionDenied("the sign-in form expired or was not ours; try again", code="csrf_failed")
        await record_refusal(state, request, error, None)
        return _login_page(ui, request, new_nonce(), status=403, error=error.message)
    key = form.get("api_key", "").strip()
    async with state.engine.connect() as conn:
        principal = await principal_for_key(conn, key) if key else None
    if principal is None:
        refusal = Unauthenticated("unknown or revoked API key", code="invalid_api_key")
        await record_refusal(state, request, refusal, None)
        return _login_page(ui, request, new_nonce(), status=401, error=refusal.message)
    session = new_session(ui.signer, principal, key, state.clock(), ui.settings.ui_session_hours)
    response = RedirectResponse(_safe_next(form.get("next")), status_code=303, headers=SECURITY_HEADERS)
    _cookie(response, request, SESSION_COOKIE, ui.signer.seal(session), int(ui.settings.ui_session_hours * 3600))
    response.delete_cookie(LOGIN_COOKIE, path="/ui")
    return response


@router.post("/logout")
async def logout(viewer: ViewerDep) -> Response:
    await posted_form(viewer)
    response = RedirectResponse("/ui/login", status_code=303, headers=SECURITY_HEADERS)
    response.delete_cookie(SESSION_COOKIE, path="/ui", httponly=True, samesite="strict")
    return response


@router.get("")
async def home(viewer: ViewerDep) -> Response:
    """The first page the role may see."""
    if viewer.nav:
        return RedirectResponse(viewer.nav[0].href, status_code=303)
    return viewer.render("home.html")
