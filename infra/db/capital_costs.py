"""The daily cost rollup: one set-based statement per tenant day, idempotent (the day is replaced, never added to).

A day is the tenant's calendar day (its timezone; 23 or 25 hours across a clock change). A campaign's day
of labor, Twilio, GCP and voice-call cost is split across the experiments that ran that day in proportion to their
running seconds; what no experiment ran for stays with the campaign (experiment_id NULL). Bonuses carry
their experiment. Rounding residue stays in the campaign bucket, so a day's rows always sum exactly to
its raw cost. Labor is the hours recorded for the login that day; until they are recorded, the login's
dialer talk time that day (the hours the calls prove), so labor reaches the governor as it is worked.
A Twilio account or GCP project serving several campaigns gives each its recorded share. Provider costs
come in already converted to USD; what could not be converted is kept in `cost_refusals` for the day.
Voice calls' cost lines (`call_cost_lines`, written when each call ends) reach a campaign through
`campaign_cost_sources(source='voice', external_key=<tenant id>)`; map a tenant there or its Twilio account under
'twilio', not both, or the telephony of its calls counts twice. Smoke calls' lines (`purpose = 'smoke'`:
onboarding testing a configuration) are the platform's, never a campaign's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from domain.capital.costs import DayWindow, Rate, Refused
from infra.db.capital_facts import driver

ROLLUP = """
WITH b AS (
  SELECT $1::date AS d, $7::timestamptz AS s, $8::timestamptz AS e, EXTRACT(EPOCH FROM $8::timestamptz - $7) AS len
), camp AS (
  SELECT id FROM campaigns WHERE tenant_id = $9
), talk AS (
  SELECT dc.login_id, SUM(dc.duration_s) / 3600.0 AS hours
  FROM dialer_calls dc, b WHERE dc.campaign_id IN (SELECT id FROM camp) AND dc.started_at >= b.s AND dc.started_at < b.e
  GROUP BY dc.login_id
), raw AS (
  SELECT tl.campaign_id, 'labor'::text AS source, COALESCE(lh.hours, t.hours) * tl.hourly_rate_usd AS cost
    FROM team_logins tl LEFT JOIN labor_hours lh ON lh.login_id = tl.id AND lh.day = $1
    LEFT JOIN talk t ON t.login_id = tl.id
    WHERE tl.campaign_id IN (SELECT id FROM camp) AND (lh.hours IS NOT NULL OR t.hours IS NOT NULL)
  UNION ALL
  SELECT s.campaign_id, 'twilio', ROUND(x.cost * s.share, 6) FROM unnest($2::text[], $3::numeric[]) AS x(key, cost)
    JOIN campaign_cost_sources s ON s.source = 'twilio' AND s.external_key = x.key
    WHERE s.campaign_id IN (SELECT id FROM camp)
  UNION ALL
  SELECT s.campaign_id, 'gcp', ROUND(x.cost * s.share, 6) FROM unnest($4::text[], $5::numeric[]) AS x(key, cost)
    JOIN campaign_cost_sources s ON s.source = 'gcp' AND s.external_key = x.key
    WHERE s.campaign_id IN (SELECT id FROM camp)
  UNION ALL
  SELECT s.campaign_id, 'voice', l.amount_usd FROM call_cost_lines l
    JOIN campaign_cost_sources s ON s.source = 'voice' AND s.external_key = l.tenant_id::text
    WHERE l.day = $1 AND l.purpose = 'live' AND s.campaign_id IN (SELECT id FROM camp)
), per_campaign AS (
  SELECT campaign_id, source, SUM(cost) AS cost FROM raw GROUP BY campaign_id, source
), overlap AS (
  SELECT r.campaign_id, r.experiment_id,
         SUM(EXTRACT(EPOCH FROM LEAST(COALESCE(r.stopped_at, b.e), b.e) - GREATEST(r.started_at, b.s))) AS secs
  FROM experiment_runs r, b
  WHERE r.campaign_id IN (SELECT id FROM camp) AND r.started_at < b.e AND COALESCE(r.stopped_at, 'infinity') > b.s
  GROUP BY r.campaign_id, r.experiment_id
), shares AS (
  SELECT p.campaign_id, o.experiment_id, p.source, ROUND(p.cost * o.secs / b.len, 6) AS cost
  FROM per_campaign p JOIN overlap o ON o.campaign_id = p.campaign_id, b
), unattributed AS (
  SELECT p.campaign_id, NULL::uuid AS experiment_id, p.source, p.cost - COALESCE(SUM(s.cost), 0) AS cost
  FROM per_campaign p LEFT JOIN shares s ON s.campaign_id = p.campaign_id AND s.source = p.source
  GROUP BY p.campaign_id, p.source, p.cost
), bonus AS (
  SELECT x.campaign_id, bo.experiment_id, 'bonus'::text AS source, SUM(bo.amount_usd) AS cost
  FROM bonuses bo JOIN experiments x ON x.id = bo.experiment_id, b
  WHERE x.campaign_id IN (SELECT id FROM camp) AND bo.earned_at >= b.s AND bo.earned_at < b.e
  GROUP BY x.campaign_id, bo.experiment_id
), final AS (
  SELECT * FROM shares UNION ALL SELECT * FROM unattributed WHERE cost <> 0 UNION ALL SELECT * FROM bonus
), ins AS (
  INSERT INTO cost_rollups (date, campaign_id, experiment_id, source, cost_usd, computed_at)
  SELECT $1, campaign_id, experiment_id, source, cost, $6 FROM final
  RETURNING experiment_id
)
SELECT DISTINCT experiment_id FROM ins WHERE experiment_id IS NOT NULL
"""


async def rollup_day(conn: AsyncConnection, tenant_id: UUID, window: DayWindow, twilio: Sequence[tuple[str, Decimal]],
                     gcp: Sequence[tuple[str, Decimal]], refused: Sequence[tuple[str, Refused]], now: datetime
                     ) -> list[UUID]:
    """Replace the tenant day's rollup rows (and its refused costs); returns the experiments with cost that day."""
    pg = await driver(conn)
    # Replace, never add: a rerun of the day (in this transaction) cannot double count.
    await pg.execute("DELETE FROM cost_rollups WHERE date = $1 AND campaign_id IN "
                     "(SELECT id FROM campaigns WHERE tenant_id = $2)", window.day, tenant_id)
    await pg.execute("DELETE FROM cost_refusals WHERE date = $1 AND tenant_id = $2", window.day, tenant_id)
    if refused:
        await pg.executemany(
            "INSERT INTO cost_refusals (date, tenant_id, source, external_key, currency, amount, reason, computed_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            [(window.day, tenant_id, source, r.key, r.currency, r.amount, r.reason, now) for source, r in refused])
    rows = await pg.fetch(ROLLUP, window.day, [k for k, _ in twilio], [c for _, c in twilio], [k for k, _ in gcp],
                          [c for _, c in gcp], now, window.start, window.end, tenant_id)
    return [r["experiment_id"] for r in rows]


async def spend_by_experiment(conn: AsyncConnection, experiment_ids: Sequence[UUID]) -> dict[UUID, Decimal]:
    pg = await driver(conn)
    rows = await pg.fetch("SELECT experiment_id, SUM(cost_usd) AS spend FROM cost_rollups "
                          "WHERE experiment_id = ANY($1::uuid[]) GROUP BY experiment_id", list(experiment_ids))
    return {r["experiment_id"]: Decimal(r["spend"]) for r in rows}


async def live_experiments(conn: AsyncConnection, tenant_id: UUID | None = None) -> list[UUID]:
    """Experiments whose workflow still governs them (running or paused), of one tenant or all."""
    pg = await driver(conn)
    rows = await pg.fetch("SELECT id FROM experiments WHERE status IN ('running', 'paused') "
                          "AND ($1::uuid IS NULL OR tenant_id = $1) ORDER BY id", tenant_id)
    return [r["id"] for r in rows]


async def campaign_spend(conn: AsyncConnection, campaign_id: UUID) -> Decimal:
    """Everything rolled up against a campaign so far (its experiments' shares included)."""
    pg = await driver(conn)
    value = await pg.fetchval("SELECT COALESCE(SUM(cost_usd), 0) FROM cost_rollups WHERE campaign_id = $1",
                              campaign_id)
    return Decimal(value)


async def tenants(conn: AsyncConnection, tenant_id: UUID | None = None) -> list[tuple[UUID, str]]:
    """(tenant id, timezone) of the tenants that have campaigns (those a rollup has anything to write for)."""
    pg = await driver(conn)
    rows = await pg.fetch("SELECT t.id, t.timezone FROM tenants t WHERE ($1::uuid IS NULL OR t.id = $1) "
                          "AND EXISTS (SELECT 1 FROM campaigns c WHERE c.tenant_id = t.id) ORDER BY t.id", tenant_id)
    return [(r["id"], r["timezone"]) for r in rows]


async def cost_keys(conn: AsyncConnection, tenant_id: UUID) -> dict[str, list[str]]:
    """The tenant's mapped external keys per source (twilio, gcp)."""
    pg = await driver(conn)
    rows = await pg.fetch("SELECT DISTINCT s.source, s.external_key FROM campaign_cost_sources s JOIN campaigns c "
                          "ON c.id = s.campaign_id WHERE c.tenant_id = $1 ORDER BY 1, 2", tenant_id)
    out: dict[str, list[str]] = {"twilio": [], "gcp": []}
    for r in rows:
        out.setdefault(r["source"], []).append(r["external_key"])
    return out


async def rates(conn: AsyncConnection, currencies: Sequence[str]) -> list[Rate]:
    """Every recorded rate of these currencies (the rule picks the one in force, domain.capital.costs)."""
    if not currencies:
        return []
    pg = await driver(conn)
    rows = await pg.fetch("SELECT currency, effective_date, usd_per_unit, recorded_at FROM fx_rates "
                          "WHERE currency = ANY($1::text[])", list(currencies))
    return [Rate(r["currency"], r["effective_date"], Decimal(r["usd_per_unit"]), r["recorded_at"]) for r in rows]
