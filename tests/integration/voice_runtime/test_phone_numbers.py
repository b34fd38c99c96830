"""Binding numbers to tenants (operators/admins, E.164, unique) and routing Twilio's webhook by them."""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine
from twilio.request_validator import RequestValidator

from infra.db.event_store import EventStore
from infra.settings import Settings
from voice_runtime.testing.scripted_stt import ScriptedStt
from voice_runtime.tts.piper_tts import PiperTts
from workers.voice import build_runtime

pytestmark = pytest.mark.integration


async def make_tenant(api: httpx.AsyncClient, keys, name: str = "Acme Plumbing") -> str:
    response = await api.post("/v1/tenants", json={"name": name}, headers=keys.headers("operator"))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_bind_number_rules(api: httpx.AsyncClient, keys, engine: AsyncEngine) -> None:
    a, b = await make_tenant(api, keys), await make_tenant(api, keys, "Other")
    url = f"/v1/tenants/{a}/phone-numbers"
    r = await api.post(url, json={"number": "+61 2 9876 5432".replace(" ", "")}, headers=keys.headers("operator"))
    assert r.status_code == 201 and r.json() == {"number": "+61298765432", "tenant_id": a,
                                                        "transfer_to": None}
    again = await api.post(url, json={"number": "+61298765432"}, headers=keys.headers("admin"))
    assert again.status_code == 200
    taken = await api.post(f"/v1/tenants/{b}/phone-numbers", json={"number": "+61298765432"},
                           headers=keys.headers("admin"))
    assert taken.status_code == 409 and taken.json()["code"] == "phone_number_taken"
    for bad in ("0298765432", "+61", "+6129876543299999", "hello"):
        r = await api.post(url, json={"number": bad}, headers=keys.headers("operator"))
        assert r.status_code == 422 and r.json()["code"] in ("invalid_phone_number", "validation_error"), bad
    for role in ("service", "founder"):
        r = await api.post(url, json={"number": "+61298765433"}, headers=keys.headers(role))
        assert r.status_code == 403
    missing = await api.post("/v1/tenants/00000000-0000-0000-0000-000000000000/phone-numbers",
                             json={"number": "+61298765433"}, headers=keys.headers("operator"))
    assert missing.status_code == 404
    with_target = await api.post(url, json={"number": "+61298765439", "transfer_to": "+61298765000"},
                                 headers=keys.headers("operator"))
    assert with_target.status_code == 201 and with_target.json()["transfer_to"] == "+61298765000"
    bad_target = await api.post(url, json={"number": "+61298765438", "transfer_to": "12"},
                                headers=keys.headers("operator"))
    assert bad_target.status_code == 422
    listed = await api.get(url, headers=keys.headers("operator"))
    assert listed.json()["numbers"] == ["+61298765432", "+61298765439"]
    events = await EventStore(engine).read(f"tenant:{a}")
    assert [e.type for e in events] == ["tenant.created", "phone_number.bound", "phone_number.bound"]


async def test_twilio_webhook_routes_by_called_number_and_checks_signature(
    api: httpx.AsyncClient, keys, engine: AsyncEngine, settings: Settings
) -> None:
    tenant = await make_tenant(api, keys)
    await api.post(f"/v1/tenants/{tenant}/phone-numbers", json={"number": "+61298765432"},
                   headers=keys.headers("operator"))
    voice_settings = settings.model_copy(update={"twilio_auth_token": SecretStr("secret-token"),
                                                 "public_base_url": "https://voice.example.com"})
    runtime = build_runtime(voice_settings, engine=engine, stt=ScriptedStt([]), tts=PiperTts())
    url = "https://voice.example.com/twilio/voice"
    validator = RequestValidator("secret-token")

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=runtime.app), base_url="http://v") as client:
        async def post(params: dict[str, str], signature: str | None = None) -> httpx.Response:
            sig = signature if signature is not None else validator.compute_signature(url, params)
            return await client.post("/twilio/voice", content=urlencode(params), headers={
                "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": sig})

        known = {"CallSid": "CA1", "From": "+61412345678", "To": "+61298765432"}
        ok = await post(known)
        assert ok.status_code == 200 and ok.headers["content-type"].startswith("application/xml")
        assert '<Connect><Stream url="wss://voice.example.com/twilio/media">' in ok.text
        assert '<Parameter name="token" value="' in ok.text and tenant not in ok.text  # identity is signed, not sent
        unknown = await post({**known, "To": "+61299999999"})
        assert "<Say" in unknown.text and "<Hangup />" in unknown.text and "<Connect>" not in unknown.text
        forged = await post(known, signature="not-it")
        assert forged.status_code == 403 and forged.json()["code"] == "invalid_signature"
