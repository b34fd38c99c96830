"""Signed founder approvals: pure sign and verify."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import PermissionDenied
from domain.governance.approvals import ApprovalClaims, key_id_for, sign, verify

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SECRET = b"s" * 32
CLAIMS = ApprovalClaims(key_id=key_id_for(SECRET), action="approve", founder_id=uuid.uuid4(),
                        contract_id=uuid.uuid4(), version=3, expires_at=NOW + timedelta(minutes=5))


def _code(approval, secret=SECRET, expected=CLAIMS, now=NOW) -> str | None:
    try:
        verify(approval, secret, expected, now)
    except PermissionDenied as error:
        return error.code
    return None


def test_a_genuine_approval_verifies_and_signing_is_deterministic() -> None:
    assert sign(SECRET, CLAIMS) == sign(SECRET, CLAIMS)
    assert _code(sign(SECRET, CLAIMS)) is None
    assert key_id_for(SECRET) != key_id_for(b"t" * 32) and len(key_id_for(SECRET)) == 16


@pytest.mark.parametrize("change", [{"action": "reject"}, {"version": 4}, {"founder_id": uuid.uuid4()},
                                    {"contract_id": uuid.uuid4()}, {"expires_at": NOW + timedelta(days=9)}])
def test_any_altered_claim_breaks_the_signature(change) -> None:
    altered = sign(SECRET, CLAIMS).model_copy(update=change)
    assert _code(altered) == "approval_forged"


def test_refusals_name_why() -> None:
    assert _code(None) == "approval_missing"
    assert _code(sign(SECRET, CLAIMS), secret=None) == "approval_key_unknown"
    assert _code(sign(b"x" * 32, CLAIMS.model_copy(update={"key_id": "other"}))) == "approval_key_unknown"
    assert _code(sign(b"x" * 32, CLAIMS)) == "approval_forged"
    other = CLAIMS.model_copy(update={"version": 4})
    assert _code(sign(SECRET, other)) == "approval_mismatch"
    assert _code(sign(SECRET, CLAIMS), now=NOW + timedelta(minutes=5)) == "approval_expired"
