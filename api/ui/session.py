"""Dashboard sessions: an API key signs in once and becomes a signed, expiring cookie; CSRF tokens derive from it.

The cookie names the principal, a random nonce and an expiry, and binds to the key it was opened with (an HMAC
of the key's stored hash), so a key replaced or deleted ends its sessions at the next request. It is signed,
not encrypted: it holds nothing secret. CSRF tokens are HMACs of the session's nonce (or, on the sign-in form,
of a short-lived pre-session cookie's nonce), checked on every POST.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.auth import Principal, Role
from infra.db.principals import hash_key
from infra.db.tables import principals

SESSION_COOKIE = "revos_session"
LOGIN_COOKIE = "revos_login"
CSRF_FIELD = "csrf"
_VERSION = "v1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Session:
    principal_id: UUID
    nonce: str
    expires_at: datetime
    key_binding: str


class Signer:
    """Signs and verifies session cookies and CSRF tokens with one secret."""

    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(("revos-ui:" + secret).encode()).digest()

    def _mac(self, purpose: str, message: str) -> str:
        return _b64(hmac.new(self._key, f"{purpose}:{message}".encode(), hashlib.sha256).digest())

    def key_binding(self, key_hash: str) -> str:
        return self._mac("key", key_hash)[:32]

    def seal(self, session: Session) -> str:
        body = _b64(json.dumps({"p": str(session.principal_id), "n": session.nonce,
                                "e": session.expires_at.timestamp(), "k": session.key_binding}).encode())
        return f"{_VERSION}.{body}.{self._mac('session', body)}"

    def open(self, cookie: str | None, now: datetime) -> Session | None:
        """The session a cookie carries, or None when it is absent, forged, malformed or expired."""
        if not cookie:
            return None
        parts = cookie.split(".")
        if len(parts) != 3 or parts[0] != _VERSION:
            return None
        if not hmac.compare_digest(parts[2], self._mac("session", parts[1])):
            return None
        try:
            data = json.loads(_unb64(parts[1]))
            session = Session(principal_id=UUID(data["p"]), nonce=str(data["n"]),
                              expires_at=datetime.fromtimestamp(float(data["e"]), tz=now.tzinfo),
                              key_binding=str(data["k"]))
        except (ValueError, KeyError, TypeError):
            return None
        return session if session.expires_at > now else None

    def csrf_token(self, nonce: str) -> str:
        return self._mac("csrf", nonce)

    def csrf_ok(self, nonce: str | None, token: str | None) -> bool:
        return bool(nonce and token) and hmac.compare_digest(str(token), self.csrf_token(str(nonce)))


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def new_session(signer: Signer, principal: Principal, key: str, now: datetime, hours: float) -> Session:
    return Session(principal_id=principal.id, nonce=new_nonce(), expires_at=now + timedelta(hours=hours),
                   key_binding=signer.key_binding(hash_key(key)))


async def principal_of(conn: AsyncConnection, signer: Signer, session: Session) -> Principal | None:
    """The session's principal, if it still exists with the key the session was opened with."""
    row = (await conn.execute(select(principals).where(principals.c.id == session.principal_id))).mappings().first()
    if row is None or not hmac.compare_digest(signer.key_binding(row["key_hash"]), session.key_binding):
        return None
    return Principal(id=row["id"], name=row["name"], role=Role(row["role"]), tenant_id=row["tenant_id"])
