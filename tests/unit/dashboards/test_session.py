"""Session cookies and CSRF tokens: signed, expiring, bound to their key; forgeries open nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from api.ui.session import Session, Signer
from infra.db.principals import hash_key

NOW = datetime(2026, 11, 25, 9, tzinfo=UTC)


def session(signer: Signer, hours: float = 1) -> Session:
    return Session(principal_id=uuid.uuid4(), nonce="n0nce", expires_at=NOW + timedelta(hours=hours),
                   key_binding=signer.key_binding(hash_key("rk_secret")))


def test_a_sealed_session_opens_until_it_expires() -> None:
    signer = Signer("s3cret")
    s = session(signer)
    cookie = signer.seal(s)
    assert signer.open(cookie, NOW) == s
    assert signer.open(cookie, NOW + timedelta(hours=2)) is None
    assert "rk_secret" not in cookie


def test_forged_tampered_or_foreign_cookies_open_nothing() -> None:
    signer = Signer("s3cret")
    cookie = signer.seal(session(signer))
    version, body, mac = cookie.split(".")
    assert Signer("another secret").open(cookie, NOW) is None
    assert signer.open(f"{version}.{body}x.{mac}", NOW) is None
    assert signer.open(f"{version}.{body}.{mac[:-1]}{'B' if mac.endswith('A') else 'A'}", NOW) is None
    for junk in (None, "", "v1", "v2." + body + "." + mac, "a.b.c.d"):
        assert signer.open(junk, NOW) is None


def test_csrf_tokens_belong_to_one_session() -> None:
    signer = Signer("s3cret")
    token = signer.csrf_token("nonce-a")
    assert signer.csrf_ok("nonce-a", token)
    assert not signer.csrf_ok("nonce-b", token)
    assert not signer.csrf_ok("nonce-a", None) and not signer.csrf_ok(None, token)
    assert not Signer("other").csrf_ok("nonce-a", token)
