"""The calls read model keys captured values by objective id, each `{kind, value}` (as the call's summary and the
integrations' payloads do): two phone objectives are two values, and a correction replaces its objective's value.

Before, `call_summaries.captured` mixed keys: `capture.confirmed` wrote the capture kind, `dialogue.ended` the
objective ids of the walk. Now the value comes from the objective's confirmed or corrected `objective.outcome`, its
kind from the objective's `objective.started` type (in `call_objectives`); `dialogue.ended.captured` (the walk's
final values) confirms them. A call recorded before the Voice Core walked graphs (no objective events) keeps its
`capture.confirmed` values, keyed by their kind. The upgrade rebuilds every call's `captured` from its events.

Revision ID: 0013_captured_by_objective
Revises: 0010_dashboards

Frozen: the projection is written out as at this revision (0010's, with its captured values replaced).
"""

import importlib.util
from pathlib import Path

from alembic import op

revision = "0013_captured_by_objective"
down_revision = "0010_dashboards"
branch_labels = None
depends_on = None

KIND_FUNCTION = """
CREATE FUNCTION revos_capture_kind(objective_type text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE objective_type WHEN 'capture_name' THEN 'name' WHEN 'capture_phone' THEN 'phone'
        WHEN 'capture_email' THEN 'email' WHEN 'capture_address' THEN 'address'
        WHEN 'capture_datetime' THEN 'date_time' WHEN 'message' THEN 'message' END
$$;
"""

CAPTURED_FUNCTION = """
CREATE FUNCTION revos_project_captured(sid text, t text, p jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    walked boolean := EXISTS (SELECT 1 FROM call_objectives WHERE call_sid = sid);
    found record;
BEGIN
    IF t = 'objective.outcome' AND p->>'kind' IN ('confirmed', 'corrected') AND p->>'value' IS NOT NULL THEN
        UPDATE call_summaries SET captured = captured || jsonb_build_object(p->>'objective', jsonb_build_object(
            'kind', (SELECT revos_capture_kind(o.type) FROM call_objectives o
                     WHERE o.call_sid = sid AND o.objective = p->>'objective'),
            'value', p->>'value'))
        WHERE call_sid = sid;
    ELSIF t = 'capture.confirmed' AND p->>'value' IS NOT NULL AND NOT walked THEN
        UPDATE call_summaries SET captured = captured || jsonb_build_object(COALESCE(p->>'kind', 'value'),
            jsonb_build_object('kind', p->>'kind', 'value', p->>'value'))
        WHERE call_sid = sid;
    ELSIF t = 'dialogue.ended' AND jsonb_typeof(p->'captured') = 'object' THEN
        FOR found IN SELECT key, value FROM jsonb_each_text(p->'captured') LOOP
            UPDATE call_summaries SET captured = captured || jsonb_build_object(found.key, jsonb_build_object(
                'kind', CASE WHEN walked THEN (SELECT revos_capture_kind(o.type) FROM call_objectives o
                                               WHERE o.call_sid = sid AND o.objective = found.key)
                             ELSE found.key END,
                'value', found.value))
            WHERE call_sid = sid;
        END LOOP;
    END IF;
END
$$;
"""

APPLY_FUNCTION = """
CREATE OR REPLACE FUNCTION revos_project_call_event(s text, t text, p jsonb, at timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    sid text := substr(s, 6);
    tid uuid := (SELECT tenant_id FROM streams WHERE stream = s);
BEGIN
    INSERT INTO call_summaries (call_sid, tenant_id, started_at, last_event_at)
    VALUES (sid, tid, at, at) ON CONFLICT (call_sid) DO NOTHING;
    UPDATE call_summaries SET last_event_at = GREATEST(last_event_at, at), started_at = LEAST(started_at, at),
        tenant_id = COALESCE(tenant_id, tid) WHERE call_sid = sid;
    IF t = 'call.started' THEN
        UPDATE call_summaries SET started_at = at, caller = p->>'caller', called = p->>'called',
            config_version = CASE WHEN jsonb_typeof(p->'config_version') = 'number'
                                  THEN (p->>'config_version')::numeric::int END,
            config_hash = p->>'config_hash',
            business_open = CASE WHEN jsonb_typeof(p->'business_open') = 'boolean'
                                 THEN (p->>'business_open')::boolean END,
            transport = p->>'transport'
        WHERE call_sid = sid;
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
        INSERT INTO call_objectives (call_sid, objective, tenant_id, type, started_at)
        VALUES (sid, p->>'objective', tid, p->>'type', at)
        ON CONFLICT (call_sid, objective) DO UPDATE SET type = EXCLUDED.type, started_at = EXCLUDED.started_at;
    ELSIF t IN ('objective.outcome', 'objective.skipped') AND p->>'objective' IS NOT NULL THEN
        INSERT INTO call_objectives (call_sid, objective, tenant_id, started_at, outcome, value, outcome_at)
        VALUES (sid, p->>'objective', tid, at, CASE t WHEN 'objective.skipped' THEN 'skipped' ELSE p->>'kind' END,
                p->>'value', at)
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

REBUILD = ("UPDATE call_summaries SET captured = '{}'::jsonb",
           "SELECT revos_project_captured(substr(stream, 6), type, payload) FROM events "
           "WHERE stream LIKE 'call:%' AND type IN ('objective.outcome', 'capture.confirmed', 'dialogue.ended') "
           "ORDER BY id")


def upgrade() -> None:
    op.execute(KIND_FUNCTION)
    op.execute(CAPTURED_FUNCTION)
    op.execute(APPLY_FUNCTION)
    for statement in REBUILD:
        op.execute(statement)


def _previous_projection() -> str:
    """0010's projection, as that revision froze it."""
    spec = importlib.util.spec_from_file_location("revos_0010", Path(__file__).with_name("0010_dashboards.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.APPLY_FUNCTION).replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)


def downgrade() -> None:
    """0010's projection again; captured values already projected keep this revision's shape."""
    op.execute(_previous_projection())
    op.execute("DROP FUNCTION IF EXISTS revos_project_captured(text, text, jsonb)")
    op.execute("DROP FUNCTION IF EXISTS revos_capture_kind(text)")
