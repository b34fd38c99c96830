"""The default Voice Core dialogue: greet -> name -> phone -> confirm -> close, with repairs, silence and transfers.

Since the dialogue walks objective graphs, the tests that configured objectives build a small graph
(`dialogue_graph`); the escalation tests changed meaning: a failed required capture follows the graph's escalation
and a failed escalation transfer becomes the walk's promised call back (the call closes) instead of going on.
"""

from __future__ import annotations

import pytest

from domain.objectives import default_graph
from domain.voice.capture import CallerTurn
from domain.voice.dialogue import (
    DialogueStep,
    on_caller_turn,
    on_silence,
    on_transfer_failed,
    start_dialogue,
)
from tests.helpers.voice_capture import NOW, TZ, dialogue_graph


def say(step: DialogueStep, text: str = "", dtmf: str = "") -> DialogueStep:
    return on_caller_turn(step.state, CallerTurn(text=text, dtmf=dtmf), now=NOW, timezone=TZ)


def types(step: DialogueStep) -> list[str]:
    return [e["type"] for e in step.events]


def test_issue_scenario_name_mobile_one_digit_correction() -> None:
    step = start_dialogue(business_name="Bondi Plumbing")
    assert step.say == "Thanks for calling Bondi Plumbing. Can I grab your name, please?"
    assert step.action == "speak"
    assert step.stt_hints == []  # a name is open vocabulary

    step = say(step, "Yeah, my name is John Smith")
    assert "John Smith" in step.say and step.say.endswith("Is that right?")
    step = say(step, "yep")
    assert "capture.confirmed" in types(step)
    assert step.say.endswith("What's the best number to reach you on?")
    assert "oh" in step.stt_hints and "double" in step.stt_hints

    step = say(step, "oh four one two, three four five, six seven eight")
    assert step.say == "I've got oh four one two, three four five, six seven eight. Is that right?"
    step = say(step, "no, the last digit is nine")
    assert step.say == "I've got oh four one two, three four five, six seven nine. Is that right?"
    repaired = next(e for e in step.events if e["type"] == "capture.repaired")
    assert repaired["before"] == "+61412345678" and repaired["after"] == "+61412345679"

    step = say(step, "that's right")
    confirmed = next(e for e in step.events if e["type"] == "capture.confirmed")
    assert confirmed["value"] == "+61412345679"
    assert "Is that all correct?" in step.say and "six seven nine" in step.say

    step = say(step, "yes")
    assert step.action == "speak_and_hangup"
    ended = next(e for e in step.events if e["type"] == "dialogue.ended")
    assert ended["reason"] == "completed"
    assert ended["captured"] == {"name": "John Smith", "phone": "+61412345679"}
    assert step.state.captured["phone"] == "+61412345679"


def test_correction_in_the_same_breath_as_the_no() -> None:
    step = say(say(start_dialogue(), "Sarah O'Neill"), "correct")
    step = say(step, "0412 345 678")
    step = say(step, "nope, it's 0412 345 679")
    assert "six seven nine" in step.say
    step = say(step, "yes")
    assert step.state.captured == {"name": "Sarah O'Neill", "phone": "+61412345679"}


def test_dtmf_phone_entry() -> None:
    step = say(say(start_dialogue(), "Tom Lee"), "yes")
    step = say(step, dtmf="0298765432#")
    assert step.say == "I've got oh two, nine eight seven six, five four three two. Is that right?"
    step = say(step, dtmf="1")
    assert step.state.captured["phone"] == "+61298765432"


def test_silence_reprompts_then_polite_close() -> None:
    step = start_dialogue(business_name="Acme")
    first = on_silence(step.state, max_reprompts=2)
    assert first.action == "speak" and first.say == "Are you still there? Can I grab your name, please?"
    second = on_silence(first.state, max_reprompts=2)
    assert second.action == "speak"
    third = on_silence(second.state, max_reprompts=2)
    assert third.action == "speak_and_hangup"
    assert "hang up" in third.say and types(third) == ["dialogue.ended"]
    assert on_caller_turn(third.state, CallerTurn(text="hello"), now=NOW, timezone=TZ).say == ""


