"""Voice: phone numbers bound to tenants.

Revision ID: 0005_voice
Revises: 0001_spine
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0005_voice"
down_revision = "0001_spine"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenant_phone_numbers",
        sa.Column("number", sa.Text, primary_key=True),
        sa.Column("tenant_id", UUID(as_uuid=True), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("transfer_to", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("number ~ '^\\+[1-9][0-9]{6,14}$'", name="tenant_phone_numbers_e164"),
    )
    op.create_index("ix_tenant_phone_numbers_tenant_id", "tenant_phone_numbers", ["tenant_id"])


def downgrade() -> None:
    op.drop_table("tenant_phone_numbers")
