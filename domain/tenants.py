"""Tenants: a business on the platform, with the timezone its hours and dates are read in."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo, available_timezones

from pydantic import BaseModel, ConfigDict, Field, field_validator


class TenantCreate(BaseModel):
    """What an operator gives to create a tenant."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    timezone: str = "Australia/Sydney"
    locale: str = Field(default="en-AU", pattern=r"^[a-z]{2}(-[A-Z]{2})?$")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        if value not in available_timezones():
            raise ValueError(f"unknown IANA timezone {value!r}")
        ZoneInfo(value)
        return value


class Tenant(TenantCreate):
    """A stored tenant."""

    model_config = ConfigDict(extra="ignore")

    id: UUID
    created_at: datetime | None = None
