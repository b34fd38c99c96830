"""Phone numbers: operators and admins bind a number to a tenant (E.164, unique across tenants)."""

from __future__ import annotations

from uuid import UUID

import phonenumbers
from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict, Field

from api.deps import EngineDep, NowDep, OperatorOrAdminDep
from domain.errors import Conflict, InvalidInput, NotFound
from infra.db.tenants import get_tenant
from infra.db.violations import refusing
from infra.db.voice_numbers import bind_number, numbers_of, owner_of

router = APIRouter(prefix="/v1/tenants/{tenant_id}/phone-numbers", tags=["phone numbers"])


class PhoneNumberCreate(BaseModel):
    """The number to route to the tenant, in E.164 (e.g. +61212345678)."""

    model_config = ConfigDict(extra="forbid")

    number: str = Field(min_length=2, max_length=32)
    transfer_to: str | None = Field(default=None, max_length=32, description="E.164 number escalations go to")


class PhoneNumberPublic(BaseModel):
    """A number and the tenant that answers it."""

    number: str
    tenant_id: UUID
    transfer_to: str | None = None


class PhoneNumbersPublic(BaseModel):
    """Every number of a tenant."""

    tenant_id: UUID
    numbers: list[str]


def e164(raw: str) -> str:
    """The number in E.164, or InvalidInput: it must already be written +<country><number>."""
    text = raw.strip()
    if not text.startswith("+") or not text[1:].isdigit():
        raise InvalidInput(f"{raw!r} is not an E.164 number (like +61212345678)", code="invalid_phone_number")
    try:
        parsed = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput(f"{raw!r} is not a phone number: {exc}", code="invalid_phone_number") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidInput(f"{raw!r} is not a valid phone number", code="invalid_phone_number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@router.post("", status_code=status.HTTP_201_CREATED)
async def bind(tenant_id: UUID, body: PhoneNumberCreate, _: OperatorOrAdminDep, engine: EngineDep, now: NowDep,
               response: Response) -> PhoneNumberPublic:
    """Route calls to this number to the tenant (409 if another tenant has it)."""
    number = e164(body.number)
    transfer_to = e164(body.transfer_to) if body.transfer_to else None
    async with engine.begin() as conn:
        if await get_tenant(conn, tenant_id) is None:
            raise NotFound(f"tenant {tenant_id} does not exist", code="tenant_not_found")
        owner = await owner_of(conn, number)
        if owner == tenant_id:
            response.status_code = status.HTTP_200_OK
            return PhoneNumberPublic(number=number, tenant_id=tenant_id)  # already bound: unchanged
        if owner is not None:
            raise Conflict(f"{number} already routes to another tenant", code="phone_number_taken")
        taken = Conflict(f"{number} already routes to another tenant", code="phone_number_taken")
        with refusing({"pk_tenant_phone_numbers": taken}):  # a concurrent bind of the same number won
            await bind_number(conn, tenant_id, number, now, transfer_to)
    return PhoneNumberPublic(number=number, tenant_id=tenant_id, transfer_to=transfer_to)


@router.get("")
async def list_numbers(tenant_id: UUID, _: OperatorOrAdminDep, engine: EngineDep) -> PhoneNumbersPublic:
    """The tenant's numbers."""
    async with engine.connect() as conn:
        if await get_tenant(conn, tenant_id) is None:
            raise NotFound(f"tenant {tenant_id} does not exist", code="tenant_not_found")
        return PhoneNumbersPublic(tenant_id=tenant_id, numbers=await numbers_of(conn, tenant_id))
