"""A founder's decision as the API signs it: HMAC-SHA256 over who, what, which contract version, until when.

The API signs after it has authenticated the founder; the lifecycle's update validators verify before
they accept, so a client that reaches Temporal but not the API (and so not the server secret) cannot
approve, reject, re-scope or resolve anything. HMAC is deterministic, so verifying is a pure function
of the secret, the approval and the contract the workflow holds.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from domain.errors import PermissionDenied
from domain.governance.contracts import FounderAction

_DOMAIN = b"revos-approval-v1"


class ApprovalClaims(BaseModel):
    """What one signature vouches for."""

    model_config = ConfigDict(frozen=True)

    key_id: str = Field(min_length=1, max_length=64)
    action: FounderAction
    founder_id: UUID
    contract_id: UUID
    version: int
    expires_at: datetime


class SignedApproval(ApprovalClaims):
    """The claims and their HMAC-SHA256 (hex)."""

    signature: str = Field(min_length=64, max_length=64)


def key_id_for(secret: bytes) -> str:
    """A public name for a secret (no way back to it): the policy pins it, the keyring finds the secret by it."""
    return hmac.new(secret, _DOMAIN + b"|key-id", hashlib.sha256).hexdigest()[:16]


def _message(claims: ApprovalClaims) -> bytes:
    expires_ms = round(claims.expires_at.timestamp() * 1000)
    parts = (_DOMAIN.decode(), claims.key_id, claims.action, str(claims.founder_id), str(claims.contract_id),
             str(claims.version), str(expires_ms))
    return "|".join(parts).encode()


def sign(secret: bytes, claims: ApprovalClaims) -> SignedApproval:
    """The claims signed with `secret`."""
    mac = hmac.new(secret, _message(claims), hashlib.sha256).hexdigest()
    return SignedApproval(**claims.model_dump(), signature=mac)


def verify(approval: SignedApproval | None, secret: bytes | None, expected: ApprovalClaims, now: datetime) -> None:
    """Refuses (PermissionDenied, with a code) unless `approval` is genuine, names `expected` and is unexpired.

    `expected.expires_at` is ignored: the approval's own expiry is checked against `now`.
    """
    if approval is None:
        raise PermissionDenied("a founder decision needs the approval the API signs", code="approval_missing")
    if secret is None or approval.key_id != expected.key_id:
        raise PermissionDenied("the approval is signed with a key this contract does not accept",
                               code="approval_key_unknown")
    genuine = hmac.new(secret, _message(approval), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(genuine, approval.signature):
        raise PermissionDenied("the approval's signature does not match what it claims", code="approval_forged")
    named = (approval.action, approval.founder_id, approval.contract_id, approval.version)
    if named != (expected.action, expected.founder_id, expected.contract_id, expected.version):
        raise PermissionDenied("the approval was signed for another decision, founder or contract version",
                               code="approval_mismatch")
    if now >= approval.expires_at:
        raise PermissionDenied(f"the approval expired at {approval.expires_at.isoformat()}", code="approval_expired")
