"""Browser calls: what the API hands a caller to start one, and a tenant's public "talk to us" widget.

A widget id sits in the tenant's web page; it can only ask for call tokens for its own tenant, and only from the
origins the operator listed (none listed: any origin). Pure: models and their validation.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_ORIGINS = 20


def normalise_origin(value: str) -> str:
    """`scheme://host[:port]` in lower case; ValueError for anything else (a path, a query, another scheme)."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} is not an origin: give scheme://host[:port]")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"{value!r} is not an origin: no path, query or credentials")
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{port}"


def origin_allowed(origin: str | None, allowed: list[str]) -> bool:
    """Whether a request from `origin` may use a widget limited to `allowed` (empty: any origin)."""
    if not allowed:
        return True
    try:
        return origin is not None and normalise_origin(origin) in allowed
    except ValueError:
        return False


class WidgetCreate(BaseModel):
    """A public widget for the tenant's website."""

    model_config = ConfigDict(extra="forbid")

    label: str = Field(default="Website", min_length=1, max_length=100)
    allowed_origins: list[str] = Field(default_factory=list, max_length=MAX_ORIGINS,
                                       description="origins that may embed it, e.g. https://plumbing.example; "
                                                   "empty: any")

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        return sorted({normalise_origin(v) for v in value})


class WidgetPublic(BaseModel):
    """A widget, with the snippet the tenant pastes into its page."""

    widget_id: str
    tenant_id: UUID
    label: str
    allowed_origins: list[str]
    created_at: datetime
    revoked_at: datetime | None = None
    embed: str = ""


class WidgetsPublic(BaseModel):
    """Every widget of a tenant, newest first."""

    tenant_id: UUID
    widgets: list[WidgetPublic]


class CallTokenPublic(BaseModel):
    """What a browser needs to start one call: POST `{type: offer, sdp, token}` to `offer_url` before `expires_at`."""

    token: str
    call_sid: str
    tenant_id: UUID
    offer_url: str
    expires_at: datetime
    ice_servers: list[str] = Field(default_factory=list)
