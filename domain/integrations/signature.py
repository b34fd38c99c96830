"""The webhook signature: `X-Revos-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.

The timestamp is signed with the body, so a receiver that refuses old timestamps also refuses replays
(docs/webhooks.md). Several `v1=` entries may appear (a receiver accepts any that matches: secret rotation).
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Revos-Signature"
DEFAULT_TOLERANCE_SECONDS = 300


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The header value for `body` sent at `timestamp` (unix seconds)."""
    return f"t={timestamp},v1={_digest(secret, timestamp, body)}"


def parse(header: str) -> tuple[int, list[str]] | None:
    """(timestamp, v1 signatures) of a header value; None if it is malformed."""
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            return None
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1":
            signatures.append(value)
    if timestamp is None or not signatures:
        return None
    return timestamp, signatures


def verify(header: str, body: bytes, secret: str, *, now: int,
           tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS) -> str | None:
    """None if `header` signs exactly `body` with `secret` within `tolerance_seconds` of `now`; else why not
    (`malformed`, `stale`, `mismatch`).
    """
    parsed = parse(header)
    if parsed is None:
        return "malformed"
    timestamp, signatures = parsed
    if abs(now - timestamp) > tolerance_seconds:
        return "stale"
    expected = _digest(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, s) for s in signatures):
        return "mismatch"
    return None
