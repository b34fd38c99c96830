"""Queries over the calls read model (call_summaries, call_objectives) and a call's own event stream.

Answered: the caller heard the agent (an `agent.utterance.started`); missed: the call ended without it.
Smoke and stress calls (`smoke`: onboarding testing a configuration) are the platform's, not the tenant's: every
figure and list here leaves them out, except `call_row` (the call's own page) and `smoke_calls`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field, computed_field
from sqlalchemy import Select, and_, func, literal_column, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.events import RecordedEvent, stream_name
from domain.voice.messages import Captured
from infra.db import event_store
from infra.db.tables import tenants
from infra.db.tables_dashboards import call_objectives, call_summaries
from infra.db.tables_voice import tenant_phone_numbers

CallStatus = Literal["in progress", "answered", "missed"]
Metric = Literal["voice_to_voice", "barge_in"]
_METRIC_COLUMN = {"voice_to_voice": "v2v_ms", "barge_in": "barge_in_ms"}
COMPLETED_OUTCOMES = ("confirmed", "chosen")


class CallRow(BaseModel):
    call_sid: str
    tenant_id: UUID | None
    started_at: datetime
    ended_at: datetime | None
    caller: str | None
    called: str | None
    config_version: int | None
    business_open: bool | None
    end_reason: str | None
    duration_ms: int | None
    terminal: str | None
    agent_utterances: int
    caller_turns: int
    barge_ins: int
    errors: int
    transfer_status: str | None
    transfer_to: str | None
    captured: dict[str, Captured] = Field(default_factory=dict)  # by objective id (revision 0013)
    smoke: bool = False  # an onboarding smoke or stress call (revision 0015)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def status(self) -> CallStatus:
        if self.agent_utterances > 0:
            return "answered"
        return "missed" if self.ended_at is not None else "in progress"


class DayCount(BaseModel):
    day: date
    answered: int
    missed: int
    in_progress: int
    transfers: int
    leads: int


class PercentilePoint(BaseModel):
    day: date
    samples: int
    p50: float
    p95: float
    p99: float


class ObjectiveRate(BaseModel):
    tenant_id: UUID | None
    tenant_name: str | None
    objective: str
    type: str | None
    pursued: int
    completed: int
    failed: int
    declined: int
    skipped: int

    @property
    def rate(self) -> float | None:
        return self.completed / self.pursued if self.pursued else None


class TenantHealth(BaseModel):
    tenant_id: UUID
    name: str
    timezone: str
    numbers: int
    calls: int
    answered: int
    missed: int
    transfers_failed: int
    errors: int
    p95_v2v_ms: float | None
    last_call_at: datetime | None


_ROW_COLUMNS = [c for c in call_summaries.c if c.name not in ("v2v_ms", "barge_in_ms", "last_event_at",
                                                              "config_hash", "transport")]


def _calls_query(tenant_id: UUID | None, smoke: bool | None = False) -> Select[Any]:
    """Rows of one tenant (None: every tenant); live calls only, smoke calls only (True) or both (None)."""
    query = select(*_ROW_COLUMNS)
    if smoke is not None:
        query = query.where(call_summaries.c.smoke.is_(smoke))
    return query.where(call_summaries.c.tenant_id == tenant_id) if tenant_id is not None else query


async def recent_calls(conn: AsyncConnection, tenant_id: UUID | None, limit: int = 50) -> list[CallRow]:
    """The newest live calls, of one tenant or of the platform."""
    query = _calls_query(tenant_id).order_by(call_summaries.c.started_at.desc()).limit(limit)
    return [CallRow.model_validate(dict(r)) for r in (await conn.execute(query)).mappings()]


async def smoke_calls(conn: AsyncConnection, tenant_id: UUID, limit: int = 50) -> list[CallRow]:
    """The tenant's newest smoke and stress calls (onboarding's), apart from its callers'."""
    query = _calls_query(tenant_id, smoke=True).order_by(call_summaries.c.started_at.desc()).limit(limit)
    return [CallRow.model_validate(dict(r)) for r in (await conn.execute(query)).mappings()]


