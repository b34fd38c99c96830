"""What a dashboard page shows and allows is what the API routes it is a view over allow, read from those routes.

Each page and each form names the API handler it stands for; its roles are the roles that handler's `require(...)`
dependencies admit (the same walk the API's auth test does). There is no second list of who may do what.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from api.deps import ensure_tenant, record_refusal
from api.state import AppState
from domain.auth import Principal, Role, authorize
from domain.errors import PermissionDenied

Endpoint = Callable[..., Any]


def _roles_in(dependant: Dependant) -> Iterator[frozenset[Role]]:
    roles = getattr(dependant.call, "allowed_roles", None)
    if roles is not None:
        yield roles
    for sub in dependant.dependencies:
        yield from _roles_in(sub)


def endpoint_roles(routers: Sequence[APIRouter]) -> dict[Endpoint, frozenset[Role]]:
    """Every API handler with the roles its dependencies admit (the intersection when several check)."""
    out: dict[Endpoint, frozenset[Role]] = {}
    for router in routers:
        for route in router.routes:
            if isinstance(route, APIRoute):
                found = list(_roles_in(route.dependant))
                if found:
                    out[route.endpoint] = frozenset.intersection(*found)
    return out


class Access:
    """Role checks for pages and forms, by the API handler each one stands for."""

    def __init__(self, routers: Sequence[APIRouter]) -> None:
        self._roles = endpoint_roles(routers)

    def roles(self, endpoint: Endpoint) -> frozenset[Role]:
        try:
            return self._roles[endpoint]
        except KeyError:
            raise LookupError(f"{endpoint.__qualname__} is not a role-checked API route") from None

    def allows(self, principal: Principal, endpoint: Endpoint) -> bool:
        return principal.role in self.roles(endpoint)

    async def check(self, request: Request, state: AppState, principal: Principal, endpoint: Endpoint,
                    tenant_id: UUID | None = None, *, scoped: bool = False) -> None:
        """Refuse (403, recorded like the API's) unless the route admits the role (and, if scoped, the tenant)."""
        try:
            authorize(principal, self.roles(endpoint), action=f"{request.method} {request.url.path}")
        except PermissionDenied as error:
            await record_refusal(state, request, error, principal)
            raise
        if scoped:
            await ensure_tenant(request, state, principal, tenant_id)
