"""A fixed `now`, the tenant timezone and small objective graphs for the pure capture and dialogue tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from domain.objectives import ObjectiveGraph, compile_document

TZ = "Australia/Sydney"
# Wednesday 25 November 2026, 9:00 am in Sydney (AEDT, UTC+11).
NOW = datetime(2026, 11, 24, 22, 0, tzinfo=UTC)
CAPTURE_TYPES = {"name": "capture_name", "phone": "capture_phone", "email": "capture_email",
                 "address": "capture_address", "date_time": "capture_datetime"}


def dialogue_graph(*objectives: str | dict[str, Any], transfer_to: str | None = None, business_name: str = "Acme",
                   after_hours: str = "transfer") -> ObjectiveGraph:
    """A compiled graph of these objectives ("phone" is a capture_phone objective with that id), then `end`."""
    listed = [{"id": o, "type": CAPTURE_TYPES[o]} if isinstance(o, str) else o for o in objectives]
    if listed[-1]["type"] not in ("end", "transfer"):
        listed.append({"id": "wrap_up", "type": "end"})
    week = {day: ["00:00-23:59"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    document = {"business": {"name": business_name, "timezone": TZ, "hours": week}, "numbers": ["+61290000001"],
                "escalation": {"transfer_to": transfer_to, "after_hours": after_hours}, "objectives": listed}
    return compile_document(document).graph
