"""Capital's money in other currencies and what it tells the admins: recorded USD rates (append-only), the
costs a rollup could not convert (replaced with each rollup of their day), and capital's deliveries."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, DateTime, Index, Numeric, Table, Text, text
from sqlalchemy.dialects.postgresql import JSONB, UUID

from infra.db.base import metadata

fx_rates = Table(
    "fx_rates", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("currency", Text, nullable=False),
    Column("effective_date", Date, nullable=False),
    Column("usd_per_unit", Numeric(18, 8), nullable=False),
    Column("source", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", UUID(as_uuid=True), nullable=True),
    Index("ix_fx_rates_lookup", "currency", "effective_date", "recorded_at"),
)

cost_refusals = Table(
    "cost_refusals", metadata,
    Column("date", Date, nullable=False),
    Column("tenant_id", UUID(as_uuid=True), nullable=False),
    Column("source", Text, nullable=False),
    Column("external_key", Text, nullable=False),
    Column("currency", Text, nullable=False),
    Column("amount", Numeric(18, 6), nullable=False),
    Column("reason", Text, nullable=False),
    Column("computed_at", DateTime(timezone=True), nullable=False),
    Index("ix_cost_refusals_day", "tenant_id", "date"),
)

capital_deliveries = Table(
    "capital_deliveries", metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("kind", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("recipient", Text, nullable=False),
    Column("subject", Text, nullable=False),
    Column("body_text", Text, nullable=False),
    Column("body_html", Text, nullable=True),
    Column("attachments", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("delivery_status", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