def test_speech_resets_the_silence_count() -> None:
    step = on_silence(start_dialogue().state, max_reprompts=1)
    step = say(step, "Ann Lee")
    assert on_silence(step.state, max_reprompts=1).action == "speak"


def test_silence_during_readback_repeats_the_readback() -> None:
    step = say(start_dialogue(), "Ann Lee")
    assert on_silence(step.state, max_reprompts=2).say == "Are you still there? Was that Ann Lee?"


def test_escalation_transfers_and_a_failed_transfer_promises_a_call_back() -> None:
    step = start_dialogue(dialogue_graph("phone", "name", transfer_to="+61299990000"))
    step = say(say(step, "banana"), "pineapple")
    assert step.action == "speak"
    step = say(step, "mango")
    assert step.action == "transfer" and step.transfer_to == "+61299990000"
    assert {"capture.failed", "capture.escalated", "dialogue.transfer_requested"} <= set(types(step))
    failed = on_transfer_failed(step.state)
    assert failed.action == "speak_and_hangup"
    assert failed.say.startswith("Sorry, I couldn't put you through just now. Someone will call you back")
    ended = next(e for e in failed.events if e["type"] == "dialogue.ended")
    assert ended["terminal"] == {"action": "call_back", "to": None, "reason": "transfer_failed", "objective": "phone"}


def test_escalation_without_a_transfer_target_offers_a_call_back() -> None:
    step = start_dialogue(dialogue_graph("phone"))
    for _ in range(3):
        step = say(step, "no idea")
    assert step.action == "speak_and_hangup"
    assert "call you back" in step.say


def test_summary_no_with_correction_goes_back_to_that_detail() -> None:
    step = say(say(start_dialogue(), "Ann Lee"), "yes")
    step = say(say(step, "0412 345 678"), "yes")
    assert "Is that all correct?" in step.say
    step = say(step, "no, the number is 0412 345 677")
    assert step.say == "I've got oh four one two, three four five, six seven seven. Is that right?"
    step = say(step, "yes")
    assert "Is that all correct?" in step.say and "six seven seven" in step.say
    step = say(step, "yeah")
    assert step.action == "speak_and_hangup"
    assert step.state.captured["phone"] == "+61412345677"


def test_summary_plain_no_asks_which_detail() -> None:
    step = say(say(start_dialogue(), "Ann Lee"), "yes")
    step = say(say(step, "0412 345 678"), "yes")
    step = say(step, "nah")
    assert step.say == "No problem. Which one should I fix: the name or the number?"
    step = say(step, "the name")
    assert step.say == "Sorry about that. What's the name again?"
    step = say(say(step, "Anne Lee, A N N E"), "yes")
    assert step.state.captured["name"] == "Anne Lee"
    assert "Is that all correct?" in step.say


def test_yeah_nah_is_no() -> None:
    step = say(start_dialogue(), "Ann Lee")
    step = say(step, "yeah nah")
    assert step.say == "Sorry about that. What's the name again?"


def test_phrasing_is_identical_apart_from_the_business_name() -> None:
    a = start_dialogue(business_name="Alpha Electrical")
    b = start_dialogue(business_name="Beta Roofing")
    assert a.say.replace("Alpha Electrical", "X") == b.say.replace("Beta Roofing", "X")
    assert start_dialogue().say == "Thanks for calling. Can I grab your name, please?"


def test_number_given_with_the_name_is_read_back_when_its_turn_comes() -> None:
    step = say(start_dialogue(), "It's John Smith, my number is 0412 345 678")
    assert step.say == "Just to confirm, that's John Smith. Is that right?"
    step = say(step, "yes")
    assert step.say == "Great, thanks. I've got oh four one two, three four five, six seven eight. Is that right?"
    step = say(step, "no, it ends in 679")
    assert "six seven nine" in step.say
    step = say(say(step, "yes"), "yes")
    assert step.state.captured == {"name": "John Smith", "phone": "+61412345679"}


