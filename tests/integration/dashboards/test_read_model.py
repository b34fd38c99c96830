"""The calls read model follows the call events as they are appended (the trigger), and rebuilds from them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.voice.messages import Captured
from infra.db.read_models import calls
from tests.helpers.dashboards import append_call, event, seed_calls, tenant_with_key

pytestmark = pytest.mark.integration
T0 = datetime(2026, 11, 2, 23, 30, tzinfo=UTC)  # 10:30 on 3 November in Sydney


async def test_a_call_is_summarised_as_its_events_arrive(engine: AsyncEngine) -> None:
    tenant, _ = await tenant_with_key(engine, "Harbour Plumbing", T0, "+61291110000")
    at = T0
    events = [
        event("call.started", at, call_sid="CA1", tenant_id=str(tenant), caller="+61400111222", called="+61291110000",
              config_version=3, config_hash="abc", business_open=True, transport="twilio"),
        event("agent.utterance.started", at + timedelta(seconds=1), utterance_id=1, text="Hi", voice_to_voice_ms=None),
        event("objective.started", at + timedelta(seconds=2), objective="name", type="capture_name"),
        event("turn.ended", at + timedelta(seconds=4), text="Ann Lee", dtmf="", reason="silence"),
        event("agent.utterance.started", at + timedelta(seconds=5), utterance_id=2, text="Ann Lee?",
              voice_to_voice_ms=612.0),
        event("barge_in", at + timedelta(seconds=6), reaction_ms=150),
        event("capture.confirmed", at + timedelta(seconds=7), kind="name", value="Ann Lee"),
        event("objective.outcome", at + timedelta(seconds=7), objective="name", kind="confirmed", value="Ann Lee"),
        event("objective.skipped", at + timedelta(seconds=7), objective="email"),
        event("transfer.requested", at + timedelta(seconds=8), to="+61299990000", kind="cold"),
    ]
    await append_call(engine, "CA1", tenant, events)
    row = await _row(engine, "CA1")
    assert row is not None and row.status == "answered" and row.ended_at is None
    assert (row.tenant_id, row.config_version, row.business_open) == (tenant, 3, True)
    assert row.captured == {"name": Captured(kind="name", value="Ann Lee")} and row.transfer_status == "requested"
    assert (row.agent_utterances, row.caller_turns, row.barge_ins) == (2, 1, 1)

    async with engine.begin() as conn:  # the rest of the call, as a later delivery appends it
        from infra.db import event_store
        await event_store.append(conn, "call:CA1", [
            event("transfer.completed", at + timedelta(seconds=12), to="+61299990000", kind="cold"),
            event("dialogue.ended", at + timedelta(seconds=12), reason="transfer", captured={"name": "Ann Lee"},
                  terminal={"action": "transfer", "to": "+61299990000", "reason": "transfer", "objective": "x"}),
            event("call.ended", at + timedelta(seconds=13), reason="transferred", duration_ms=13000.0)])
    row = await _row(engine, "CA1")
    assert row is not None and row.ended_at == at + timedelta(seconds=13) and row.duration_ms == 13000
    assert (row.transfer_status, row.terminal, row.end_reason) == ("completed", "transfer", "transferred")
    async with engine.connect() as conn:
        objectives = {o["objective"]: o["outcome"] for o in await calls.call_objective_rows(conn, "CA1")}
        v2v = (await conn.execute(text("SELECT v2v_ms, barge_in_ms FROM call_summaries"))).one()
    assert objectives == {"name": "confirmed", "email": "skipped"}
    assert (v2v.v2v_ms, v2v.barge_in_ms) == ([612], [150])


async def test_captured_values_are_keyed_by_objective_with_their_kind(engine: AsyncEngine) -> None:
    """Two phone objectives are two values; a correction replaces its objective's value; a call recorded before
    the Voice Core walked graphs keeps its capture events' values under their kind."""
    tenant, _ = await tenant_with_key(engine, "Two Phones", T0, "+61291110002")
    at = T0
    await append_call(engine, "CA3", tenant, [
        event("call.started", at, call_sid="CA3", tenant_id=str(tenant), config_version=1, business_open=True),
        event("objective.started", at, objective="mobile", type="capture_phone"),
        event("capture.confirmed", at, kind="phone", value="+61412345678"),
        event("objective.outcome", at, objective="mobile", kind="confirmed", value="+61412345678"),
        event("objective.started", at, objective="landline", type="capture_phone"),
        event("capture.confirmed", at, kind="phone", value="+61298765432"),
        event("objective.outcome", at, objective="landline", kind="confirmed", value="+61298765432"),
        event("objective.outcome", at, objective="mobile", kind="corrected", value="+61412345679"),
        event("dialogue.ended", at, reason="completed", captured={"mobile": "+61412345679",
                                                                  "landline": "+61298765432"}),
        event("call.ended", at, reason="dialogue_complete", duration_ms=9000)])
    await append_call(engine, "CA4", tenant, [
        event("call.started", at, call_sid="CA4", tenant_id=str(tenant)),
        event("capture.confirmed", at, kind="name", value="Ann Lee"),
        event("dialogue.ended", at, reason="completed", captured={"name": "Ann Lee"}),
        event("call.ended", at, reason="dialogue_complete", duration_ms=5000)])
    walked, legacy = await _row(engine, "CA3"), await _row(engine, "CA4")
    assert walked is not None and walked.captured == {"mobile": Captured(kind="phone", value="+61412345679"),
                                                      "landline": Captured(kind="phone", value="+61298765432")}
    assert legacy is not None and legacy.captured == {"name": Captured(kind="name", value="Ann Lee")}


