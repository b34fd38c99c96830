"""Each objective type as the dialogue runs it: captures, choice, message, transfer, end, the promised call back,
after-hours skips, optional objectives and the escalation of a required one that fails.
"""

from __future__ import annotations

from typing import Any

import pytest

from domain.objectives import Outcome, fold
from domain.voice.capture import CallerTurn
from domain.voice.dialogue import DialogueStep, call_event, on_caller_turn, on_transfer_failed, start_dialogue
from tests.helpers.voice_capture import NOW, dialogue_graph

SERVICE = {"id": "service", "type": "choice", "prompt_topic": "what you need help with",
           "options": {"emergency": ["burst pipe", "flooding"], "quote": ["quote", "price"], "other": []},
           "next": [{"when": {"service": "emergency"}, "goto": "urgent"}, {"goto": "phone"}]}
URGENT = {"id": "urgent", "type": "transfer", "to": "+61290000007"}


def say(step: DialogueStep, *texts: str) -> DialogueStep:
    for text in texts:
        step = on_caller_turn(step.state, CallerTurn(text=text), now=NOW)
    return step


def events(step: DialogueStep, type_: str) -> list[dict[str, Any]]:
    return [payload for kind, payload in map(call_event, step.events) if kind == type_]


def outcomes(*steps: DialogueStep) -> list[Outcome]:
    return [Outcome.model_validate(p) for s in steps for p in events(s, "objective.outcome")]


def plumber(**escalation: Any) -> DialogueStep:
    graph = dialogue_graph("name", SERVICE, "phone", {"id": "done", "type": "end"}, URGENT, **escalation)
    return start_dialogue(graph)


def test_the_call_starts_with_the_entry_objective() -> None:
    step = plumber()
    assert step.say == "Thanks for calling Acme. Can I grab your name, please?"
    assert events(step, "objective.started") == [{"objective": "name", "type": "capture_name"}]
    assert events(step, "dialogue.started")[0]["objectives"] == ["name", "service", "phone", "done", "urgent"]


@pytest.mark.parametrize(("kind", "answer", "value"), [
    ("name", "my name is Jane Doe", "Jane Doe"),
    ("phone", "0298765432", "+61298765432"),
    ("email", "jane at bigpond dot com", "jane@bigpond.com"),
    ("address", "2/15 Smith Street Newtown NSW 2042", "2/15 Smith St, Newtown NSW 2042"),
    ("date_time", "tomorrow arvo", "2026-11-26T14:00:00+11:00"),
])
def test_each_capture_objective_reads_back_and_records_its_outcome(kind: str, answer: str, value: str) -> None:
    step = say(start_dialogue(dialogue_graph(kind)), answer)
    assert step.say.endswith("Is that right?")
    step = say(step, "yes")
    assert outcomes(step) == [Outcome(objective=kind, kind="confirmed", value=value)]
    assert step.state.captured == {kind: value} and step.state.stage == "summary"


def test_a_choice_asks_its_topic_and_routes_on_the_option() -> None:
    step = say(plumber(), "Jo Bloggs", "yes")
    assert step.say == "Great, thanks. Can you tell me what you need help with?"
    assert step.stt_hints == []  # a catch-all takes any words: open vocabulary
    step = say(step, "there's water flooding the kitchen")
    assert outcomes(step) == [Outcome(objective="service", kind="chosen", value="emergency")]
    assert step.action == "transfer" and step.transfer_to == "+61290000007"
    assert step.say == "Thanks. Let me put you through to someone who can help with that now."
    (ended,) = events(step, "dialogue.ended")
    assert ended["reason"] == "transfer" and ended["captured"] == {"name": "Jo Bloggs"}
    assert ended["terminal"] == {"action": "transfer", "to": "+61290000007", "reason": "transfer",
                                 "objective": "urgent"}


def test_a_choice_without_a_catch_all_offers_its_options_then_fails() -> None:
    closed = {**SERVICE, "options": {"emergency": ["burst pipe"], "quote": ["quote"]}}
    graph = dialogue_graph(closed, "phone", {"id": "done", "type": "end"}, URGENT, transfer_to="+61290000002")
    step = start_dialogue(graph)
    assert "burst pipe" in step.stt_hints and "yes" in step.stt_hints
    step = say(step, "I was wondering about my bill")
    assert step.say == "Sorry, I didn't quite get that. Is it burst pipe or quote?"
    step = say(step, "the bill", "my bill")
    assert outcomes(step) == [Outcome(objective="service", kind="failed")]
    assert step.action == "transfer" and step.transfer_to == "+61290000002"  # the required choice escalates


def test_a_choice_asked_again_is_not_the_catch_all() -> None:
    step = say(plumber(), "Jo Bloggs", "yes", "sorry, what was that?")
    assert step.say == "Can you tell me what you need help with?" and not outcomes(step)
    step = say(step, "um")
    assert step.say.startswith("Sorry, I didn't catch that.") and not outcomes(step)
    step = say(step, "just a general question")
    assert outcomes(step) == [Outcome(objective="service", kind="chosen", value="other")]


