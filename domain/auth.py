"""Roles, principals and the authorization rule every API call goes through."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from domain.errors import PermissionDenied


class Role(StrEnum):
    """Who a principal is; what each role may do is granted per route."""

    FOUNDER = "founder"
    ADMIN = "admin"
    OPERATOR = "operator"
    CUSTOMER = "customer"
    SERVICE = "service"


class Principal(BaseModel):
    """An authenticated caller. Customers are scoped to exactly one tenant."""

    model_config = ConfigDict(frozen=True)

    id: UUID
    name: str
    role: Role
    tenant_id: UUID | None = None


def authorize(principal: Principal, allowed: Iterable[Role], *, action: str) -> None:
    """Refuse unless the principal's role is one of `allowed`."""
    roles = set(allowed)
    if principal.role not in roles:
        names = ", ".join(sorted(r.value for r in roles))
        raise PermissionDenied(
            f"role {principal.role.value!r} may not {action}; allowed: {names}",
            details={"role": principal.role.value, "allowed": sorted(r.value for r in roles)},
        )


def authorize_tenant(principal: Principal, tenant_id: UUID | None, *, action: str) -> None:
    """Customers act only inside their own tenant; other roles are platform-wide."""
    if principal.role is Role.CUSTOMER and (tenant_id is None or principal.tenant_id != tenant_id):
        raise PermissionDenied(
            f"customer key is scoped to another tenant and may not {action}",
            code="forbidden_tenant",
            details={"tenant_id": str(tenant_id) if tenant_id else None},
        )
