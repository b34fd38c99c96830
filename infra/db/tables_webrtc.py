"""WebRTC tables: the public widgets through which a tenant's website starts browser calls to its agent."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Table, Text, func
from sqlalchemy.dialects.postgresql import ARRAY, UUID

from infra.db.base import metadata

# A widget id is public (it sits in the tenant's web page); it can only ask for call tokens for its own tenant.
tenant_widgets = Table(
    "tenant_widgets",
    metadata,
    Column("widget_id", Text, primary_key=True),
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id"), nullable=False, index=True),
    Column("label", Text, nullable=False),
    Column("allowed_origins", ARRAY(Text), nullable=False),  # empty: any origin may embed it
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)