def test_a_message_takes_the_callers_words() -> None:
    note = {"id": "note", "type": "message", "prompt_topic": "the reception team"}
    step = say(start_dialogue(dialogue_graph("name", note)), "Mary Brown", "yes")
    assert step.say == "Great, thanks. What message would you like me to pass on to the reception team?"
    assert step.stt_hints == []
    step = say(step, "Could someone call me about my test results, I don't know if they're in")
    assert outcomes(step) == [Outcome(objective="note", kind="confirmed",
                                      value="Could someone call me about my test results, I don't know if they're in")]
    assert step.say.startswith("Thanks, I've got that down. So I've got: name, Mary Brown.")
    assert "note" not in events(step, "dialogue.summary")[0]["captured"]  # a message is not read back


def test_an_optional_message_may_be_declined() -> None:
    note = {"id": "note", "type": "message", "required": False}
    step = say(start_dialogue(dialogue_graph("name", note)), "Mary Brown", "yes", "no, that's all")
    assert outcomes(step)[-1] == Outcome(objective="note", kind="declined")
    assert step.state.stage == "summary"


def test_end_summarises_and_closes_with_the_terminal() -> None:
    step = say(plumber(), "Jo Bloggs", "yes", "I'd like a quote", "0412 345 678", "yes")
    assert step.say.endswith("So I've got: name, Jo Bloggs; number, oh four one two, three four five, six seven "
                             "eight. Is that all correct?")
    step = say(step, "yes")
    (ended,) = events(step, "dialogue.ended")
    assert ended == {"reason": "completed", "captured": {"name": "Jo Bloggs", "phone": "+61412345678"},
                     "terminal": {"action": "end", "to": None, "reason": "end", "objective": "done"}}
    assert step.action == "speak_and_hangup"


def test_after_hours_an_objective_marked_skip_is_passed_over() -> None:
    visit = {"id": "visit", "type": "capture_datetime", "when_closed": "skip"}
    graph = dialogue_graph("name", visit)
    closed = say(start_dialogue(graph, business_open=False), "Jo Bloggs", "yes")
    assert events(closed, "objective.skipped") == [{"objective": "visit"}]
    assert closed.state.stage == "summary"
    opened = say(start_dialogue(graph, business_open=True), "Jo Bloggs", "yes")
    assert opened.say.endswith("What day and time would suit you?")


def test_an_optional_objective_declined_goes_on() -> None:
    email = {"id": "email", "type": "capture_email", "required": False}
    step = say(start_dialogue(dialogue_graph(email, "phone")), "I don't have one")
    assert outcomes(step) == [Outcome(objective="email", kind="declined")]
    assert step.say == "No worries, we'll leave that one for now. What's the best number to reach you on?"


def test_a_required_capture_that_fails_follows_the_escalation_in_hours() -> None:
    step = say(plumber(transfer_to="+61290000002"), "um", "uh", "hmm")
    assert outcomes(step) == [Outcome(objective="name", kind="failed")]
    assert step.action == "transfer" and step.transfer_to == "+61290000002"
    assert step.say == "No worries, let me put you through to someone who can help."


def test_after_hours_a_failed_capture_promises_a_call_back() -> None:
    graph = dialogue_graph("name", SERVICE, "phone", {"id": "done", "type": "end"}, URGENT,
                           transfer_to="+61290000002", after_hours="call_back")
    step = say(start_dialogue(graph, business_open=False), "um", "uh", "hmm")
    assert step.action == "speak_and_hangup"
    assert step.say == ("We're closed at the moment, so someone will call you back when we open. "
                        "Thanks for calling. Bye!")
    assert events(step, "dialogue.ended")[0]["terminal"] == {"action": "call_back", "to": None, "reason": "closed",
                                                             "objective": "name"}


def test_a_failed_graph_transfer_becomes_the_call_back_the_walk_decides() -> None:
    step = say(plumber(), "Jo Bloggs", "yes", "burst pipe")
    failed = on_transfer_failed(step.state)
    assert failed.action == "speak_and_hangup" and "call you back" in failed.say
    assert outcomes(failed) == [Outcome(objective="urgent", kind="transfer_failed")]
    walked = [Outcome(objective="name", kind="confirmed", value="Jo Bloggs"),
              Outcome(objective="service", kind="chosen", value="emergency"), *outcomes(failed)]
    assert fold(step.state.graph, walked, business_open=True) == failed.state.walk
    assert failed.state.walk.terminal is not None and failed.state.walk.terminal.action == "call_back"
    assert events(failed, "dialogue.ended")[0]["terminal"]["action"] == "call_back"


def test_turns_while_the_transfer_is_under_way_change_nothing() -> None:
    step = say(plumber(), "Jo Bloggs", "yes", "burst pipe")
    waiting = say(step, "hello?")
    assert waiting.say == "" and waiting.events == [] and waiting.state == step.state


def test_the_phrasing_is_the_same_for_every_tenant_but_the_names_and_topics() -> None:
    a = say(start_dialogue(dialogue_graph("name", SERVICE, "phone", {"id": "done", "type": "end"}, URGENT,
                                          business_name="Alpha")), "Jo Bloggs", "yes")
    other = {**SERVICE, "prompt_topic": "the kind of job"}
    b = say(start_dialogue(dialogue_graph("name", other, "phone", {"id": "done", "type": "end"}, URGENT,
                                          business_name="Beta")), "Jo Bloggs", "yes")
    assert a.say.replace("what you need help with", "X") == b.say.replace("the kind of job", "X")
