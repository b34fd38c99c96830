"""Stream tokens and smoke grants: signed over every claim, short-lived, bound to their call and purpose."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from domain.voice.stream_token import SmokeGrant, StreamClaims, TokenRefused, sign, verify_grant, verify_stream

SECRET = b"server-secret"
CLAIMS = StreamClaims(call_sid="CA1", tenant_id="t-1", config_version=3, caller="+61400000001",
                      called="+61298765432", expires_at=1000.0, nonce="n")
GRANT = SmokeGrant(tenant_id="t-1", config_version=2, business="closed", expires_at=1000.0, nonce="g")


def reason(call: Callable[[], object]) -> str:
    with pytest.raises(TokenRefused) as info:
        call()
    assert info.value.code == "stream_token_refused"
    return info.value.reason


def stream(token: str | None, *, secret: bytes = SECRET, now: float = 999.0, call_sid: str = "CA1") -> object:
    return verify_stream(token, secret, now=now, call_sid=call_sid)


def test_a_valid_token_gives_back_its_claims() -> None:
    assert stream(sign(CLAIMS, SECRET)) == CLAIMS


@pytest.mark.parametrize("change", [{"tenant_id": "t-2"}, {"config_version": 4}, {"called": "+61298765433"},
                                    {"expires_at": 9e9}, {"smoke": True}, {"business": "closed"}])
def test_changing_any_claim_breaks_the_signature(change: dict[str, object]) -> None:
    mac = sign(CLAIMS, SECRET).split(".")[1]
    other_body = sign(CLAIMS.model_copy(update=change), SECRET).split(".")[0]
    assert reason(lambda: stream(f"{other_body}.{mac}")) == "bad_signature"


def test_refusals_say_why() -> None:
    token = sign(CLAIMS, SECRET)
    for bad, why in ((None, "missing"), ("", "missing"), ("a.b.c", "malformed"), ("x" * 5000, "malformed")):
        assert reason(lambda bad=bad: stream(bad)) == why  # type: ignore[misc]
    assert reason(lambda: stream(token, secret=b"another-secret")) == "bad_signature"
    assert reason(lambda: stream(token, now=1000.0)) == "expired"
    assert reason(lambda: stream(token, call_sid="CA2")) == "call_sid_mismatch"


def test_a_stream_token_is_not_a_smoke_grant_and_back() -> None:
    assert verify_grant(sign(GRANT, SECRET), SECRET, now=10.0) == GRANT
    assert reason(lambda: verify_grant(sign(CLAIMS, SECRET), SECRET, now=10.0)) == "bad_signature"
    assert reason(lambda: stream(sign(GRANT, SECRET), now=10.0)) == "bad_signature"
    assert reason(lambda: verify_grant(sign(GRANT, SECRET), SECRET, now=1000.0)) == "expired"