async def leads(conn: AsyncConnection, tenant_id: UUID, limit: int = 50) -> list[CallRow]:
    """The newest live calls that captured something (the captured values are the lead)."""
    query = (_calls_query(tenant_id).where(call_summaries.c.captured != text("'{}'::jsonb"))
             .order_by(call_summaries.c.started_at.desc()).limit(limit))
    return [CallRow.model_validate(dict(r)) for r in (await conn.execute(query)).mappings()]


async def call_row(conn: AsyncConnection, call_sid: str) -> CallRow | None:
    """One call, smoke or live (its own page)."""
    query = _calls_query(None, smoke=None).where(call_summaries.c.call_sid == call_sid)
    row = (await conn.execute(query)).mappings().first()
    return CallRow.model_validate(dict(row)) if row else None


async def call_events(conn: AsyncConnection, call_sid: str) -> list[RecordedEvent]:
    return await event_store.read_stream(conn, stream_name("call", call_sid))


async def call_objective_rows(conn: AsyncConnection, call_sid: str) -> list[dict[str, Any]]:
    query = (select(call_objectives).where(call_objectives.c.call_sid == call_sid)
             .order_by(call_objectives.c.started_at))
    return [dict(r) for r in (await conn.execute(query)).mappings()]


async def daily_counts(conn: AsyncConnection, since: datetime, tz: str, tenant_id: UUID | None = None
                       ) -> list[DayCount]:
    """Calls per day (days in `tz`) since an instant: answered, missed, in progress, transfers, leads."""
    c = call_summaries.c
    day = func.date(func.timezone(tz, c.started_at)).label("day")
    answered = c.agent_utterances > 0
    query = (select(day,
                    func.count().filter(answered).label("answered"),
                    func.count().filter(and_(~answered, c.ended_at.is_not(None))).label("missed"),
                    func.count().filter(and_(~answered, c.ended_at.is_(None))).label("in_progress"),
                    func.count().filter(c.transfer_status == "completed").label("transfers"),
                    func.count().filter(c.captured != text("'{}'::jsonb")).label("leads"))
             .where(c.started_at >= since, ~c.smoke).group_by(day).order_by(day))
    if tenant_id is not None:
        query = query.where(c.tenant_id == tenant_id)
    return [DayCount.model_validate(dict(r)) for r in (await conn.execute(query)).mappings()]


async def latency_daily(conn: AsyncConnection, metric: Metric, since: datetime, tenant_id: UUID | None = None
                        ) -> list[PercentilePoint]:
    """p50/p95/p99 per UTC day of a per-turn latency the callers lived through (ms)."""
    column = _METRIC_COLUMN[metric]
    scope = "AND tenant_id = :tenant_id" if tenant_id is not None else ""
    sql = text(f"""
        SELECT date(timezone('UTC', started_at)) AS day, count(*) AS samples,
               percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY v) AS p
        FROM call_summaries, unnest({column}) AS v
        WHERE started_at >= :since AND NOT smoke {scope}
        GROUP BY 1 ORDER BY 1""")
    params: dict[str, Any] = {"since": since, "tenant_id": tenant_id}
    rows = (await conn.execute(sql, params)).mappings()
    return [PercentilePoint(day=r["day"], samples=r["samples"], p50=r["p"][0], p95=r["p"][1], p99=r["p"][2])
            for r in rows]


async def objective_completion(conn: AsyncConnection, since: datetime, tenant_id: UUID | None = None
                               ) -> list[ObjectiveRate]:
    """Per tenant and objective: how often it was pursued and completed (confirmed or chosen)."""
    o = call_objectives.c
    pursued = o.outcome.is_distinct_from("skipped")
    query = (select(o.tenant_id, tenants.c.name.label("tenant_name"), o.objective,
                    func.max(o.type).label("type"),
                    func.count().filter(pursued).label("pursued"),
                    func.count().filter(o.outcome.in_(COMPLETED_OUTCOMES)).label("completed"),
                    func.count().filter(o.outcome == "failed").label("failed"),
                    func.count().filter(o.outcome == "declined").label("declined"),
                    func.count().filter(o.outcome == "skipped").label("skipped"))
             .select_from(call_objectives.outerjoin(tenants, tenants.c.id == o.tenant_id))
             .where(o.started_at >= since, ~o.smoke)
             .group_by(o.tenant_id, tenants.c.name, o.objective)
             .order_by(tenants.c.name, o.objective))
    if tenant_id is not None:
        query = query.where(o.tenant_id == tenant_id)
    return [ObjectiveRate.model_validate(dict(r)) for r in (await conn.execute(query)).mappings()]


