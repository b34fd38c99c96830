"""Dialer calls and performance events: set-based ingestion, attribution at the instant, bonuses.

Attribution is decided once, when the fact is recorded, from the experiment-run history
(start inclusive, stop exclusive); rows are append-only so it is never reassigned.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.capital.facts import (
    TERMINAL_BY_EVENT,
    DialerCallIn,
    PerformanceEventIn,
    bonus_allowed,
    bonus_period,
    bonus_refusal,
    derived_events,
    is_reportable,
    milestone_of,
    recording_requested,
)
from domain.errors import Conflict, InvalidInput, NotFound
from infra.db.engine import raw_driver

ATTRIBUTE = """
CASE WHEN l.terminal_at IS NOT NULL AND {at} > l.terminal_at THEN NULL ELSE (
  SELECT r.experiment_id FROM experiment_runs r
  WHERE r.campaign_id = l.campaign_id AND r.started_at <= {at} AND (r.stopped_at IS NULL OR {at} < r.stopped_at)
  ORDER BY r.started_at DESC LIMIT 1) END
"""

INSERT_CALLS = f"""
WITH input AS (
  SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::timestamptz[], $6::int[], $7::text[],
                       $8::bool[]) AS t(id, lead_id, login_id, sid, started_at, duration_s, outcome, rec)
), calls AS (
  INSERT INTO dialer_calls (id, tenant_id, campaign_id, lead_id, login_id, twilio_call_sid, started_at, duration_s,
                            outcome, recording_requested, experiment_id, recorded_at)
  SELECT i.id, l.tenant_id, l.campaign_id, i.lead_id, i.login_id, i.sid, i.started_at, i.duration_s, i.outcome, i.rec,
         {ATTRIBUTE.format(at="i.started_at")}, $12
  FROM input i JOIN leads l ON l.id = i.lead_id
  ON CONFLICT (twilio_call_sid) DO NOTHING
  RETURNING id, tenant_id, campaign_id, lead_id, login_id, started_at, experiment_id
), ev AS (
  INSERT INTO canonical_events (tenant_id, campaign_id, lead_id, login_id, call_id, type, occurred_at, experiment_id,
                                recorded_at)
  SELECT c.tenant_id, c.campaign_id, c.lead_id, c.login_id, c.id, e.type, c.started_at, c.experiment_id, $12
  FROM unnest($9::uuid[], $10::text[]) AS e(call_id, type) JOIN calls c ON c.id = e.call_id
  RETURNING experiment_id
)
SELECT (SELECT count(*) FROM calls) AS inserted,
       (SELECT count(*) FROM calls WHERE experiment_id IS NOT NULL) AS attributed,
       (SELECT count(*) FROM ev) AS events,
       $11::int AS submitted
