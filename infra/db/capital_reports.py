"""Read models for the admin: the weekly summary and an experiment's daily points (set-based SQL)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from domain.capital.signals import DailyPoint
from domain.capital.weekly import WeeklyRow, WeeklySummary, parse_week, summarize, week_bounds_utc
from infra.db.capital_facts import driver

WEEKLY = """
WITH spend AS (
  SELECT experiment_id,
         SUM(cost_usd) FILTER (WHERE date >= $1) AS week, SUM(cost_usd) AS total
  FROM cost_rollups WHERE experiment_id IS NOT NULL AND date < $2 GROUP BY experiment_id
), ev AS (
  SELECT experiment_id,
         count(*) FILTER (WHERE type = 'qpc') AS qpcs,
         count(*) FILTER (WHERE type = 'install_appointment_scheduled') AS schedules,
         count(*) FILTER (WHERE type = 'calculator_installed') AS installs,
         count(*) FILTER (WHERE type = 'paid_conversion') AS paid
  FROM canonical_events
  WHERE occurred_at >= $3 AND occurred_at < $4 AND experiment_id IS NOT NULL
  GROUP BY experiment_id
), ran AS (
  SELECT DISTINCT experiment_id FROM experiment_runs
  WHERE started_at < $4 AND COALESCE(stopped_at, 'infinity') > $3
)
SELECT x.id, x.name, x.campaign_id, c.name AS campaign_name, x.status, x.tranche_size_usd,
       COALESCE(s.week, 0) AS spend_week, COALESCE(s.total, 0) AS spend_total,
       COALESCE(ev.qpcs, 0) AS qpcs, COALESCE(ev.schedules, 0) AS schedules,
       COALESCE(ev.installs, 0) AS installs, COALESCE(ev.paid, 0) AS paid,
       (x.evaluation_recommended_at IS NOT NULL AND NOT EXISTS (
          SELECT 1 FROM evaluations v WHERE v.experiment_id = x.id AND v.created_at >= x.evaluation_recommended_at
       )) AS evaluation_recommended
FROM experiments x JOIN campaigns c ON c.id = x.campaign_id
LEFT JOIN spend s ON s.experiment_id = x.id
LEFT JOIN ev ON ev.experiment_id = x.id
WHERE ($5::uuid IS NULL OR x.tenant_id = $5)
  AND (x.id IN (SELECT experiment_id FROM ran) OR COALESCE(s.week, 0) <> 0 OR ev.experiment_id IS NOT NULL
       OR (x.status IN ('running', 'paused') AND x.created_at < $4))
ORDER BY c.name, x.created_at
"""


async def weekly_summary(conn: AsyncConnection, week: str, tenant_id: UUID | None = None) -> WeeklySummary:
    start_day, end_day = parse_week(week)
    start, end = week_bounds_utc(week)
    pg = await driver(conn)
    rows = await pg.fetch(WEEKLY, start_day, end_day, start, end, tenant_id)
    return summarize(week, [
        WeeklyRow(
            experiment_id=r["id"], experiment_name=r["name"], campaign_id=r["campaign_id"],
            campaign_name=r["campaign_name"], status=r["status"], spend_week_usd=Decimal(r["spend_week"]),
            spend_total_usd=Decimal(r["spend_total"]), tranche_size_usd=Decimal(r["tranche_size_usd"]),
            tranches_consumed=(Decimal(r["spend_total"]) / Decimal(r["tranche_size_usd"])).quantize(Decimal("0.0001")),
            qpcs=r["qpcs"], schedules=r["schedules"], installs=r["installs"], paid_conversions=r["paid"],
            evaluation_recommended=r["evaluation_recommended"],
        )
        for r in rows
    ])


DAILY = """
WITH spend AS (
  SELECT date AS day, SUM(cost_usd) AS spend FROM cost_rollups WHERE experiment_id = $1 GROUP BY date
), ev AS (
  SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day,
         count(*) FILTER (WHERE type = 'calculator_installed') AS installs,
         count(*) FILTER (WHERE type = 'paid_conversion') AS paid
  FROM canonical_events WHERE experiment_id = $1 AND type IN ('calculator_installed', 'paid_conversion')
  GROUP BY 1
)
SELECT COALESCE(spend.day, ev.day) AS day, COALESCE(spend.spend, 0) AS spend,
       COALESCE(ev.installs, 0) AS installs, COALESCE(ev.paid, 0) AS paid
FROM spend FULL JOIN ev ON ev.day = spend.day ORDER BY 1
"""


async def daily_points(conn: AsyncConnection, experiment_id: UUID) -> list[DailyPoint]:
    pg = await driver(conn)
    rows = await pg.fetch(DAILY, experiment_id)
    return [DailyPoint(day=r["day"], spend_usd=Decimal(r["spend"]), installs=r["installs"], paid=r["paid"])
            for r in rows]


async def store_summary(conn: AsyncConnection, summary: WeeklySummary, now: datetime) -> None:
    pg = await driver(conn)
    await pg.execute("INSERT INTO weekly_summaries (week, summary, generated_at) VALUES ($1, $2::jsonb, $3) "
                     "ON CONFLICT (week) DO UPDATE SET summary = EXCLUDED.summary, "
                     "generated_at = EXCLUDED.generated_at",
                     summary.week, summary.model_dump_json(), now)




async def event_counts(conn: AsyncConnection, experiment_id: UUID) -> dict[str, int]:
    pg = await driver(conn)
    rows = await pg.fetch("SELECT type, count(*) AS n FROM canonical_events WHERE experiment_id = $1 GROUP BY type",
                          experiment_id)
    return {r["type"]: r["n"] for r in rows}


async def alerts_since(conn: AsyncConnection, since: datetime) -> list[dict[str, object]]:
    pg = await driver(conn)
    rows = await pg.fetch(
        "SELECT a.id, a.experiment_id, x.name AS experiment_name, x.campaign_id, a.kind, a.cap_epoch, a.detail::text "
        "AS detail, a.raised_at FROM capital_alerts a JOIN experiments x ON x.id = a.experiment_id "
        "WHERE a.raised_at >= $1 ORDER BY a.raised_at, a.id", since)
    return [dict(r) for r in rows]
