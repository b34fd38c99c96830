"""Call cost lines say whose the call was: a tenant's live call, or an onboarding smoke call (priced apart).

A smoke call is the platform testing a configuration before it serves callers; its cost is not the tenant's
voice cost (nor capital's), so its lines carry `purpose = 'smoke'` and the tenant's totals read `live` ones.
Lines written before this revision are `live` (the column is append-only like the rest of the row).

Revision ID: 0012_smoke_call_costs
Revises: 0007_integrations

Frozen: written out as at this revision (never built from infra.db.tables_integrations).
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_smoke_call_costs"
down_revision = "0007_integrations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("call_cost_lines", sa.Column("purpose", sa.Text(), server_default=sa.text("'live'"),
                                               nullable=False))
    op.create_check_constraint(op.f("ck_call_cost_lines_purpose"), "call_cost_lines",
                               "purpose IN ('live', 'smoke')")


def downgrade() -> None:
    op.drop_constraint(op.f("ck_call_cost_lines_purpose"), "call_cost_lines", type_="check")
    op.drop_column("call_cost_lines", "purpose")
