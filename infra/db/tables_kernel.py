"""Kernel tables: the metric dictionary and executor map (seeded), what cycles read, and the cycles.

metrics, revenue_events, opportunities, kernel_action_results (measured results of executed actions,
the learning feedback), kernel_policies and kernel_cycles are append-only
(triggers in 0004_kernel). An opportunity's current state is its latest row; a policy's too.
Campaign budgets and spend are read from the capital domain's tables when they exist.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Numeric,
    PrimaryKeyConstraint,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from infra.db.base import metadata

MONEY = Numeric(18, 2)

metric_dictionary = Table(
    "metric_dictionary", metadata,
    Column("metric_id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("unit", Text, nullable=False),
    Column("good", Text, nullable=False),
    Column("min_value", Float, nullable=True),
    Column("max_value", Float, nullable=True),
)

executor_map = Table(
    "executor_map", metadata,
    Column("owner_subsystem", Text, primary_key=True),
    Column("executor", Text, nullable=False),
    Column("description", Text, nullable=False),
)

metrics = Table(
    "metrics", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id"), nullable=False),
    Column("metric_id", Text, nullable=False),
    Column("value", Numeric(24, 6), nullable=False),
    Column("date", Date, nullable=False),
    Column("dimension", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_metrics_tenant_metric_date", "tenant_id", "metric_id", "date"),
)

revenue_events = Table(
    "revenue_events", metadata,
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id"), nullable=False),
    Column("id", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("effective_date", Date, nullable=False),
    Column("attributed_campaign_id", Text, nullable=True),
    Column("attributed_channel", Text, nullable=True),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("tenant_id", "id", name="pk_revenue_events"),
    Index("ix_revenue_events_tenant_date", "tenant_id", "effective_date"),
)

opportunities = Table(
    "opportunities", metadata,
    Column("row_id", BigInteger, primary_key=True, autoincrement=True),
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id"), nullable=False),
    Column("id", Text, nullable=False),
    Column("stage", Text, nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("expected_close_date", Date, nullable=False),
    Column("win_probability", Float, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_opportunities_tenant_id_row", "tenant_id", "id", "row_id"),
)

kernel_action_results = Table(
    "kernel_action_results", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id"), nullable=False),
    Column("result", JSONB, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Index("ix_kernel_action_results_tenant", "tenant_id", "recorded_at"),
)

kernel_policies = Table(
    "kernel_policies", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id"), nullable=False),
    Column("policy", JSONB, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Index("ix_kernel_policies_tenant", "tenant_id", "id"),
)

kernel_cycles = Table(
    "kernel_cycles", metadata,
    Column("cycle_id", UUID(as_uuid=True), primary_key=True),
    Column("tenant_id", UUID(as_uuid=True), nullable=True),
    Column("trigger_type", Text, nullable=True),
    Column("status", Text, nullable=False),
    Column("error_code", Text, nullable=True),
    Column("input", JSONB, nullable=False),
    Column("output", JSONB, nullable=False),
    Column("executed_at", DateTime(timezone=True), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_kernel_cycles_tenant_done", "tenant_id", "executed_at", postgresql_where=text("status = 'completed'")),
)

APPEND_ONLY = ("metrics", "revenue_events", "opportunities", "kernel_action_results", "kernel_policies",
               "kernel_cycles")
