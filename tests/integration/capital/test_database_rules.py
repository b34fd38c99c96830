"""Rules the database enforces by itself: one running experiment per campaign, immutability triggers."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.helpers.capital import World

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 2, 12, tzinfo=UTC)


async def test_two_concurrent_starts_exactly_one_wins(world: World, capital_worker: None) -> None:
    a, b = await world.experiment(), await world.experiment()
    responses = await asyncio.gather(*(world.api.post(f"/v1/experiments/{e}/start", headers=world.h()) for e in (a, b)))
    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 409], [r.text for r in responses]
    loser = next(r for r in responses if r.status_code == 409).json()
    assert loser["code"] == "experiment_already_running" and "already running" in loser["message"]
    listed = (await world.api.get(f"/v1/experiments?campaign_id={world.campaign_id}", headers=world.h())).json()
    assert sorted(e["status"] for e in listed) == ["planned", "running"]


async def test_partial_unique_index_refuses_second_running_row(world: World, engine: AsyncEngine) -> None:
    a, b = await world.experiment(), await world.experiment()

    async def start(experiment: str) -> str:
        try:
            async with engine.begin() as conn:
                await conn.execute(text("UPDATE experiments SET status = 'running' WHERE id = :e"), {"e": experiment})
                await asyncio.sleep(0.05)
            return "won"
        except IntegrityError as exc:
            assert "uq_experiments_one_running" in str(exc)
            return "lost"

    assert sorted(await asyncio.gather(start(a), start(b))) == ["lost", "won"]


async def _refused(engine: AsyncEngine, sql: str, params: dict[str, object] | None = None) -> None:
    with pytest.raises(DBAPIError, match="immutable|append-only|locked|change only|fixed|terminal"):
        async with engine.begin() as conn:
            await conn.execute(text(sql), params or {})


@pytest.mark.parametrize("final", ["completed", "terminated"])
async def test_final_experiments_are_immutable(world: World, engine: AsyncEngine, final: str) -> None:
    exp = await world.experiment()
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE experiments SET status = :s, end_date = current_date WHERE id = :e"),
                           {"s": final, "e": exp})
    await _refused(engine, "UPDATE experiments SET name = 'rewritten' WHERE id = :e", {"e": exp})
    await _refused(engine, "UPDATE experiments SET status = 'running' WHERE id = :e", {"e": exp})
    await _refused(engine, "DELETE FROM experiments WHERE id = :e", {"e": exp})


async def _evaluation(engine: AsyncEngine, experiment: str) -> str:
    evaluation = str(uuid.uuid4())
    async with engine.begin() as conn:
        await conn.execute(text(
            "INSERT INTO evaluations VALUES (:id, :e, now(), 100, 10, 10, 'continue', 'capital', 'go on', '', :p)"),
            {"id": evaluation, "e": experiment, "p": str(uuid.uuid4())})
    return evaluation


async def test_evaluations_and_overrides_are_immutable(world: World, engine: AsyncEngine) -> None:
    exp = await world.experiment()
    evaluation = await _evaluation(engine, exp)
    await _refused(engine, "UPDATE evaluations SET verdict = 'stop'")
    await _refused(engine, "DELETE FROM evaluations")
    await _refused(engine, "TRUNCATE evaluations CASCADE")
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO overrides VALUES (:id, :e, :v, 'evidence says go', now(), :p)"),
                           {"id": str(uuid.uuid4()), "e": exp, "v": evaluation, "p": str(uuid.uuid4())})
    await _refused(engine, "UPDATE overrides SET rationale = 'quietly changed'")
    await _refused(engine, "DELETE FROM overrides")
    with pytest.raises(IntegrityError):  # the doctrine at the database: no override without an evaluation
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO overrides VALUES (:id, :e, NULL, 'no evaluation', now(), :p)"),
                               {"id": str(uuid.uuid4()), "e": exp, "p": str(uuid.uuid4())})
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO overrides VALUES (:id, :e, :v, '   ', now(), :p)"),
                               {"id": str(uuid.uuid4()), "e": exp, "v": evaluation, "p": str(uuid.uuid4())})


async def test_paid_bonuses_are_locked(world: World, engine: AsyncEngine) -> None:
    exp = await world.experiment(bonus_rules=[{"event_type": "schedule", "bonus_amount_usd": "50",
                                               "eligible_roles": ["sdr"]}])
    lead = await world.lead()
    async with engine.begin() as conn:
        rule = (await conn.execute(text("SELECT id FROM bonus_rules WHERE experiment_id = :e"), {"e": exp})).scalar()
        event = (await conn.execute(text(
            "INSERT INTO canonical_events (tenant_id, campaign_id, lead_id, type, occurred_at, experiment_id) "
            "VALUES (:t, :c, :l, 'install_appointment_scheduled', now(), :e) RETURNING id"),
            {"t": world.tenant_id, "c": world.campaign_id, "l": lead, "e": exp})).scalar()
        await conn.execute(text("INSERT INTO bonuses VALUES (:id, :e, :r, :ev, :lg, '2026-W45', 50, now(), 'earned', "
                                "NULL)"), {"id": str(uuid.uuid4()), "e": exp, "r": rule, "ev": event,
                                           "lg": world.login_id})
    await _refused(engine, "UPDATE bonuses SET amount_usd = 75")  # no retroactive change, even unpaid
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE bonuses SET status = 'paid', paid_at = now()"))
    await _refused(engine, "UPDATE bonuses SET paid_at = now() - interval '1 day'")
    await _refused(engine, "DELETE FROM bonuses")


async def test_facts_and_history_are_append_only(world: World, capital_worker: None, engine: AsyncEngine) -> None:
    exp = await world.experiment(bonus_rules=[{"event_type": "schedule", "bonus_amount_usd": "5",
                                               "eligible_roles": ["sdr"]}])
    lead = await world.lead()
    await world.post(f"/v1/experiments/{exp}/start", expect=200)
    await world.call(lead, datetime.now(UTC))
    await world.post(f"/v1/experiments/{exp}/evaluation-trigger", expect=200)
    await world.post(f"/v1/experiments/{exp}/pause", expect=200)
    await world.post("/v1/team/hours", {"login_id": world.login_id, "day": "2026-11-02", "hours": "8"},
                     role="service", expect=201)
    async with engine.connect() as conn:
        for table in ("dialer_calls", "canonical_events", "labor_hours", "capital_alerts", "experiment_runs"):
            assert (await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar(), table
    for table in ("dialer_calls", "canonical_events", "labor_hours", "capital_alerts"):
        await _refused(engine, f"UPDATE {table} SET {'hours' if table == 'labor_hours' else 'id'} = "
                               f"{'hours' if table == 'labor_hours' else 'id'}")
        await _refused(engine, f"DELETE FROM {table}")
    await _refused(engine, "TRUNCATE dialer_calls CASCADE")
    await _refused(engine, "UPDATE experiment_runs SET stopped_at = now()")  # closed runs are history
    await _refused(engine, "DELETE FROM experiment_runs")
    await _refused(engine, "UPDATE bonus_rules SET bonus_amount_usd = 500")  # fixed once started
    await world.post(f"/v1/leads/{lead}/terminal", {"state": "permanently_not_interested"}, role="service",
                     expect=200)
    await _refused(engine, "UPDATE leads SET terminal_state = NULL, terminal_at = NULL WHERE id = :l", {"l": lead})
    other = await world.lead()
    await _refused(engine, "UPDATE leads SET campaign_id = gen_random_uuid() WHERE id = :l", {"l": other})