def test_every_kind_in_one_objective_sequence() -> None:
    step = start_dialogue(dialogue_graph("name", "phone", "email", "address", "date_time", business_name="Acme"))
    answers = [
        "Jane Doe", "yes", "0298765432", "yes", "jane at bigpond dot com", "yep",
        "2/15 Smith Street Newtown NSW 2042", "correct", "tomorrow arvo", "no, make it 3 pm", "yes",
    ]  # fmt: skip
    for answer in answers:
        step = say(step, answer)
    assert step.state.stage == "summary"
    assert "email address, jane at bigpond dot com" in step.say
    assert "day and time, Thursday the 26th of November at 3 pm" in step.say
    step = say(step, "yes")
    assert step.action == "speak_and_hangup"
    assert step.state.captured == {
        "name": "Jane Doe",
        "phone": "+61298765432",
        "email": "jane@bigpond.com",
        "address": "2/15 Smith St, Newtown NSW 2042",
        "date_time": "2026-11-26T15:00:00+11:00",
    }


def test_optional_email_declined_goes_on() -> None:
    graph = dialogue_graph("name", {"id": "email", "type": "capture_email", "required": False})
    step = say(say(start_dialogue(graph), "Jo Bloggs"), "yes")
    step = say(step, "I don't have one")
    assert step.say.startswith("No worries, we'll leave that one for now. So I've got: name, Jo Bloggs.")


def test_after_hangup_nothing_more_happens() -> None:
    step = say(say(start_dialogue(), "Ann Lee"), "yes")
    step = say(say(step, "0412 345 678"), "yes")
    step = say(step, "yes")
    assert step.state.stage == "closed"
    assert on_silence(step.state, max_reprompts=1).say == ""
    again = say(step, "hello?")
    assert again.action == "speak_and_hangup" and again.events == []


@pytest.mark.parametrize(
    "text", ["can I speak to a real person", "put me through to someone", "I want to talk to a human"]
)
def test_caller_asks_for_a_person(text: str) -> None:
    step = say(start_dialogue(default_graph("+61299990000")), text)
    assert step.action == "transfer" and step.transfer_to == "+61299990000"
    assert types(step) == ["dialogue.person_requested", "dialogue.transfer_requested", "dialogue.ended"]
    failed = on_transfer_failed(step.state)
    assert failed.say.endswith("Can I grab your name, please?") and failed.action == "speak"


def test_caller_asks_for_a_person_when_no_one_is_available() -> None:
    step = say(start_dialogue(), "can I talk to someone")
    assert step.action == "speak"
    assert step.say == (
        "I can't put you through right now, but I'll make sure someone calls you back. Can I grab your name, please?"
    )


@pytest.mark.parametrize(
    "correction",
    [
        "no the last digit is nine",
        "oh the last digit is nine",  # "no" misheard as "oh"
        "nope it's zero four one two three four five six seven nine",
        "no it ends in six seven nine",
        "that's wrong the eight should be a nine",
        "no six seven nine",
        "the last one is nine",
        "yeah nah the last digit's a nine",
    ],
)
def test_issue_scenario_with_recogniser_style_corrections(correction: str) -> None:
    step = say(say(start_dialogue(business_name="Acme"), "my name is jane smith"), "yes")
    step = say(step, "zero four one two three four five six seven eight")
    step = say(step, correction)
    assert step.say == "I've got oh four one two, three four five, six seven nine. Is that right?"
    step = say(say(step, "yes"), "yes")
    assert step.action == "speak_and_hangup"
    assert step.state.captured == {"name": "Jane Smith", "phone": "+61412345679"}


def test_failed_transfer_with_nothing_left_to_ask_closes_politely() -> None:
    step = start_dialogue(dialogue_graph("phone", transfer_to="+61299990000"))
    for _ in range(3):
        step = say(step, "no idea")
    assert step.action == "transfer"
    failed = on_transfer_failed(step.state)
    assert failed.action == "speak_and_hangup"
    assert failed.say.startswith("Sorry, I couldn't put you through just now. Someone will call you back")
