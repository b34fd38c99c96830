"""WebRTC: public call widgets per tenant.

Revision ID: 0014_webrtc
Revises: 0001_spine
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, UUID

revision = "0014_webrtc"
down_revision = "0001_spine"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenant_widgets",
        sa.Column("widget_id", sa.Text, primary_key=True),
        sa.Column("tenant_id", UUID(as_uuid=True), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("allowed_origins", ARRAY(sa.Text), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("widget_id ~ '^wgt_[A-Za-z0-9_-]{16,64}$'", name="tenant_widgets_id_shape"),
    )
    op.create_index("ix_tenant_widgets_tenant_id", "tenant_widgets", ["tenant_id"])


def downgrade() -> None:
    op.drop_table("tenant_widgets")