async def tenant_call_counts(conn: AsyncConnection, since: datetime) -> list[dict[str, Any]]:
    """Per tenant since an instant: calls, answered, missed, failed transfers, errors, the last call."""
    c = call_summaries.c
    answered = c.agent_utterances > 0
    query = (select(c.tenant_id, func.count().label("calls"), func.count().filter(answered).label("answered"),
                    func.count().filter(and_(~answered, c.ended_at.is_not(None))).label("missed"),
                    func.count().filter(c.transfer_status == "failed").label("transfers_failed"),
                    func.coalesce(func.sum(c.errors), 0).label("errors"), func.max(c.started_at).label("last_call_at"))
             .where(c.started_at >= since, ~c.smoke).group_by(c.tenant_id))
    return [dict(r) for r in (await conn.execute(query)).mappings()]


async def tenant_p95(conn: AsyncConnection, since: datetime) -> dict[UUID | None, float]:
    """Each tenant's p95 voice-to-voice since an instant (ms)."""
    p95 = text("""SELECT tenant_id, percentile_cont(0.95) WITHIN GROUP (ORDER BY v) AS p95
                  FROM call_summaries, unnest(v2v_ms) AS v WHERE started_at >= :since AND NOT smoke
                  GROUP BY tenant_id""")
    return {r["tenant_id"]: float(r["p95"]) for r in (await conn.execute(p95, {"since": since})).mappings()}


async def tenant_rows(conn: AsyncConnection) -> list[dict[str, Any]]:
    """Every tenant with how many numbers route to it, by name."""
    numbers = (select(tenant_phone_numbers.c.tenant_id, func.count().label("numbers"))
               .group_by(tenant_phone_numbers.c.tenant_id).subquery())
    zero: Any = literal_column("0")
    query = (select(tenants.c.id.label("tenant_id"), tenants.c.name, tenants.c.timezone,
                    func.coalesce(numbers.c.numbers, zero).label("numbers"))
             .select_from(tenants.outerjoin(numbers, numbers.c.tenant_id == tenants.c.id)).order_by(tenants.c.name))
    return [dict(r) for r in (await conn.execute(query)).mappings()]


async def tenant_numbers(conn: AsyncConnection, tenant_id: UUID) -> list[dict[str, Any]]:
    query = (select(tenant_phone_numbers.c.number, tenant_phone_numbers.c.transfer_to)
             .where(tenant_phone_numbers.c.tenant_id == tenant_id).order_by(tenant_phone_numbers.c.number))
    return [dict(r) for r in (await conn.execute(query)).mappings()]


async def tenant_names(conn: AsyncConnection) -> dict[UUID, str]:
    rows = await conn.execute(select(tenants.c.id, tenants.c.name))
    return {r.id: r.name for r in rows}


class VersionUse(BaseModel):
    config_version: int | None  # None: the built-in default graph
    calls: int
    first_call_at: datetime
    last_call_at: datetime


async def calls_by_config_version(conn: AsyncConnection, tenant_id: UUID) -> list[VersionUse]:
    """Which configuration versions the tenant's live calls ran on (from `call.started`), newest version first."""
    c = call_summaries.c
    query = (select(c.config_version, func.count().label("calls"), func.min(c.started_at).label("first_call_at"),
                    func.max(c.started_at).label("last_call_at"))
             .where(c.tenant_id == tenant_id, ~c.smoke).group_by(c.config_version)
             .order_by(c.config_version.desc().nulls_last()))
    return [VersionUse.model_validate(dict(r)) for r in (await conn.execute(query)).mappings()]
