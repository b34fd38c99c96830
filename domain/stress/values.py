"""Whether a captured value is the one the caller gave, exactly, as the business would use it.

Exact means the value a lead carries: the same E.164 number, the same e-mail address, the same address line, the
same moment. Only what a listener cannot tell apart is forgiven: the case of a name or an address (read back
aloud, "Mcdonald" and "McDonald" sound the same), and how a moment is written (offset or zone, seconds or none).
A message is the caller's own words as heard; it has no exact value.
"""

from __future__ import annotations

from datetime import datetime

EXACT_KINDS = ("name", "phone", "email", "address", "date_time")


def _moment(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def same_value(kind: str | None, captured: str | None, truth: str | None) -> bool:
    """Whether `captured` is the caller's value `truth` for a capture of `kind`."""
    if captured is None or truth is None:
        return False
    if kind == "date_time":
        a, b = _moment(captured), _moment(truth)
        if a is None or b is None or (a.tzinfo is None) != (b.tzinfo is None):
            return captured == truth
        return a == b
    if kind in ("name", "address"):
        return " ".join(captured.casefold().split()) == " ".join(truth.casefold().split())
    return captured.strip() == truth.strip()


def has_exact_value(kind: str | None) -> bool:
    """Whether captures of this kind are compared with the caller's value (messages are not)."""
    return kind in EXACT_KINDS
