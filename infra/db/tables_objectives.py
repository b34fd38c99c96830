"""Tenant configuration versions (immutable), their smoke results, the active version and its history.

Revision 0006_objectives writes the DDL (append-only triggers, the smoke-passed guard on the active pointer);
these definitions are for queries.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, DateTime, ForeignKey, Integer, Table, Text
from sqlalchemy.dialects.postgresql import JSONB, UUID

from infra.db.base import metadata

TS = DateTime(timezone=True)

# One row per version; the same content (hash) is one version of a tenant. Append-only.
tenant_config_versions = Table(
    "tenant_config_versions", metadata,
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("hash", Text, nullable=False),
    Column("canonical", JSONB, nullable=False),  # the compiled document with defaults written out
    Column("document", JSONB, nullable=False),  # the document as the operator wrote it (parsed)
    Column("source_format", Text, nullable=False),  # json | yaml | settings (derived by PATCH settings)
    Column("derived_from", Integer, nullable=True),
    Column("created_at", TS, nullable=False),
    Column("created_by", Text, nullable=False),
)

# Every smoke stage's verdict on a version. Append-only: a version passed once stays passed.
tenant_config_smoke_results = Table(
    "tenant_config_smoke_results", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("tenant_id", UUID(as_uuid=True), nullable=False),
    Column("version", Integer, nullable=False),
    Column("passed", Boolean, nullable=False),
    Column("workflow_id", Text, nullable=False),
    Column("detail", JSONB, nullable=False),
    Column("recorded_at", TS, nullable=False),
)

# The version new calls run: one row per tenant, switched in one statement beside its history row.
tenant_active_config = Table(
    "tenant_active_config", metadata,
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id"), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("activated_at", TS, nullable=False),
)

# Every activation, rollbacks included. Append-only.
tenant_config_activations = Table(
    "tenant_config_activations", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("tenant_id", UUID(as_uuid=True), nullable=False),
    Column("version", Integer, nullable=False),
    Column("previous_version", Integer, nullable=True),
    Column("reason", Text, nullable=False),
    Column("workflow_id", Text, nullable=True),
    Column("activated_by", Text, nullable=False),
    Column("activated_at", TS, nullable=False),
)
