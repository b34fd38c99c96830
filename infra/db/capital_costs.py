"""The daily cost rollup: one set-based statement per day, idempotent (the day is replaced, never added to).

A campaign's day of labor, Twilio and GCP cost is split across the experiments that ran that day in
proportion to their running seconds; what no experiment ran for stays with the campaign
(experiment_id NULL). Bonuses carry their experiment. Rounding residue stays in the campaign bucket,
so a day's rows always sum exactly to its raw cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from infra.db.capital_facts import driver

ROLLUP = """
WITH b AS (
  SELECT $1::date AS d, ($1::date)::timestamp AT TIME ZONE 'UTC' AS s, ($1::date + 1)::timestamp AT TIME ZONE 'UTC' AS e
), raw AS (
  SELECT tl.campaign_id, 'labor'::text AS source, lh.hours * tl.hourly_rate_usd AS cost
    FROM labor_hours lh JOIN team_logins tl ON tl.id = lh.login_id WHERE lh.day = $1
  UNION ALL
  SELECT s.campaign_id, 'twilio', x.cost FROM unnest($2::text[], $3::numeric[]) AS x(key, cost)
    JOIN campaign_cost_sources s ON s.source = 'twilio' AND s.external_key = x.key
  UNION ALL
  SELECT s.campaign_id, 'gcp', x.cost FROM unnest($4::text[], $5::numeric[]) AS x(key, cost)
    JOIN campaign_cost_sources s ON s.source = 'gcp' AND s.external_key = x.key
), per_campaign AS (
  SELECT campaign_id, source, SUM(cost) AS cost FROM raw GROUP BY campaign_id, source
), overlap AS (
  SELECT r.campaign_id, r.experiment_id,
         SUM(EXTRACT(EPOCH FROM LEAST(COALESCE(r.stopped_at, b.e), b.e) - GREATEST(r.started_at, b.s))) AS secs
  FROM experiment_runs r, b
  WHERE r.started_at < b.e AND COALESCE(r.stopped_at, 'infinity') > b.s
  GROUP BY r.campaign_id, r.experiment_id
), shares AS (
  SELECT p.campaign_id, o.experiment_id, p.source, ROUND(p.cost * o.secs / 86400, 6) AS cost
  FROM per_campaign p JOIN overlap o ON o.campaign_id = p.campaign_id
), unattributed AS (
  SELECT p.campaign_id, NULL::uuid AS experiment_id, p.source, p.cost - COALESCE(SUM(s.cost), 0) AS cost
  FROM per_campaign p LEFT JOIN shares s ON s.campaign_id = p.campaign_id AND s.source = p.source
  GROUP BY p.campaign_id, p.source, p.cost
), bonus AS (
  SELECT x.campaign_id, bo.experiment_id, 'bonus'::text AS source, SUM(bo.amount_usd) AS cost
  FROM bonuses bo JOIN experiments x ON x.id = bo.experiment_id, b
  WHERE bo.earned_at >= b.s AND bo.earned_at < b.e GROUP BY x.campaign_id, bo.experiment_id
), final AS (
  SELECT * FROM shares UNION ALL SELECT * FROM unattributed WHERE cost <> 0 UNION ALL SELECT * FROM bonus
), ins AS (
  INSERT INTO cost_rollups (date, campaign_id, experiment_id, source, cost_usd, computed_at)
  SELECT $1, campaign_id, experiment_id, source, cost, $6 FROM final
  RETURNING experiment_id
)
SELECT DISTINCT experiment_id FROM ins WHERE experiment_id IS NOT NULL
"""


async def rollup_day(conn: AsyncConnection, day: date, twilio: Sequence[tuple[str, Decimal]],
                     gcp: Sequence[tuple[str, Decimal]], now: datetime) -> list[UUID]:
    """Replace the day's rollup rows; returns the experiments that have cost that day."""
    pg = await driver(conn)
    # Replace, never add: a rerun of the day (in this transaction) cannot double count.
    await pg.execute("DELETE FROM cost_rollups WHERE date = $1", day)
    rows = await pg.fetch(ROLLUP, day,
                          [k for k, _ in twilio], [c for _, c in twilio], [k for k, _ in gcp], [c for _, c in gcp], now)
    return [r["experiment_id"] for r in rows]


async def spend_by_experiment(conn: AsyncConnection, experiment_ids: Sequence[UUID]) -> dict[UUID, Decimal]:
    pg = await driver(conn)
    rows = await pg.fetch("SELECT experiment_id, SUM(cost_usd) AS spend FROM cost_rollups "
                          "WHERE experiment_id = ANY($1::uuid[]) GROUP BY experiment_id", list(experiment_ids))
    return {r["experiment_id"]: Decimal(r["spend"]) for r in rows}


async def live_experiments(conn: AsyncConnection) -> list[UUID]:
    """Experiments whose workflow still governs them (running or paused)."""
    pg = await driver(conn)
    rows = await pg.fetch("SELECT id FROM experiments WHERE status IN ('running', 'paused')")
    return [r["id"] for r in rows]