"""


async def driver(conn: AsyncConnection) -> asyncpg.Connection:
    return await raw_driver(conn)


def _missing(kind: str, wanted: set[UUID], found: set[UUID]) -> None:
    missing = sorted(str(x) for x in wanted - found)
    if missing:
        raise InvalidInput(f"unknown {kind}: {', '.join(missing[:10])}", code=f"unknown_{kind}",
                           details={"missing": missing[:100]})


async def _check_refs(pg: asyncpg.Connection, calls: Sequence[DialerCallIn]) -> None:
    lead_ids = {c.lead_id for c in calls}
    login_ids = {c.login_id for c in calls}
    lead_rows = await pg.fetch("SELECT id, campaign_id FROM leads WHERE id = ANY($1::uuid[])", list(lead_ids))
    login_rows = await pg.fetch("SELECT id, campaign_id FROM team_logins WHERE id = ANY($1::uuid[])", list(login_ids))
    _missing("lead", lead_ids, {r["id"] for r in lead_rows})
    _missing("login", login_ids, {r["id"] for r in login_rows})
    lead_campaign = {r["id"]: r["campaign_id"] for r in lead_rows}
    login_campaign = {r["id"]: r["campaign_id"] for r in login_rows}
    wrong = sorted({c.twilio_call_sid for c in calls if lead_campaign[c.lead_id] != login_campaign[c.login_id]})
    if wrong:
        raise InvalidInput("login and lead are in different campaigns (one campaign per login): "
                           + ", ".join(wrong[:10]), code="login_not_in_campaign", details={"calls": wrong[:100]})


def _check_batch(calls: Sequence[DialerCallIn], now: datetime) -> None:
    sids = [c.twilio_call_sid for c in calls]
    if len(set(sids)) != len(sids):
        raise InvalidInput("a twilio_call_sid appears twice in the batch", code="duplicate_call_sid")
    future = [c.twilio_call_sid for c in calls if c.started_at > now]
    if future:
        raise InvalidInput(f"calls start in the future: {', '.join(future[:10])}", code="started_in_future")


async def ingest_calls(conn: AsyncConnection, calls: Sequence[DialerCallIn], now: datetime) -> dict[str, int]:
    """Insert calls and their canonical events in one statement; a resent call (same sid) is a no-op."""
    _check_batch(calls, now)
    pg = await driver(conn)
    await _check_refs(pg, calls)
    ids = [uuid.uuid4() for _ in calls]
    event_call: list[UUID] = []
    event_type: list[str] = []
    for call_id, call in zip(ids, calls, strict=True):
        for kind in derived_events(call.duration_s, call.outcome):
            event_call.append(call_id)
            event_type.append(kind.value)
    row = await pg.fetchrow(
        INSERT_CALLS, ids, [c.lead_id for c in calls], [c.login_id for c in calls],
        [c.twilio_call_sid for c in calls], [c.started_at for c in calls], [c.duration_s for c in calls],
        [c.outcome.value for c in calls], [recording_requested(c.duration_s) for c in calls],
        event_call, event_type, len(calls), now,
    )
    assert row is not None
    return {"submitted": len(calls), "inserted": row["inserted"], "duplicates": len(calls) - row["inserted"],
            "attributed": row["attributed"], "events": row["events"]}


INSERT_EVENT = f"""
INSERT INTO canonical_events (tenant_id, campaign_id, lead_id, login_id, external_id, type, occurred_at,
                              experiment_id, recorded_at)
SELECT l.tenant_id, l.campaign_id, l.id, $2, $3, $4, $5, {ATTRIBUTE.format(at="$5")}, $6
FROM leads l WHERE l.id = $1
ON CONFLICT (external_id) DO NOTHING
RETURNING id, experiment_id
"""


async def _event_refs(pg: asyncpg.Connection, event: PerformanceEventIn) -> asyncpg.Record:
    lead = await pg.fetchrow("SELECT l.id, l.campaign_id, l.terminal_state, l.tenant_id, t.timezone FROM leads l "
                             "JOIN tenants t ON t.id = l.tenant_id WHERE l.id = $1", event.lead_id)
    if lead is None:
        raise InvalidInput(f"unknown lead: {event.lead_id}", code="unknown_lead")
    if event.login_id is not None:
        login = await pg.fetchrow("SELECT campaign_id FROM team_logins WHERE id = $1", event.login_id)
        if login is None:
            raise InvalidInput(f"unknown login: {event.login_id}", code="unknown_login")
        if login["campaign_id"] != lead["campaign_id"]:
            raise InvalidInput("login and lead are in different campaigns", code="login_not_in_campaign")
    return lead


async def ingest_event(conn: AsyncConnection, event: PerformanceEventIn, now: datetime) -> dict[str, Any]:
    """Record one reported event, attribute it, make the lead terminal on paid, award a bonus if a rule applies."""
    if not is_reportable(event.type):
        raise InvalidInput(f"{event.type.value} is derived from dialer calls and cannot be reported",
                           code="event_not_reportable")
    if event.occurred_at > now:
        raise InvalidInput("occurred_at is in the future", code="occurred_in_future")
    pg = await driver(conn)
    lead = await _event_refs(pg, event)
    row = await pg.fetchrow(INSERT_EVENT, event.lead_id, event.login_id, event.external_id, event.type.value,
                            event.occurred_at, now)
    if row is None:
        existing = await pg.fetchrow("SELECT id, experiment_id, type, lead_id FROM canonical_events "
                                     "WHERE external_id = $1", event.external_id)
        assert existing is not None
        if existing["type"] != event.type.value or existing["lead_id"] != event.lead_id:
            raise Conflict("external_id was already used for a different event", code="external_id_reused")
        return {"event_id": existing["id"], "experiment_id": existing["experiment_id"], "duplicate": True,
                "bonus_id": None, "bonus_refused": None, "tenant_id": lead["tenant_id"]}
    terminal = TERMINAL_BY_EVENT.get(event.type)
    if terminal is not None and lead["terminal_state"] is None:
        await pg.execute("UPDATE leads SET terminal_state = $2, terminal_at = $3 WHERE id = $1",
                         event.lead_id, terminal.value, event.occurred_at)
    bonus_id, refused = (await _award_bonus(pg, row["id"], row["experiment_id"], event, lead["timezone"])
                         if row["experiment_id"] else (None, None))
    return {"event_id": row["id"], "experiment_id": row["experiment_id"], "duplicate": False, "bonus_id": bonus_id,
            "bonus_refused": refused, "tenant_id": lead["tenant_id"]}


INSERT_BONUS = """
INSERT INTO bonuses (id, experiment_id, rule_id, event_id, login_id, period, amount_usd, earned_at, status, lead_id,
                     milestone)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'earned', $9, $10)
