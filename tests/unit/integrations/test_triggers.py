"""Which deliveries a call produces, from its events as the voice worker emits them (CONTRACT's event names)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from domain.integrations import RetrySchedule, call_facts, call_triggers, delivery_id, plan, relevant
from domain.objectives import compile_config
from domain.voice.messages import CallEventIn

HARBOUR = Path(__file__).resolve().parents[3] / "examples" / "tenants" / "harbour-plumbing.yaml"
AT = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


def _events(*items: tuple[str, dict[str, Any]]) -> list[CallEventIn]:
    return [CallEventIn(seq=i + 1, type=t, payload=p, occurred_at=AT) for i, (t, p) in enumerate(items)]


def _outcome(objective: str, kind: str, value: str | None = None) -> tuple[str, dict[str, Any]]:
    return "objective.outcome", {"objective": objective, "kind": kind, "value": value}


STARTED = ("call.started", {"call_sid": "CA1", "tenant_id": "t1", "caller": "+61400000001", "called": "+61290000001",
                            "config_version": 3, "config_hash": "abc", "business_open": True})
ENDED = ("call.ended", {"reason": "dialogue_complete", "duration_ms": 61000})


def test_a_full_lead_with_a_visit_triggers_every_matching_integration() -> None:
    compiled = compile_config(HARBOUR.read_text())
    events = _events(STARTED, _outcome("name", "confirmed", "Sam Lee"), _outcome("service", "chosen", "quote"),
                     _outcome("phone", "confirmed", "+61412345678"), _outcome("email", "declined"),
                     _outcome("visit", "confirmed", "2026-11-26T15:00:00+11:00"),
                     ("stt.partial", {"text": "ignored"}), ENDED)
    facts = call_facts("CA1", None, events)
    triggers = call_triggers(relevant(events), compiled.graph, facts)
    assert [t.event for t in triggers] == ["call.ended", "lead.captured", "appointment.requested"]
    lead = triggers[1].data
    assert lead["captured"] == {"name": {"kind": "name", "value": "Sam Lee"},
                                "phone": {"kind": "phone", "value": "+61412345678"},
                                "visit": {"kind": "date_time", "value": "2026-11-26T15:00:00+11:00"}}
    assert lead["chosen"] == {"service": "quote"}
    assert triggers[2].data["value"] == "2026-11-26T15:00:00+11:00"
    assert triggers[0].data["terminal"]["action"] == "end"
    deliveries = plan(facts, compiled.config.integrations, triggers, AT, RetrySchedule())
    assert [(d.integration.id, d.event) for d in deliveries] == [
        ("crm", "call.ended"), ("crm", "lead.captured"), ("owner_sms", "lead.captured"),
        ("office_email", "call.ended"), ("bookings", "appointment.requested")]
    assert deliveries[0].delivery_id == delivery_id("CA1", "crm", "call.ended") == deliveries[0].idempotency_key
    assert deliveries[0].body["call"]["tenant_id"] == "t1" and deliveries[0].body["call"]["config_version"] == 3


def test_a_failed_required_capture_is_no_lead_but_the_transfer_is_reported() -> None:
    compiled = compile_config(HARBOUR.read_text())
    events = _events(STARTED, _outcome("name", "confirmed", "Sam Lee"), _outcome("service", "chosen", "quote"),
                     _outcome("phone", "failed"), ("transfer.requested", {"to": "+61290000002"}),
                     ("transfer.failed", {"to": "+61290000002", "kind": "cold", "error": "busy"}), ENDED)
    triggers = call_triggers(events, compiled.graph, call_facts("CA1", "t1", events))
    assert [t.event for t in triggers] == ["call.ended", "transfer.failed"]
    assert triggers[1].data == {"to": "+61290000002", "kind": "cold", "error": "busy"}


def test_an_emergency_transfer_is_a_lead_only_for_what_was_captured() -> None:
    compiled = compile_config(HARBOUR.read_text())
    events = _events(STARTED, _outcome("name", "confirmed", "Sam Lee"), _outcome("service", "chosen", "emergency"),
                     ("transfer.completed", {"to": "+61290000002", "kind": "cold"}), ENDED)
    triggers = call_triggers(events, compiled.graph, call_facts("CA1", "t1", events))
    assert [t.event for t in triggers] == ["call.ended", "lead.captured", "transfer.completed"]
    assert triggers[1].data["captured"] == {"name": {"kind": "name", "value": "Sam Lee"}}


def test_nothing_before_the_call_ended_and_outcomes_that_do_not_fit_are_no_lead() -> None:
    compiled = compile_config(HARBOUR.read_text())
    assert call_triggers(_events(STARTED, _outcome("name", "confirmed", "Sam")), compiled.graph) == []
    wrong = _events(STARTED, _outcome("phone", "confirmed", "+61412345678"), ENDED)
    assert [t.event for t in call_triggers(wrong, compiled.graph)] == ["call.ended"]


def test_without_a_graph_the_confirmed_captures_still_describe_the_call() -> None:
    events = _events(STARTED, ("capture.confirmed", {"kind": "name", "value": "Jane Smith"}),
                     ("capture.confirmed", {"kind": "date_time", "value": "2026-11-26"}), ENDED)
    triggers = call_triggers(events, None)
    assert [t.event for t in triggers] == ["call.ended", "appointment.requested"]
    assert triggers[0].data["captured"] == {"name": {"kind": "name", "value": "Jane Smith"},
                                            "date_time": {"kind": "date_time", "value": "2026-11-26"}}


def test_stored_outcomes_read_the_same_as_signalled_ones() -> None:
    """The event store adds `call_seq` to every stored payload; the walk is rebuilt from it all the same."""
    compiled = compile_config(HARBOUR.read_text())
    signalled = _events(STARTED, _outcome("name", "confirmed", "Sam Lee"), _outcome("service", "chosen", "quote"),
                        _outcome("phone", "confirmed", "+61412345678"), _outcome("email", "declined"),
                        _outcome("visit", "confirmed", "2026-11-26T15:00:00+11:00"), ENDED)
    stored = [e.model_copy(update={"payload": {**e.payload, "call_seq": e.seq}}) for e in signalled]
    assert call_triggers(stored, compiled.graph) == call_triggers(signalled, compiled.graph)
    assert [t.event for t in call_triggers(stored, compiled.graph)] == [
        "call.ended", "lead.captured", "appointment.requested"]


def test_a_smoke_call_delivers_nothing() -> None:
    compiled = compile_config(HARBOUR.read_text())
    started = ("call.started", {**STARTED[1], "smoke": True})
    events = _events(started, _outcome("name", "confirmed", "Sam Lee"), _outcome("service", "chosen", "quote"),
                     _outcome("phone", "confirmed", "+61412345678"), _outcome("email", "declined"),
                     _outcome("visit", "confirmed", "2026-11-26T15:00:00+11:00"), ENDED)
    facts = call_facts("CA1", None, events)
    triggers = call_triggers(events, compiled.graph, facts)
    assert facts.smoke and len(triggers) == 3  # it did capture a lead: it is just not the tenant's
    assert plan(facts, compiled.config.integrations, triggers, AT, RetrySchedule()) == []
    live = call_facts("CA1", None, _events(STARTED, ENDED))
    assert not live.smoke
    body = plan(live, compiled.config.integrations, call_triggers(_events(STARTED, ENDED), compiled.graph, live), AT,
                RetrySchedule())[0].body
    assert "smoke" not in body["call"]


def test_delivery_ids_differ_per_triple_and_are_stable() -> None:
    events = ("call.ended", "lead.captured")
    ids = {delivery_id(c, i, e) for c in ("CA1", "CA2") for i in ("crm", "sms") for e in events}
    assert len(ids) == 8 and delivery_id("CA1", "crm", "call.ended") == delivery_id("CA1", "crm", "call.ended")
    assert all(i.startswith("dlv_") and len(i) == 36 for i in ids)
