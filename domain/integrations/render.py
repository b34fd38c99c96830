"""The words a person reads: an SMS or an e-mail about a delivery's event, rendered from its body."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

SMS_MAX = 480  # three concatenated segments: enough for a lead, cheap to send

HEADLINES = {
    "call.ended": "Call ended",
    "lead.captured": "New lead",
    "appointment.requested": "Appointment requested",
    "transfer.completed": "Call transferred",
    "transfer.failed": "Transfer failed",
}


class Message(BaseModel):
    """A subject (e-mail only) and a plain-text body."""

    model_config = ConfigDict(frozen=True)

    subject: str
    text: str


def captured_value(item: Any) -> str:
    """A captured value as a person reads it (`{kind, value}` by objective id; a bare value from older bodies)."""
    return str(item.get("value")) if isinstance(item, dict) else str(item)


def captured_of_kind(captured: dict[str, Any], kind: str) -> str | None:
    """The first captured value of this kind (`name`, `phone`, ...), whatever its objective is called."""
    return next((captured_value(v) for v in captured.values() if isinstance(v, dict) and v.get("kind") == kind), None)


def _details(body: dict[str, Any]) -> list[str]:
    data: dict[str, Any] = body.get("data", {})
    call: dict[str, Any] = body.get("call", {})
    lines = [f"{k.replace('_', ' ')}: {captured_value(v)}" for k, v in sorted((data.get("captured") or {}).items())]
    lines += [f"{k.replace('_', ' ')}: {v}" for k, v in sorted((data.get("chosen") or {}).items())]
    if body.get("event") == "appointment.requested" and data.get("value"):
        lines.insert(0, f"requested time: {data['value']}")
    if body.get("event", "").startswith("transfer.") and data.get("to"):
        lines.append(f"to: {data['to']}" + (f" ({data['error']})" if data.get("error") else ""))
    if body.get("event") == "call.ended" and data.get("reason"):
        lines.append(f"ended: {data['reason']}")
    if call.get("caller"):
        lines.append(f"caller: {call['caller']}")
    return lines


def message_for(body: dict[str, Any]) -> Message:
    """The subject and text for a delivery body (domain.integrations.deliveries.delivery_body)."""
    headline = HEADLINES.get(str(body.get("event")), str(body.get("event")))
    call = body.get("call", {})
    subject = f"[Revenue OS] {headline}" + (f" from {call['caller']}" if call.get("caller") else "")
    text = "\n".join([headline, *_details(body), f"call: {call.get('call_sid', '')}"])
    return Message(subject=subject, text=text)


def sms_text(body: dict[str, Any]) -> str:
    """One SMS (at most SMS_MAX characters): the headline and the details, one per line."""
    text = message_for(body).text
    return text if len(text) <= SMS_MAX else text[: SMS_MAX - 1] + "…"
