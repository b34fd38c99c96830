"""The cost of every call: written when it ends (from its events and the carrier's record), append-only, read per
call and over a period by day, objective and core version.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from domain.tenants import Tenant
from infra.settings import Settings
from tests.helpers.integrations import call_events, follow_up_of, start_call
from tests.helpers.receivers import FakeTwilioMessages
from workers.bundle import WorkerDeps
from workers.integrations import integrations_bundle
from workers.voice import voice_bundle

pytestmark = [pytest.mark.integration, pytest.mark.slow]
ACCOUNT = "AC" + "3" * 32
USAGE = ("call.usage", {"stt_engine": "whisper", "stt_audio_seconds": 95.0, "stt_busy_seconds": 3.0,
                        "tts_engine": "piper", "tts_characters": 700, "tts_busy_seconds": 1.0, "cpu_seconds": 12.0,
                        "core_version": "0.1.0"})


def _bundle(settings: Settings) -> Any:
    def make(deps: WorkerDeps) -> Any:
        return integrations_bundle(WorkerDeps(settings=settings, engine=deps.engine, client=deps.client))
    return make


async def test_every_call_gets_its_cost_lines(worker: Any, engine: AsyncEngine, settings: Settings, tenant: Tenant,
                                              temporal_client: Client, api: httpx.AsyncClient, keys: Any) -> None:
    twilio = FakeTwilioMessages(call_prices={"CA-priced": "-0.02000"}, leg_prices={"CA-priced": ["-0.15000"]})
    await twilio.start()
    keyed = settings.model_copy(update={"twilio_account_sid": ACCOUNT, "twilio_auth_token": SecretStr("t"),
                                        "twilio_api_base_url": twilio.base_url})
    legs = ("transfer.completed", {"to": "+61412345678", "kind": "cold"})
    try:
        async with worker(voice_bundle, _bundle(keyed)):
            await start_call(temporal_client, settings, "CA-priced", tenant.id,
                             call_events("CA-priced", tenant.id, outcomes=[], extra=[USAGE, legs], version=None))
            priced = await follow_up_of(temporal_client, "CA-priced")
        async with worker(voice_bundle, integrations_bundle):
            await start_call(temporal_client, settings, "CA-rated", tenant.id,
                             call_events("CA-rated", tenant.id, outcomes=[], extra=[USAGE], version=None))
            rated = await follow_up_of(temporal_client, "CA-rated")
    finally:
        await twilio.stop()
    assert priced.cost_lines == 4 and rated.cost_lines == 3
    one = (await api.get("/v1/calls/CA-priced/cost", headers=keys.headers("operator"))).json()
    assert [(line["line"], line["basis"]) for line in one["lines"]] == [
        ("telephony", "carrier_price"), ("stt", "local_cpu"), ("tts", "local_cpu"), ("transfer:1", "carrier_price")]
    assert Decimal(one["components"]["telephony"]) == Decimal("0.02") and Decimal(one["minutes"]) == 2
    assert Decimal(one["components"]["transfer"]) == Decimal("0.15")
    other = (await api.get("/v1/calls/CA-rated/cost", headers=keys.headers("admin"))).json()
    telephony = other["lines"][0]
    assert telephony["basis"] == "rate" and Decimal(telephony["rate_usd"]) == Decimal("0.014")
    assert telephony["detail"]["number_kind"] == "AU:local"
    stt_cpu = Decimal(other["lines"][1]["quantity"])
    assert stt_cpu == Decimal(9)  # 12 CPU seconds split 3:1 by the engines' busy time
    assert abs(Decimal(other["total_usd"]) - Decimal(other["per_minute_usd"]) * 2) < Decimal("0.00001")
    today = datetime.now(UTC).date().isoformat()
    params = {"tenant_id": str(tenant.id), "from": today, "to": today}
    by_day = (await api.get("/v1/costs/voice", params=params, headers=keys.headers("operator"))).json()
    assert by_day["total"]["calls"] == 2 and Decimal(by_day["total"]["minutes"]) == 4
    assert [g["key"] for g in by_day["groups"]] == [today]
    assert Decimal(by_day["total"]["total_usd"]) == Decimal(one["total_usd"]) + Decimal(other["total_usd"])
    by_core = (await api.get("/v1/costs/voice", params={**params, "group_by": "core_version"},
                             headers=keys.headers("operator"))).json()
    assert [g["key"] for g in by_core["groups"]] == ["0.1.0"]
    by_objective = (await api.get("/v1/costs/voice", params={**params, "group_by": "objective"},
                                  headers=keys.headers("operator"))).json()
    assert [g["key"] for g in by_objective["groups"]] == ["_call"]
    with pytest.raises(DBAPIError, match="append-only"):
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE call_cost_lines SET amount_usd = 0"))
    bad = await api.get("/v1/costs/voice", params={"from": today, "to": "2000-01-01"}, headers=keys.headers("admin"))
    assert bad.status_code == 422
    missing = await api.get("/v1/calls/CA-none/cost", headers=keys.headers("admin"))
    assert missing.status_code == 404
