"""Spine: tenants, principals, streams, append-only events.

Revision ID: 0001_spine
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from infra.db.append_only import REFUSE_FUNCTION, append_only_ddl

revision = "0001_spine"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("timezone", sa.Text, nullable=False),
        sa.Column("locale", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "principals",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("tenant_id", UUID(as_uuid=True), sa.ForeignKey("tenants.id"), nullable=True),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint(
            "role IN ('founder','admin','operator','customer','service')", name="principals_role_valid"
        ),
        sa.CheckConstraint(
            "(role = 'customer') = (tenant_id IS NOT NULL)", name="principals_customer_has_tenant"
        ),
    )
    op.create_table(
        "streams",
        sa.Column("stream", sa.Text, primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("tenant_id", UUID(as_uuid=True), nullable=True),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("stream", sa.Text, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("schema_version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("payload", JSONB, nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("stream", "seq", name="uq_events_stream_seq"),
        sa.CheckConstraint("seq >= 1", name="events_seq_positive"),
    )
    op.create_index("ix_events_type_occurred", "events", ["type", "occurred_at"])
    op.execute(REFUSE_FUNCTION)
    for statement in append_only_ddl("events"):
        op.execute(statement)


def downgrade() -> None:
    op.drop_table("events")
    op.drop_table("streams")
    op.drop_table("principals")
    op.drop_table("tenants")
    op.execute("DROP FUNCTION IF EXISTS revos_refuse_mutation()")
