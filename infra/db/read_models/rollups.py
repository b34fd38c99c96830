"""The platform's figures per UTC day: closed days come from rollups computed once, the rest live.

A day is rolled up once it has been over for ROLLUP_MARGIN (calls past midnight have ended by then); the first
read that needs it computes it from the calls read model (smoke calls left out, as in `calls`), under an advisory
lock so two readers do not both write it. An event that lands on a rolled-up day (a late delivery) drops that day
from `call_rollup_days` in the projection trigger, and the next read computes it again. Every function here returns
what the live queries in `calls` would return for the same days, only without scanning every call of the window.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from infra.db.read_models import calls
from infra.db.tables import tenants
from infra.db.tables_dashboards import (
    OUTCOME_COUNTS,
    call_daily_latency,
    call_daily_objectives,
    call_daily_tenant,
    call_rollup_days,
)

ROLLUP_MARGIN = timedelta(hours=1)
_LOCK = 160_016  # pg_advisory_xact_lock key of the rollup writer

_TENANT_DAYS = text("""
INSERT INTO call_daily_tenant (day, tenant_id, calls, answered, missed, in_progress, transfers, transfers_failed,
                               leads, errors, last_call_at)
SELECT date(timezone('UTC', started_at)), tenant_id, count(*), count(*) FILTER (WHERE agent_utterances > 0),
       count(*) FILTER (WHERE agent_utterances = 0 AND ended_at IS NOT NULL),
       count(*) FILTER (WHERE agent_utterances = 0 AND ended_at IS NULL),
       count(*) FILTER (WHERE transfer_status = 'completed'), count(*) FILTER (WHERE transfer_status = 'failed'),
       count(*) FILTER (WHERE captured <> '{}'::jsonb), coalesce(sum(errors), 0), max(started_at)
FROM call_summaries WHERE started_at >= :start AND started_at < :end AND NOT smoke
  AND date(timezone('UTC', started_at)) = ANY(:days)
GROUP BY 1, 2""")

_LATENCY_DAYS = text("""
INSERT INTO call_daily_latency (day, metric, samples, p50, p95, p99)
SELECT day, :metric, samples, p[1], p[2], p[3] FROM (
  SELECT date(timezone('UTC', started_at)) AS day, count(*) AS samples,
         percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY v) AS p
  FROM call_summaries, unnest({column}) AS v
  WHERE started_at >= :start AND started_at < :end AND NOT smoke
    AND date(timezone('UTC', started_at)) = ANY(:days)
  GROUP BY 1) AS per_day""")

_OBJECTIVE_DAYS = text("""
INSERT INTO call_daily_objectives (day, tenant_id, objective, type, pursued, completed, failed, declined, skipped)
SELECT date(timezone('UTC', started_at)), tenant_id, objective, max(type),
       count(*) FILTER (WHERE outcome IS DISTINCT FROM 'skipped'),
       count(*) FILTER (WHERE outcome IN ('confirmed', 'chosen')), count(*) FILTER (WHERE outcome = 'failed'),
       count(*) FILTER (WHERE outcome = 'declined'), count(*) FILTER (WHERE outcome = 'skipped')
FROM call_objectives WHERE started_at >= :start AND started_at < :end AND NOT smoke
  AND date(timezone('UTC', started_at)) = ANY(:days)