async def test_a_malformed_event_is_skipped_not_refused(engine: AsyncEngine) -> None:
    tenant, _ = await tenant_with_key(engine, "Odd", T0)
    await append_call(engine, "CA2", tenant, [
        event("call.started", T0, call_sid="CA2", config_version=10**12),  # does not fit an int
        event("call.ended", T0 + timedelta(seconds=3), reason="hangup", duration_ms=3000)])
    async with engine.connect() as conn:
        stored = (await conn.execute(text("SELECT count(*) FROM events WHERE stream = 'call:CA2'"))).scalar_one()
    row = await _row(engine, "CA2")
    assert stored == 2
    assert row is not None and row.status == "missed" and row.config_version is None and row.duration_ms == 3000


async def test_daily_counts_use_the_tenants_days_and_the_model_rebuilds(engine: AsyncEngine) -> None:
    tenant, _ = await tenant_with_key(engine, "Bright Spark", T0, "+61291110001")
    starts = [T0 + timedelta(hours=h) for h in range(0, 48, 4)]
    await seed_calls(engine, tenant, starts)
    async with engine.connect() as conn:
        days = await calls.daily_counts(conn, T0 - timedelta(days=1), "Australia/Sydney", tenant)
        before = (await conn.execute(text("SELECT * FROM call_summaries ORDER BY call_sid"))).all()
        objectives_before = (await conn.execute(text("SELECT * FROM call_objectives ORDER BY 1, 2"))).all()
    assert [d.day.isoformat() for d in days] == ["2026-11-03", "2026-11-04", "2026-11-05"]
    assert sum(d.answered + d.missed for d in days) == len(starts)
    async with engine.begin() as conn:  # rebuild from the events alone: the same model
        await conn.execute(text("DELETE FROM call_objectives"))
        await conn.execute(text("DELETE FROM call_summaries"))
        await conn.execute(text("SELECT revos_project_call_event(stream, type, payload, occurred_at) FROM events "
                                "WHERE stream LIKE 'call:%' ORDER BY id"))
    async with engine.connect() as conn:
        after = (await conn.execute(text("SELECT * FROM call_summaries ORDER BY call_sid"))).all()
        objectives_after = (await conn.execute(text("SELECT * FROM call_objectives ORDER BY 1, 2"))).all()
    assert after == before and objectives_after == objectives_before


async def _row(engine: AsyncEngine, sid: str) -> calls.CallRow | None:
    async with engine.connect() as conn:
        return await calls.call_row(conn, sid)


async def test_rollups_of_closed_days_say_what_the_live_queries_say(engine: AsyncEngine) -> None:
    from datetime import date

    from infra.db import event_store
    from infra.db.read_models import rollups

    now = datetime.now(UTC)
    first: date = now.date() - timedelta(days=4)
    tenants = [(await tenant_with_key(engine, name, now, number))[0]
               for name, number in (("A", "+61291110010"), ("B", "+61291110011"))]
    times = [now - timedelta(hours=h) for h in range(1, 110, 5)]
    for i, tenant in enumerate(tenants):
        await seed_calls(engine, tenant, times, seed=i)
    days = len({t.date() for t in times if t.date() >= first})  # 4 or 5, by the time of day the test runs

    async def both() -> tuple[Any, Any]:
        async with engine.begin() as conn:
            live_from = await rollups.refresh(conn, first, now)
            rolled = (await rollups.daily_counts(conn, first, live_from),
                      await rollups.latency_daily(conn, "voice_to_voice", first, live_from),
                      await rollups.latency_daily(conn, "barge_in", first, live_from),
                      sorted(await rollups.objective_completion(conn, first, live_from), key=repr))
        async with engine.connect() as conn:
            since = rollups.midnight(first)
            live = (await calls.daily_counts(conn, since, "UTC"),
                    await calls.latency_daily(conn, "voice_to_voice", since),
                    await calls.latency_daily(conn, "barge_in", since),
                    sorted(await calls.objective_completion(conn, since), key=repr))
        return rolled, live

    rolled, live = await both()
    assert rolled == live and len(rolled[0]) == days
    async with engine.connect() as conn:
        done = set((await conn.execute(text("SELECT day FROM call_rollup_days"))).scalars())
    assert done == {first + timedelta(days=i) for i in range((rollups.last_closed_day(now) - first).days + 1)}

    async with engine.connect() as conn:  # a late event on a rolled-up day: that day is rolled up again
        old = (await conn.execute(text("SELECT call_sid, started_at FROM call_summaries WHERE ended_at IS NOT NULL "
                                       "ORDER BY started_at LIMIT 1"))).one()
    async with engine.begin() as conn:
        await event_store.append(conn, f"call:{old.call_sid}", [
            event("transfer.failed", old.started_at + timedelta(seconds=30), to="+61299990000", error="late")])
    async with engine.connect() as conn:
        rolled_days = set((await conn.execute(text("SELECT day FROM call_rollup_days"))).scalars())
    assert old.started_at.date() not in rolled_days
    rolled, live = await both()
    assert rolled == live
    async with engine.begin() as conn:
        health = {h.name: h for h in await rollups.tenant_health(conn, first, await rollups.refresh(conn, first, now),
                                                                  now)}
    assert sum(h.calls for h in health.values()) == sum(d.answered + d.missed + d.in_progress for d in live[0])
    assert sum(h.transfers_failed for h in health.values()) >= 1
