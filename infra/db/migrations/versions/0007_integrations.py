"""Integrations: tenant secrets, deliveries, local channel records, calendar bookings, call cost lines.

Revision ID: 0007_integrations
Revises: 0001_spine
Depends on: 0003_capital (a voice call's cost lines join capital's daily rollup: `cost_rollups.source` gains 'voice')

Frozen: written out as at this revision (never built from infra.db.tables_integrations).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from infra.db.append_only import append_only_ddl, drop_append_only_ddl

revision = "0007_integrations"
down_revision = "0001_spine"
branch_labels = None
depends_on = ("0003_capital",)

TABLES = ["call_cost_lines", "calendar_bookings", "operator_alerts", "email_messages", "sms_messages", "deliveries",
          "tenant_secrets"]
APPEND_ONLY = ["call_cost_lines", "sms_messages", "email_messages", "operator_alerts"]
NOW = sa.text("now()")


def _secrets_and_deliveries() -> None:
    op.create_table("tenant_secrets",
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("key_id", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_tenant_secrets_tenant_id_tenants"),
        sa.PrimaryKeyConstraint("tenant_id", "name", name="pk_tenant_secrets"),
    )
    op.create_table("deliveries",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=True),
        sa.Column("call_sid", sa.Text(), nullable=False),
        sa.Column("integration_id", sa.Text(), nullable=False),
        sa.Column("integration_type", sa.Text(), nullable=False),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'retrying', 'delivered', 'dead')", name=op.f("ck_deliveries_status")),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
    )
    op.create_index("ix_deliveries_status_tenant", "deliveries", ["status", "tenant_id"])
    op.create_index("ix_deliveries_call_sid", "deliveries", ["call_sid"])


def _channels() -> None:
    op.create_table("sms_messages",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("idempotency_key", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=True),
        sa.Column("to_number", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("provider", sa.Text(), nullable=False),
        sa.Column("provider_sid", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sms_messages"),
        sa.UniqueConstraint("idempotency_key", name="uq_sms_messages_idempotency_key"),
    )
    op.create_table("email_messages",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("idempotency_key", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=True),
        sa.Column("recipients", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("has_invite", sa.Boolean(), nullable=False),
        sa.Column("provider", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_email_messages"),
        sa.UniqueConstraint("idempotency_key", name="uq_email_messages_idempotency_key"),
    )
    op.create_table("operator_alerts",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("idempotency_key", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("severity", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("detail", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_operator_alerts"),
        sa.UniqueConstraint("idempotency_key", name="uq_operator_alerts_idempotency_key"),
    )


def _calendar() -> None:
    op.create_table("calendar_bookings",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("idempotency_key", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=True),
        sa.Column("call_sid", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("all_day", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("conflicts_with", sa.UUID(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.CheckConstraint("status IN ('booked', 'conflict')", name=op.f("ck_calendar_bookings_status")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_calendar_bookings_span")),
        sa.PrimaryKeyConstraint("id", name="pk_calendar_bookings"),
        sa.UniqueConstraint("idempotency_key", name="uq_calendar_bookings_idempotency_key"),
    )
    op.create_index("ix_calendar_bookings_tenant_span", "calendar_bookings", ["tenant_id", "starts_at"])


def _costs() -> None:
    op.create_table("call_cost_lines",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("call_sid", sa.Text(), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=True),
        sa.Column("component", sa.Text(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("rate_usd", sa.Numeric(precision=18, scale=8), nullable=False),
        sa.Column("amount_usd", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("config_version", sa.Integer(), nullable=True),
        sa.Column("core_version", sa.Text(), nullable=False),
        sa.Column("detail", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.CheckConstraint("component IN ('telephony', 'stt', 'tts', 'transfer')",
                           name=op.f("ck_call_cost_lines_component")),
        sa.PrimaryKeyConstraint("id", name="pk_call_cost_lines"),
    )
    op.create_index("uq_call_cost_lines_call_line", "call_cost_lines", ["call_sid", "line"], unique=True)
    op.create_index("ix_call_cost_lines_tenant_day", "call_cost_lines", ["tenant_id", "day"])


def upgrade() -> None:
    _secrets_and_deliveries()
    _channels()
    _calendar()
    _costs()
    for table in APPEND_ONLY:
        for statement in append_only_ddl(table):
            op.execute(statement)
    op.drop_constraint(op.f("cost_rollups_source"), "cost_rollups", type_="check")
    op.create_check_constraint(op.f("cost_rollups_source"), "cost_rollups",
                               "source IN ('labor','bonus','twilio','gcp','voice')")


def downgrade() -> None:
    op.execute("DELETE FROM cost_rollups WHERE source = 'voice'")
    op.drop_constraint(op.f("cost_rollups_source"), "cost_rollups", type_="check")
    op.create_check_constraint(op.f("cost_rollups_source"), "cost_rollups",
                               "source IN ('labor','bonus','twilio','gcp')")
    for table in APPEND_ONLY:
        for statement in drop_append_only_ddl(table):
            op.execute(statement)
    for table in TABLES:
        op.drop_table(table)
