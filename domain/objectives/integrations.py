"""The integrations section: which post-call deliveries a tenant wants, on which events (structure only).

Whether a webhook's host may be called (DNS, loopback or private addresses) is decided at the I/O edge; the
compiler takes that edge's verdicts as an argument (`compile_document(..., host_verdicts=...)`), and
`host_verdict` below is the pure rule the edge applies to the addresses it resolved.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, Field
from pydantic_core import PydanticCustomError

from domain.objectives.business import STRICT
from domain.objectives.values import E164, Email, Identifier, SecretName, Url

Event = Literal["call.ended", "lead.captured", "appointment.requested", "transfer.completed", "transfer.failed"]
EVENTS: tuple[Event, ...] = ("call.ended", "lead.captured", "appointment.requested", "transfer.completed",
                             "transfer.failed")


def _distinct(events: list[str]) -> list[str]:
    if not events:
        raise PydanticCustomError("no_events", "name at least one event in `on`")
    if len(set(events)) != len(events):
        raise PydanticCustomError("duplicate_value", "an event is listed twice")
    return events


Events = Annotated[list[Event], AfterValidator(_distinct)]


class Webhook(BaseModel):
    """POST the event as JSON to `url`, signed with the tenant secret named `secret` (never the secret itself)."""

    model_config = STRICT

    id: Identifier
    type: Literal["webhook"]
    url: Url
    secret: SecretName
    on: Events


class Sms(BaseModel):
    """Text `to` when one of the events happens."""

    model_config = STRICT

    id: Identifier
    type: Literal["sms"]
    to: E164
    on: Events


class EmailIntegration(BaseModel):
    """E-mail `to` when one of the events happens."""

    model_config = STRICT

    id: Identifier
    type: Literal["email"]
    to: Annotated[list[Email], Field(min_length=1, max_length=20)]
    on: Events


class Calendar(BaseModel):
    """Write a booking to the tenant's calendar when a date and time is captured."""

    model_config = STRICT

    id: Identifier
    type: Literal["calendar"]
    on: Annotated[list[Literal["appointment.requested"]], AfterValidator(_distinct)]


Integration = Annotated[Webhook | Sms | EmailIntegration | Calendar, Field(discriminator="type")]


def webhook_host(url: str) -> str:
    """The host a webhook URL names (lowercase), as the edge resolves it; empty for a malformed URL."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def host_verdict(addresses: Iterable[str]) -> str | None:
    """None if every resolved address may be called; else why not (`loopback`, `private`, ...).

    A host with no address is `unresolvable`. One refused address refuses the host, since DNS may hand out any.
    """
    seen = False
    for text in addresses:
        seen = True
        address = ipaddress.ip_address(text.split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        for reason, flagged in (("loopback", address.is_loopback), ("unspecified", address.is_unspecified),
                                ("link_local", address.is_link_local), ("reserved", address.is_reserved),
                                ("private", address.is_private), ("multicast", address.is_multicast),
                                ("not_public", not address.is_global)):
            if flagged:
                return reason
    return None if seen else "unresolvable"
