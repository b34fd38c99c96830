"""Voice tables: which tenant answers which phone number."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Table, Text, func
from sqlalchemy.dialects.postgresql import UUID

from infra.db.base import metadata

# A number routes to exactly one tenant (the primary key makes it unique across tenants).
tenant_phone_numbers = Table(
    "tenant_phone_numbers",
    metadata,
    Column("number", Text, primary_key=True),
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id"), nullable=False, index=True),
    Column("transfer_to", Text, nullable=True),  # where escalations from calls to this number go (E.164)
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
