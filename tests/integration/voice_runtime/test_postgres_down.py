"""A call goes on while Postgres is unreachable; its events are appended once the database is back."""

from __future__ import annotations

import uuid

import pytest

from infra.db import embedded
from infra.db.engine import make_engine
from infra.db.event_store import EventStore
from infra.db.voice_numbers import NumberRoute
from tests.helpers.polling import until
from tests.helpers.postgres import TEMPLATE, admin_execute
from tests.helpers.voice_worker import FAST, NUMBER, VoiceFactory, during_call
from voice_runtime.routing import RouteRecord, StaticRoutes
from voice_runtime.testing.scripted_stt import ScriptedStt, ScriptLine
from voice_runtime.testing.sim_caller import Hangup, Say, WaitForAgent

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def test_call_completes_while_postgres_is_down_and_events_land_after(
    voice_worker: VoiceFactory, piper, pg_server: embedded.EmbeddedPostgres
) -> None:
    name = f"t_later_{uuid.uuid4().hex[:12]}"  # a database that does not exist yet: every connect fails
    late = make_engine(pg_server.database_url(name), pool_size=2)
    tenant_id = str(uuid.uuid4())
    stt = ScriptedStt([ScriptLine("my name is jane smith", 300)])
    # The routing table is the one thing this call needs before it starts; the database is down for the rest.
    routes = StaticRoutes({NUMBER: RouteRecord(NumberRoute(NUMBER, uuid.UUID(tenant_id), "Acme Plumbing",
                                                           "Australia/Sydney"), active=None)})
    try:
        async with voice_worker(stt, piper, db_engine=late, routes=routes, **FAST,
                                voice_event_retry_max_seconds=0.5) as voice:
            caller = await voice.place_call(piper)
            report = await caller.run([WaitForAgent(), Say("my name is jane smith"), WaitForAgent(), Hangup()])
            status = voice.runtime.buffer.status()["postgres"]
            assert report.agent_frames > 0 and len(report.agent_audio_starts) == 2  # the call went on
            assert status["pending"] and status["failures"]  # type: ignore[truthy-bool]
            await admin_execute(pg_server, f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')

            async def drained() -> bool:
                return voice.runtime.buffer.pending()["postgres"] == 0

            await until(drained, timeout=10.0, every=0.1)
        events = await EventStore(late).read(f"call:{caller.call_sid}")
        assert [e.seq for e in events] == list(range(1, len(events) + 1)) and len(events) >= status["pending"]  # type: ignore[operator]
        assert events[0].type == "call.started" and during_call(events)[-1].type == "call.ended"
        assert events[0].payload["tenant_id"] == tenant_id
    finally:
        await late.dispose()
        await admin_execute(pg_server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
