"""Dependencies handed to handlers as Annotated aliases; roles are checked on every call."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from api.state import AppState
from domain.auth import Principal, Role, authorize, authorize_tenant
from domain.errors import DomainError, PermissionDenied, Unauthenticated
from domain.events import NewEvent, stream_name
from infra.db import event_store
from infra.db.principals import principal_for_key

REFUSALS_STREAM = stream_name("security", "refusals")
_bearer = HTTPBearer(auto_error=False)


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.revos
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def get_engine(state: StateDep) -> AsyncEngine:
    return state.engine


def get_now(state: StateDep) -> datetime:
    return state.clock()


async def get_temporal(state: StateDep) -> Client:
    return await state.temporal.get()


EngineDep = Annotated[AsyncEngine, Depends(get_engine)]
NowDep = Annotated[datetime, Depends(get_now)]
TemporalDep = Annotated[Client, Depends(get_temporal)]


async def record_refusal(
    state: AppState, request: Request, error: DomainError, principal: Principal | None
) -> None:
    """Every 401/403 is itself a fact: who tried what, and why it was refused."""
    payload: dict[str, Any] = {
        "method": request.method,
        "path": request.url.path,
        "code": error.code,
        "message": error.message,
        "principal_id": str(principal.id) if principal else None,
        "role": principal.role.value if principal else None,
    }
    async with state.engine.begin() as conn:
        await event_store.append(
            conn, REFUSALS_STREAM, [NewEvent(type="auth.refused", payload=payload, occurred_at=state.clock())]
        )


async def current_principal(
    request: Request,
    state: StateDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        error = Unauthenticated("missing API key: send 'Authorization: Bearer <key>'", code="missing_api_key")
        await record_refusal(state, request, error, None)
        raise error
    async with state.engine.connect() as conn:
        principal = await principal_for_key(conn, credentials.credentials)
    if principal is None:
        error = Unauthenticated("unknown or revoked API key", code="invalid_api_key")
        await record_refusal(state, request, error, None)
        raise error
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def require(*roles: Role) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """A dependency that admits only the given roles (403 otherwise, recorded)."""

    async def _check(request: Request, state: StateDep, principal: PrincipalDep) -> Principal:
        try:
            authorize(principal, roles, action=f"{request.method} {request.url.path}")
        except PermissionDenied as error:
            await record_refusal(state, request, error, principal)
            raise
        return principal

    _check.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]  # read by the auth coverage test
    return _check


async def ensure_tenant(request: Request, state: AppState, principal: Principal, tenant_id: UUID | None) -> None:
    """Tenant scoping for customer keys; the refusal is recorded like any other."""
    try:
        authorize_tenant(principal, tenant_id, action=f"{request.method} {request.url.path}")
    except PermissionDenied as error:
        await record_refusal(state, request, error, principal)
        raise


FounderDep = Annotated[Principal, Depends(require(Role.FOUNDER))]
AdminDep = Annotated[Principal, Depends(require(Role.ADMIN))]
OperatorOrAdminDep = Annotated[Principal, Depends(require(Role.OPERATOR, Role.ADMIN))]
AnyRoleDep = Annotated[Principal, Depends(require(*Role))]