GROUP BY 1, 2, 3""")


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def last_closed_day(now: datetime) -> date:
    """The latest UTC day that ended at least ROLLUP_MARGIN ago."""
    return (now - ROLLUP_MARGIN).astimezone(UTC).date() - timedelta(days=1)


async def refresh(conn: AsyncConnection, first_day: date, now: datetime) -> date:
    """Roll up the closed days from `first_day` that are not rolled up yet; returns the first day read live."""
    last = last_closed_day(now)
    if last < first_day:
        return first_day
    wanted = [first_day + timedelta(days=i) for i in range((last - first_day).days + 1)]
    done = set((await conn.execute(select(call_rollup_days.c.day).where(call_rollup_days.c.day >= first_day,
                                                                        call_rollup_days.c.day <= last))).scalars())
    if len(done) < len(wanted):
        await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK})
        await _compute(conn, [d for d in wanted if d not in done], now)
    return last + timedelta(days=1)


async def _compute(conn: AsyncConnection, days: list[date], now: datetime) -> None:
    days = [d for d in days if (await conn.execute(select(call_rollup_days.c.day).where(
        call_rollup_days.c.day == d))).first() is None]  # another reader may have done them while we waited
    if not days:
        return
    params: dict[str, Any] = {"days": days, "start": midnight(min(days)),
                              "end": midnight(max(days) + timedelta(days=1))}
    for table in (call_daily_tenant, call_daily_latency, call_daily_objectives):
        await conn.execute(table.delete().where(table.c.day.in_(days)))
    await conn.execute(_TENANT_DAYS, params)
    for metric, column in (("voice_to_voice", "v2v_ms"), ("barge_in", "barge_in_ms")):
        await conn.execute(text(_LATENCY_DAYS.text.format(column=column)), {**params, "metric": metric})
    await conn.execute(_OBJECTIVE_DAYS, params)
    await conn.execute(call_rollup_days.insert(), [{"day": d, "computed_at": now} for d in days])


async def daily_counts(conn: AsyncConnection, first_day: date, live_from: date) -> list[calls.DayCount]:
    """The platform's calls per UTC day from `first_day`: `calls.daily_counts` over rollups and live days.

    `live_from` is what `refresh` returned: days before it are rolled up, the rest are read live.
    """
    rows = await conn.execute(text(
        "SELECT day, sum(answered) AS answered, sum(missed) AS missed, sum(in_progress) AS in_progress, "
        "sum(transfers) AS transfers, sum(leads) AS leads FROM call_daily_tenant "
        "WHERE day >= :first AND day < :live GROUP BY day ORDER BY day"), {"first": first_day, "live": live_from})
    rolled = [calls.DayCount.model_validate(dict(r)) for r in rows.mappings()]
    return rolled + await calls.daily_counts(conn, midnight(live_from), "UTC")


async def latency_daily(conn: AsyncConnection, metric: calls.Metric, first_day: date, live_from: date
                        ) -> list[calls.PercentilePoint]:
    """The platform's p50/p95/p99 per UTC day from `first_day` (exact: each day's own percentiles)."""
    c = call_daily_latency.c
    rows = await conn.execute(select(c.day, c.samples, c.p50, c.p95, c.p99)
                              .where(c.metric == metric, c.day >= first_day, c.day < live_from).order_by(c.day))
    rolled = [calls.PercentilePoint.model_validate(dict(r)) for r in rows.mappings()]
    return rolled + await calls.latency_daily(conn, metric, midnight(live_from))


async def objective_completion(conn: AsyncConnection, first_day: date, live_from: date
                               ) -> list[calls.ObjectiveRate]:
    """Per tenant and objective since `first_day`: rolled-up days plus the live ones, summed."""
    o = call_daily_objectives.c
    query = (select(o.tenant_id, tenants.c.name.label("tenant_name"), o.objective, func.max(o.type).label("type"),
                    *(func.sum(o[k]).label(k) for k in OUTCOME_COUNTS))
             .select_from(call_daily_objectives.outerjoin(tenants, tenants.c.id == o.tenant_id))
             .where(o.day >= first_day, o.day < live_from).group_by(o.tenant_id, tenants.c.name, o.objective))
    merged: dict[tuple[UUID | None, str], dict[str, Any]] = {}
    rolled = [dict(r) for r in (await conn.execute(query)).mappings()]
    live = [r.model_dump() for r in await calls.objective_completion(conn, midnight(live_from))]
    for row in rolled + live:
        key = (row["tenant_id"], row["objective"])
        into = merged.setdefault(key, {**row, **dict.fromkeys(OUTCOME_COUNTS, 0)})
        into["type"] = into["type"] or row["type"]
        for k in OUTCOME_COUNTS:
            into[k] += int(row[k])
    ordered = sorted(merged.values(), key=lambda r: (r["tenant_name"] or "", r["objective"]))
    return [calls.ObjectiveRate.model_validate(r) for r in ordered]


async def tenant_health(conn: AsyncConnection, first_day: date, live_from: date, now: datetime
                        ) -> list[calls.TenantHealth]:
    """Every tenant: numbers, calls since `first_day` (rolled up and live), p95 voice-to-voice over the last day."""
    keys = ("calls", "answered", "missed", "transfers_failed", "errors")
    totals: dict[UUID | None, dict[str, Any]] = defaultdict(lambda: {**dict.fromkeys(keys, 0), "last_call_at": None})
    t = call_daily_tenant.c
    rolled = await conn.execute(select(t.tenant_id, *(t[k] for k in keys), t.last_call_at)
                                .where(t.day >= first_day, t.day < live_from))
    live = await calls.tenant_call_counts(conn, midnight(live_from))
    for row in [dict(r) for r in rolled.mappings()] + live:
        into = totals[row["tenant_id"]]
        for k in keys:
            into[k] += row[k]
        last = row["last_call_at"]
        if last is not None and (into["last_call_at"] is None or last > into["last_call_at"]):
            into["last_call_at"] = last
    p95 = await calls.tenant_p95(conn, now - timedelta(days=1))
    out = []
    for tenant in await calls.tenant_rows(conn):
        figures = totals.get(tenant["tenant_id"], {**dict.fromkeys(keys, 0), "last_call_at": None})
        out.append(calls.TenantHealth(**tenant, **figures, p95_v2v_ms=p95.get(tenant["tenant_id"])))
    return out
