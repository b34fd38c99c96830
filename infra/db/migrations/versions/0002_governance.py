"""Governed change: issues, contracts, capabilities, signals, jobs, health, audit, incidents.

Revision ID: 0002_governance
Revises: 0001_spine

The tables are created from infra.db.tables_governance as it stands at this revision; a later
schema change must come as a new revision, not an edit of that module alone.
"""

from alembic import op

from infra.db import tables_governance as t
from infra.db.append_only import append_only_ddl, drop_append_only_ddl

revision = "0002_governance"
down_revision = "0001_spine"
branch_labels = None
depends_on = None

TABLES = [t.issues, t.issue_events, t.capabilities, t.capability_states, t.governance_signals,
          t.system_contracts, t.governance_jobs, t.governance_job_steps, t.health_signals,
          t.audit_verdicts, t.incidents, t.notifications]
APPEND_ONLY = ["issue_events", "health_signals", "audit_verdicts"]

# PART2-001 at the database: a contract row needs a validated issue whose eligibility is MAY.
# PART2-002: APPROVED/ACTIVE need an approver who is a founder principal.
# PART2-004: COMPLETED needs an audit PASS or a founder's `rollout` resolution for that contract.
GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION revos_guard_contract() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'DRAFT' OR NOT EXISTS (
            SELECT 1 FROM issues WHERE id = NEW.issue_id AND validator_output IS NOT NULL
               AND eligibility->>'decision' = 'MAY') THEN
            RAISE EXCEPTION 'contract % refused: a contract is born DRAFT from a validated, eligible issue',
                NEW.id USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.status IN ('APPROVED', 'ACTIVE') AND NOT EXISTS (
        SELECT 1 FROM principals WHERE id = NEW.approved_by AND role = 'founder') THEN
        RAISE EXCEPTION 'contract % refused: % needs a founder''s approval', NEW.id, NEW.status
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status = 'COMPLETED' AND NOT EXISTS (
        SELECT 1 FROM audit_verdicts WHERE contract_id = NEW.id
           AND (verdict = 'PASS' OR resolution = 'rollout')) THEN
        RAISE EXCEPTION 'contract % refused: COMPLETED needs an audit PASS or a founder resolution', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status IN ('COMPLETED', 'FAILED', 'REJECTED', 'EXPIRED', 'SUPERSEDED')
       AND NEW.status <> OLD.status THEN
        RAISE EXCEPTION 'contract % is % (terminal)', NEW.id, OLD.status USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
"""


def upgrade() -> None:
    bind = op.get_bind()
    for table in TABLES:
        table.create(bind)
    op.create_index("ix_contracts_status", "system_contracts", ["status", "created_at"])
    op.create_index("ix_governance_signals_scope", "governance_signals", ["scope"])
    op.execute(GUARD_FUNCTION)
    op.execute("CREATE TRIGGER system_contracts_guard BEFORE INSERT OR UPDATE ON system_contracts "
               "FOR EACH ROW EXECUTE FUNCTION revos_guard_contract()")
    for name in APPEND_ONLY:
        for statement in append_only_ddl(name):
            op.execute(statement)


def downgrade() -> None:
    for name in APPEND_ONLY:
        for statement in drop_append_only_ddl(name):
            op.execute(statement)
    bind = op.get_bind()
    for table in reversed(TABLES):
        table.drop(bind)
    op.execute("DROP FUNCTION IF EXISTS revos_guard_contract()")
