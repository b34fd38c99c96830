"""Integrations tables: tenant secrets (encrypted), deliveries (a projection of their streams), what the local
adapters sent (SMS, e-mail, operator alerts), the tenants' calendar bookings, and the cost lines of every call.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from infra.db.base import metadata

DELIVERY_STATUSES = ("pending", "retrying", "delivered", "dead")

# A stored secret: AES-GCM ciphertext (nonce first) bound to (tenant, name); never returned by any route.
tenant_secrets = Table(
    "tenant_secrets", metadata,
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id"), primary_key=True),
    Column("name", Text, primary_key=True),
    Column("ciphertext", LargeBinary, nullable=False),
    Column("key_id", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# The read model of `delivery:<id>` streams (the truth): what the dead-letter list and the dashboards read.
deliveries = Table(
    "deliveries", metadata,
    Column("id", Text, primary_key=True),
    Column("tenant_id", UUID(as_uuid=True), nullable=True),
    Column("call_sid", Text, nullable=False),
    Column("integration_id", Text, nullable=False),
    Column("integration_type", Text, nullable=False),
    Column("event", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True), nullable=True),
    CheckConstraint("status IN ('pending', 'retrying', 'delivered', 'dead')", name="status"),
    Index("ix_deliveries_status_tenant", "status", "tenant_id"),
    Index("ix_deliveries_call_sid", "call_sid"),
)

sms_messages = Table(
    "sms_messages", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("idempotency_key", Text, nullable=False, unique=True),
    Column("tenant_id", UUID(as_uuid=True), nullable=True),
    Column("to_number", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("provider", Text, nullable=False),
    Column("provider_sid", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

email_messages = Table(
    "email_messages", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("idempotency_key", Text, nullable=False, unique=True),
    Column("tenant_id", UUID(as_uuid=True), nullable=True),
    Column("recipients", ARRAY(Text), nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("has_invite", Boolean, nullable=False),
    Column("provider", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

operator_alerts = Table(
    "operator_alerts", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("idempotency_key", Text, nullable=False, unique=True),
    Column("source", Text, nullable=False),
    Column("severity", Text, nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("detail", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# A tenant's calendar: a request that overlaps a booked slot is kept as a conflict (the office calls back).
calendar_bookings = Table(
    "calendar_bookings", metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("idempotency_key", Text, nullable=False, unique=True),
    Column("tenant_id", UUID(as_uuid=True), nullable=True),
    Column("call_sid", Text, nullable=False),
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("ends_at", DateTime(timezone=True), nullable=False),
    Column("all_day", Boolean, nullable=False),
    Column("summary", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("conflicts_with", UUID(as_uuid=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("status IN ('booked', 'conflict')", name="status"),
    CheckConstraint("ends_at > starts_at", name="span"),
    Index("ix_calendar_bookings_tenant_span", "tenant_id", "starts_at"),
)

# One line per call and component (transfer legs one each); append-only, each line keeps the rate it used.
call_cost_lines = Table(
    "call_cost_lines", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("call_sid", Text, nullable=False),
    Column("line", Text, nullable=False),
    Column("tenant_id", UUID(as_uuid=True), nullable=True),
    Column("component", Text, nullable=False),
    Column("basis", Text, nullable=False),
    Column("quantity", Numeric(18, 6), nullable=False),
    Column("unit", Text, nullable=False),
    Column("rate_usd", Numeric(18, 8), nullable=False),
    Column("amount_usd", Numeric(18, 6), nullable=False),
    Column("day", Date, nullable=False),
    Column("config_version", Integer, nullable=True),
    Column("core_version", Text, nullable=False),
    Column("detail", JSONB, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # live: a tenant's caller (its voice cost); smoke: onboarding testing a configuration (the platform's).
    Column("purpose", Text, nullable=False, server_default=text("'live'")),
    CheckConstraint("component IN ('telephony', 'stt', 'tts', 'transfer')", name="component"),
    CheckConstraint("purpose IN ('live', 'smoke')", name="purpose"),
    Index("uq_call_cost_lines_call_line", "call_sid", "line", unique=True),
    Index("ix_call_cost_lines_tenant_day", "tenant_id", "day"),
)
