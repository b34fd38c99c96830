"""Smoke and stress calls (onboarding testing a configuration: `call.started.smoke` true) are flagged in the calls
read model, so every customer and operator figure leaves them out; they stay readable as calls (the onboarding run
links them, the version history lists them apart).

`call_summaries.smoke` is set from the call's `call.started`; `call_objectives.smoke` copies it (objective rows are
counted on their own, without a join). The upgrade sets both from the stored events and drops every rolled-up
day, so the next read rolls them up again without the smoke calls.

Revision ID: 0015_calls_smoke
Revises: 0013_captured_by_objective

Frozen: the projection is written out as at this revision (0013's, with the flag set).
"""

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0015_calls_smoke"
down_revision = "0013_captured_by_objective"
branch_labels = None
depends_on = None

APPLY_FUNCTION = """
CREATE OR REPLACE FUNCTION revos_project_call_event(s text, t text, p jsonb, at timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    sid text := substr(s, 6);
    tid uuid := (SELECT tenant_id FROM streams WHERE stream = s);
    smoke_call boolean;
BEGIN
    INSERT INTO call_summaries (call_sid, tenant_id, started_at, last_event_at)
    VALUES (sid, tid, at, at) ON CONFLICT (call_sid) DO NOTHING;
    UPDATE call_summaries SET last_event_at = GREATEST(last_event_at, at), started_at = LEAST(started_at, at),
        tenant_id = COALESCE(tenant_id, tid) WHERE call_sid = sid;
    smoke_call := (SELECT smoke FROM call_summaries WHERE call_sid = sid);
    IF t = 'call.started' THEN
        UPDATE call_summaries SET started_at = at, caller = p->>'caller', called = p->>'called',
            config_version = CASE WHEN jsonb_typeof(p->'config_version') = 'number'
                                  THEN (p->>'config_version')::numeric::int END,
            config_hash = p->>'config_hash',
            business_open = CASE WHEN jsonb_typeof(p->'business_open') = 'boolean'
                                 THEN (p->>'business_open')::boolean END,
            transport = p->>'transport', smoke = COALESCE(p->'smoke' = 'true'::jsonb, false)
        WHERE call_sid = sid;
        UPDATE call_objectives SET smoke = COALESCE(p->'smoke' = 'true'::jsonb, false) WHERE call_sid = sid;
    ELSIF t = 'call.ended' THEN
        UPDATE call_summaries SET ended_at = at, end_reason = p->>'reason',
            duration_ms = CASE WHEN jsonb_typeof(p->'duration_ms') = 'number'
                               THEN (p->>'duration_ms')::numeric::bigint END
        WHERE call_sid = sid;
    ELSIF t = 'agent.utterance.started' THEN
        UPDATE call_summaries SET agent_utterances = agent_utterances + 1,
            v2v_ms = CASE WHEN jsonb_typeof(p->'voice_to_voice_ms') = 'number'
                          THEN v2v_ms || (p->>'voice_to_voice_ms')::numeric::int ELSE v2v_ms END
        WHERE call_sid = sid;
    ELSIF t = 'barge_in' THEN
        UPDATE call_summaries SET barge_ins = barge_ins + 1,
            barge_in_ms = CASE WHEN jsonb_typeof(p->'reaction_ms') = 'number'
                               THEN barge_in_ms || (p->>'reaction_ms')::numeric::int ELSE barge_in_ms END
        WHERE call_sid = sid;
    ELSIF t = 'turn.ended' THEN
        UPDATE call_summaries SET caller_turns = caller_turns + 1 WHERE call_sid = sid;
    ELSIF t = 'error' THEN
        UPDATE call_summaries SET errors = errors + 1 WHERE call_sid = sid;
    ELSIF t LIKE 'transfer.%' THEN
        UPDATE call_summaries SET transfer_status = substr(t, 10), transfer_to = COALESCE(p->>'to', transfer_to)
        WHERE call_sid = sid;
    ELSIF t = 'dialogue.ended' THEN
        UPDATE call_summaries SET
            terminal = CASE jsonb_typeof(p->'terminal') WHEN 'object' THEN p->'terminal'->>'action'
                                                        ELSE p->>'terminal' END
        WHERE call_sid = sid;
    ELSIF t = 'objective.started' AND p->>'objective' IS NOT NULL THEN
        INSERT INTO call_objectives (call_sid, objective, tenant_id, type, started_at, smoke)
        VALUES (sid, p->>'objective', tid, p->>'type', at, smoke_call)
        ON CONFLICT (call_sid, objective) DO UPDATE SET type = EXCLUDED.type, started_at = EXCLUDED.started_at;
    ELSIF t IN ('objective.outcome', 'objective.skipped') AND p->>'objective' IS NOT NULL THEN
        INSERT INTO call_objectives (call_sid, objective, tenant_id, started_at, outcome, value, outcome_at, smoke)
        VALUES (sid, p->>'objective', tid, at, CASE t WHEN 'objective.skipped' THEN 'skipped' ELSE p->>'kind' END,
                p->>'value', at, smoke_call)
        ON CONFLICT (call_sid, objective) DO UPDATE SET outcome = EXCLUDED.outcome, value = EXCLUDED.value,
            outcome_at = EXCLUDED.outcome_at;
    END IF;
    PERFORM revos_project_captured(sid, t, p);
    -- an event of a call on a day already rolled up (late delivery, a call past midnight) makes that day stale
    DELETE FROM call_rollup_days
    WHERE day IN ((SELECT date(timezone('UTC', started_at)) FROM call_summaries WHERE call_sid = sid),
                  date(timezone('UTC', at)));
END
$$;
"""

BACKFILL = (
    "UPDATE call_summaries s SET smoke = true FROM events e "
    "WHERE e.stream = 'call:' || s.call_sid AND e.type = 'call.started' AND e.payload->'smoke' = 'true'::jsonb",
    "UPDATE call_objectives o SET smoke = true FROM call_summaries s WHERE s.call_sid = o.call_sid AND s.smoke",
    "DELETE FROM call_rollup_days",
)


def upgrade() -> None:
    for table in ("call_summaries", "call_objectives"):
        op.add_column(table, sa.Column("smoke", sa.Boolean, nullable=False, server_default=sa.false()))
    op.execute(APPLY_FUNCTION)
    for statement in BACKFILL:
        op.execute(statement)


def _previous_projection() -> str:
    """0013's projection, as that revision froze it."""
    spec = importlib.util.spec_from_file_location("revos_0013",
                                                  Path(__file__).with_name("0013_captured_by_objective.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.APPLY_FUNCTION)


def downgrade() -> None:
    """0013's projection again, without the flag; rolled-up days are computed again (smoke calls counted)."""
    op.execute(_previous_projection())
    for table in ("call_objectives", "call_summaries"):
        op.drop_column(table, "smoke")
    op.execute("DELETE FROM call_rollup_days")