ON CONFLICT (experiment_id, lead_id, milestone) WHERE milestone IS NOT NULL DO NOTHING
RETURNING id
"""


async def _award_bonus(pg: asyncpg.Connection, event_id: int, experiment_id: UUID, event: PerformanceEventIn,
                       timezone: str) -> tuple[UUID | None, str | None]:
    """Binary, once per lead milestone, only while the experiment runs, capped per tenant ISO week per login.

    Returns (bonus id, None) when one is earned, (None, reason) when a rule would have paid but may not.
    """
    milestone = milestone_of(event.type)
    if milestone is None or event.login_id is None:
        return None, None
    rules = await pg.fetch("SELECT id, bonus_amount_usd, eligible_roles, max_per_period FROM bonus_rules "
                           "WHERE experiment_id = $1 AND event_type = $2 ORDER BY created_at, id FOR UPDATE",
                           experiment_id, milestone)
    if not rules:
        return None, None
    status = await pg.fetchval("SELECT status FROM experiments WHERE id = $1", experiment_id)
    paid = await pg.fetchval("SELECT EXISTS (SELECT 1 FROM bonuses WHERE experiment_id = $1 AND lead_id = $2 "
                             "AND milestone = $3)", experiment_id, event.lead_id, milestone)
    refused = bonus_refusal(status, paid)
    if refused:
        return None, refused
    role = await pg.fetchval("SELECT role FROM team_logins WHERE id = $1", event.login_id)
    period = bonus_period(event.occurred_at, timezone)
    for rule in rules:
        count = await pg.fetchval("SELECT count(*) FROM bonuses WHERE rule_id = $1 AND login_id = $2 AND period = $3",
                                  rule["id"], event.login_id, period)
        if bonus_allowed(role, rule["eligible_roles"], count, rule["max_per_period"]):
            bonus_id = await pg.fetchval(INSERT_BONUS, uuid.uuid4(), experiment_id, rule["id"], event_id,
                                         event.login_id, period, rule["bonus_amount_usd"], event.occurred_at,
                                         event.lead_id, milestone)
            return (bonus_id, None) if bonus_id else (None, "milestone_already_paid")
    return None, None


async def tenants_of_leads(conn: AsyncConnection, lead_ids: Sequence[UUID]) -> list[UUID]:
    """The tenants these leads belong to (whose spend an ingestion changed)."""
    rows = await (await driver(conn)).fetch("SELECT DISTINCT tenant_id FROM leads WHERE id = ANY($1::uuid[])",
                                            list(lead_ids))
    return [r["tenant_id"] for r in rows]


async def pay_bonus(conn: AsyncConnection, bonus_id: UUID, now: datetime) -> dict[str, Any]:
    """Mark a bonus paid; from then on the database refuses any change to it."""
    pg = await driver(conn)
    row = await pg.fetchrow("SELECT * FROM bonuses WHERE id = $1 FOR UPDATE", bonus_id)
    if row is None:
        raise NotFound(f"bonus {bonus_id} does not exist", code="bonus_not_found")
    if row["status"] == "paid":
        raise Conflict("bonus is already paid and locked", code="bonus_locked")
    await pg.execute("UPDATE bonuses SET status = 'paid', paid_at = $2 WHERE id = $1", bonus_id, now)
    return {**dict(row), "status": "paid", "paid_at": now}
