"""The calls read model the dashboards query: projected from call events by a trigger (0010_dashboards).

`smoke` (0015_calls_smoke): an onboarding smoke or stress call, the platform's testing; no figure counts it.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, Float, Index, Integer, Table, Text, false
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from infra.db.base import metadata

TS = DateTime(timezone=True)

# One row per call: who called, when, how it ended, what was captured, the latencies the caller lived through.
call_summaries = Table(
    "call_summaries", metadata,
    Column("call_sid", Text, primary_key=True),
    Column("tenant_id", UUID(as_uuid=True), nullable=True),
    Column("started_at", TS, nullable=False),
    Column("ended_at", TS, nullable=True),
    Column("last_event_at", TS, nullable=False),
    Column("caller", Text, nullable=True),
    Column("called", Text, nullable=True),
    Column("config_version", Integer, nullable=True),
    Column("config_hash", Text, nullable=True),
    Column("business_open", Boolean, nullable=True),
    Column("transport", Text, nullable=True),
    Column("end_reason", Text, nullable=True),
    Column("duration_ms", BigInteger, nullable=True),
    Column("terminal", Text, nullable=True),
    Column("agent_utterances", Integer, nullable=False, server_default="0"),
    Column("caller_turns", Integer, nullable=False, server_default="0"),
    Column("barge_ins", Integer, nullable=False, server_default="0"),
    Column("errors", Integer, nullable=False, server_default="0"),
    Column("transfer_status", Text, nullable=True),
    Column("transfer_to", Text, nullable=True),
    Column("captured", JSONB, nullable=False),
    Column("v2v_ms", ARRAY(Integer), nullable=False),
    Column("barge_in_ms", ARRAY(Integer), nullable=False),
    Column("smoke", Boolean, nullable=False, server_default=false()),
    Index("ix_call_summaries_started", "started_at"),
    Index("ix_call_summaries_tenant_started", "tenant_id", "started_at"),
)

# One row per objective a call pursued or skipped, with its outcome (`objective.outcome` kind, or "skipped").
call_objectives = Table(
    "call_objectives", metadata,
    Column("call_sid", Text, primary_key=True),
    Column("objective", Text, primary_key=True),
    Column("tenant_id", UUID(as_uuid=True), nullable=True),
    Column("type", Text, nullable=True),
    Column("started_at", TS, nullable=False),
    Column("outcome", Text, nullable=True),
    Column("value", Text, nullable=True),
    Column("outcome_at", TS, nullable=True),
    Column("smoke", Boolean, nullable=False, server_default=false()),
    Index("ix_call_objectives_started", "started_at"),
    Index("ix_call_objectives_tenant_started", "tenant_id", "started_at"),
)

# The platform's closed UTC days, rolled up once (infra/db/read_models/rollups.py); a day with a late event is
# dropped from call_rollup_days by the projection and rolled up again on the next read.
call_rollup_days = Table(
    "call_rollup_days", metadata,
    Column("day", Date, primary_key=True),
    Column("computed_at", TS, nullable=False),
)

COUNTS = ("calls", "answered", "missed", "in_progress", "transfers", "transfers_failed", "leads", "errors")
call_daily_tenant = Table(
    "call_daily_tenant", metadata,
    Column("day", Date, nullable=False),
    Column("tenant_id", UUID(as_uuid=True), nullable=True),
    *(Column(name, Integer, nullable=False) for name in COUNTS),
    Column("last_call_at", TS, nullable=True),
)

call_daily_latency = Table(
    "call_daily_latency", metadata,
    Column("day", Date, primary_key=True),
    Column("metric", Text, primary_key=True),
    Column("samples", Integer, nullable=False),
    Column("p50", Float, nullable=False),
    Column("p95", Float, nullable=False),
    Column("p99", Float, nullable=False),
)

OUTCOME_COUNTS = ("pursued", "completed", "failed", "declined", "skipped")
call_daily_objectives = Table(
    "call_daily_objectives", metadata,
    Column("day", Date, nullable=False),
    Column("tenant_id", UUID(as_uuid=True), nullable=True),
    Column("objective", Text, nullable=False),
    Column("type", Text, nullable=True),
    *(Column(name, Integer, nullable=False) for name in OUTCOME_COUNTS),
)
