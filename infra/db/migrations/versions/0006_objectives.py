"""Objectives: immutable tenant configuration versions, their smoke results, the active version and its history.

Revision ID: 0006_objectives
Revises: 0001_spine
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from infra.db.append_only import append_only_ddl

revision = "0006_objectives"
down_revision = "0001_spine"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
APPEND_ONLY = ("tenant_config_versions", "tenant_config_smoke_results", "tenant_config_activations")

# The active pointer may only name a version whose smoke tests passed: the database holds the rule too.
ACTIVE_GUARD = """
CREATE OR REPLACE FUNCTION revos_active_config_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'the active configuration is switched, never deleted' USING ERRCODE = 'restrict_violation';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM tenant_config_smoke_results s
                   WHERE s.tenant_id = NEW.tenant_id AND s.version = NEW.version AND s.passed) THEN
        RAISE EXCEPTION 'version % of tenant % never passed its smoke tests', NEW.version, NEW.tenant_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'tenant_active_config_smoke_passed';
    END IF;
    RETURN NEW;
END $$;
"""


def upgrade() -> None:
    op.create_table(
        "tenant_config_versions",
        sa.Column("tenant_id", UUID(as_uuid=True), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("hash", sa.Text, nullable=False),
        sa.Column("canonical", JSONB, nullable=False),
        sa.Column("document", JSONB, nullable=False),
        sa.Column("source_format", sa.Text, nullable=False),
        sa.Column("derived_from", sa.Integer, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "version", name="pk_tenant_config_versions"),
        sa.UniqueConstraint("tenant_id", "hash", name="uq_tenant_config_versions_hash"),
        sa.CheckConstraint("version >= 1", name="tenant_config_versions_version_positive"),
        sa.CheckConstraint("hash ~ '^[0-9a-f]{64}$'", name="tenant_config_versions_hash_sha256"),
        sa.CheckConstraint("source_format IN ('json', 'yaml', 'settings')", name="tenant_config_versions_format"),
    )
    op.create_table(
        "tenant_config_smoke_results",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("tenant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("workflow_id", sa.Text, nullable=False),
        sa.Column("detail", JSONB, nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["tenant_id", "version"], ["tenant_config_versions.tenant_id",
                                                           "tenant_config_versions.version"],
                                name="fk_tenant_config_smoke_results_version"),
    )
    op.create_index("ix_tenant_config_smoke_results_version", "tenant_config_smoke_results", ["tenant_id", "version"])
    op.create_table(
        "tenant_active_config",
        sa.Column("tenant_id", UUID(as_uuid=True), sa.ForeignKey("tenants.id"), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("activated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["tenant_id", "version"], ["tenant_config_versions.tenant_id",
                                                           "tenant_config_versions.version"],
                                name="fk_tenant_active_config_version"),
    )
    op.create_table(
        "tenant_config_activations",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("tenant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("previous_version", sa.Integer, nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("workflow_id", sa.Text, nullable=True),
        sa.Column("activated_by", sa.Text, nullable=False),
        sa.Column("activated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["tenant_id", "version"], ["tenant_config_versions.tenant_id",
                                                           "tenant_config_versions.version"],
                                name="fk_tenant_config_activations_version"),
        sa.CheckConstraint("reason IN ('onboarding', 'rollback', 'roll_forward')",
                           name="tenant_config_activations_reason"),
    )
    op.create_index("ix_tenant_config_activations_tenant", "tenant_config_activations", ["tenant_id", "id"])
    for table in APPEND_ONLY:
        for statement in append_only_ddl(table):
            op.execute(statement)
    op.execute(ACTIVE_GUARD)
    op.execute("CREATE TRIGGER tenant_active_config_guard BEFORE INSERT OR UPDATE OR DELETE ON tenant_active_config "
               "FOR EACH ROW EXECUTE FUNCTION revos_active_config_guard()")


def downgrade() -> None:
    op.drop_table("tenant_config_activations")
    op.drop_table("tenant_active_config")
    op.drop_table("tenant_config_smoke_results")
    op.drop_table("tenant_config_versions")
    op.execute("DROP FUNCTION IF EXISTS revos_active_config_guard()")
