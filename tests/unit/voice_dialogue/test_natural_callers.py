"""Natural callers across objectives: details given out of order are kept and read back instead of asked again, a
turn that answers a later objective is acknowledged without counting a failed attempt, corrections of an earlier
detail at any point go to that detail, and a caller who asks for a person is put through or promised a call back.
"""

from __future__ import annotations

from typing import Any

from domain.objectives import Outcome, default_graph, fold
from domain.voice.capture import CallerTurn
from domain.voice.dialogue import DialogueStep, call_event, on_caller_turn, on_transfer_failed, start_dialogue
from tests.helpers.voice_capture import NOW, dialogue_graph

SERVICE = {"id": "service", "type": "choice", "prompt_topic": "what you need help with",
           "options": {"emergency": ["burst pipe", "flooding"], "quote": ["quote", "price"], "other": []},
           "next": [{"when": {"service": "emergency"}, "goto": "urgent"}, {"goto": "phone"}]}
EMAIL = {"id": "email", "type": "capture_email", "required": False}
PLUMBER = ("name", SERVICE, "phone", EMAIL, {"id": "done", "type": "end"},
           {"id": "urgent", "type": "transfer", "to": "+61290000007"})


class Call:
    """A call on the pure dialogue that keeps every step."""

    def __init__(self, *objectives: Any, business_open: bool = True, **escalation: Any) -> None:
        graph = dialogue_graph(*objectives, **escalation) if objectives else default_graph(escalation.get(
            "transfer_to"))
        self.steps = [start_dialogue(graph, business_open=business_open)]

    @property
    def last(self) -> DialogueStep:
        return self.steps[-1]

    def say(self, *texts: str) -> str:
        for text in texts:
            self.steps.append(on_caller_turn(self.last.state, CallerTurn(text=text), now=NOW))
        return self.last.say

    def events(self, type_: str) -> list[dict[str, Any]]:
        return [p for s in self.steps for t, p in map(call_event, s.events) if t == type_]

    def outcomes(self) -> list[Outcome]:
        return [Outcome.model_validate(p) for p in self.events("objective.outcome")]


def test_a_number_given_while_the_name_is_asked_is_kept_and_not_asked_again() -> None:
    call = Call()
    reply = call.say("My number is zero four one two, three four five, six seven eight")
    assert reply == "Thanks, I've noted your number. Can I grab your name, please?"
    assert call.last.state.capture is not None and call.last.state.capture.attempts == 0  # no failed attempt
    assert call.say("Sorry, hi there, my name is Sam Taylor") == "Just to confirm, that's Sam Taylor. Is that right?"
    assert call.say("yes") == (
        "Great, thanks. I've got oh four one two, three four five, six seven eight. Is that right?")
    assert call.say("yes").startswith("Great, thanks. So I've got: name, Sam Taylor; number, oh four one two")
    assert call.say("yes").endswith("Bye!")
    assert call.last.state.captured == {"name": "Sam Taylor", "phone": "+61412345678"}


def test_the_same_detail_said_again_counts_as_a_failed_attempt() -> None:
    call = Call()
    call.say("0412 345 678")
    reply = call.say("0412 345 678")
    assert "first and last name" in reply  # the name's own repair prompt, never a phone prompt
    assert call.last.state.capture is not None and call.last.state.capture.attempts == 1


def test_a_name_with_the_reason_for_calling_reads_the_reason_back_when_its_turn_comes() -> None:
    call = Call(*PLUMBER, transfer_to="+61290000002")
    assert call.say("Hi, this is Sam Taylor, I've got a burst pipe") == (
        "Just to confirm, that's Sam Taylor. Is that right?")
    assert call.say("yes") == "Great, thanks. You mentioned burst pipe. Is that right?"
    assert "burst pipe" in call.last.stt_hints and "yes" in call.last.stt_hints
    call.say("yes")
    assert call.last.action == "transfer" and call.last.transfer_to == "+61290000007"


def test_a_mentioned_option_can_be_corrected() -> None:
    call = Call(*PLUMBER)
    call.say("this is Sam Taylor, there's a bit of flooding", "yes")
    assert call.say("no, I just need a quote") == "Thanks. What's the best number to reach you on?"
    assert call.outcomes()[-1] == Outcome(objective="service", kind="chosen", value="quote")


def test_a_name_that_contains_an_option_phrase_picks_no_option() -> None:
    call = Call(*PLUMBER)
    call.say("my name is Sam Price")
    assert call.say("yes") == "Great, thanks. Can you tell me what you need help with?"


def test_a_number_during_a_choice_is_kept_and_is_no_answer_to_it() -> None:
    call = Call(*PLUMBER)
    call.say("Jo Bloggs", "yes")
    assert call.say("my number is 0412 345 678") == (
        "Thanks, I've noted your number. Can you tell me what you need help with?")
    assert call.say("I need help with my hot water, it's gone cold") == (
        "Thanks. I've got oh four one two, three four five, six seven eight. Is that right?")
    assert call.outcomes()[-1] == Outcome(objective="service", kind="chosen", value="other")


def test_actually_my_number_is_while_the_email_is_asked() -> None:
    call = Call(*PLUMBER)
    call.say("Jo Bloggs", "yes", "a quote please", "0412 345 678", "yes")
    assert call.last.say.endswith("What's your email address?")
    assert call.say("actually my number is 0412 345 679") == (
        "I've got oh four one two, three four five, six seven nine. Is that right?")
    assert call.say("yes") == "Great, thanks. What's your email address?"
    assert call.outcomes()[-1] == Outcome(objective="phone", kind="corrected", value="+61412345679")
    walk = fold(call.last.state.graph, call.outcomes(), business_open=True)
    assert walk == call.last.state.walk and walk.captured["phone"] == "+61412345679"


def test_the_last_digit_is_nine_right_after_the_number_was_confirmed() -> None:
    call = Call(*PLUMBER)
    call.say("Jo Bloggs", "yes", "a quote please", "0412 345 678", "yes")
    assert call.say("no, the last digit is nine") == (
        "I've got oh four one two, three four five, six seven nine. Is that right?")
    assert call.say("yes") == "Great, thanks. What's your email address?"


def test_the_last_digit_is_nine_during_the_summary() -> None:
    call = Call()
    call.say("Ann Lee", "yes", "0412 345 678", "yes")
    assert call.say("no, the last digit is nine") == (
        "I've got oh four one two, three four five, six seven nine. Is that right?")
    assert "six seven nine" in call.say("yes") and call.last.state.stage == "summary"
    call.say("yes")
    assert call.events("dialogue.ended")[-1]["captured"] == {"name": "Ann Lee", "phone": "+61412345679"}


def test_a_name_respelled_at_the_next_question() -> None:
    call = Call()
    call.say("Sam Smith", "yes")
    assert call.say("sorry, it's Smyth with a y") == "Just to confirm, that's Sam Smyth. Is that right?"
    assert call.say("yes") == "Great, thanks. What's the best number to reach you on?"
    assert call.last.state.captured["name"] == "Sam Smyth"


def test_an_answer_to_the_question_is_not_taken_for_a_correction() -> None:
    call = Call("name", "phone", "email")
    call.say("Jo Bloggs", "yes", "0412 345 678", "yes")
    call.say("no, it's jo at gmail dot com")
    assert call.last.say == "Just to confirm, that's jo at gmail dot com. Is that right?"


def test_corrections_are_bounded() -> None:
    call = Call()
    call.say("Ann Lee", "yes", "0412 345 678", "yes")
    for ending in ("1", "2", "3", "4"):
        call.say(f"no, the number is 0412 345 67{ending}", "yes")
    assert call.last.state.stage == "summary" and call.last.state.fixes == 4
    assert call.say("no, the number is 0412 345 670").endswith("Bye!")


def test_asking_for_a_person_transfers_to_the_escalation_number() -> None:
    call = Call(*PLUMBER, transfer_to="+61290000002")
    call.say("Jo Bloggs", "yes", "can I talk to a real person please")
    assert call.last.action == "transfer" and call.last.transfer_to == "+61290000002"
    assert call.events("dialogue.ended")[0]["terminal"] == {"action": "transfer", "to": "+61290000002",
                                                            "reason": "caller_asked", "objective": "service"}
    failed = on_transfer_failed(call.last.state)
    assert failed.say.endswith("Can you tell me what you need help with?")
    call.steps.append(failed)
    assert call.say("I want to speak to a human").endswith("Bye!")  # no second transfer that would fail again


def test_asking_for_a_person_after_hours_promises_a_call_back_and_carries_on() -> None:
    call = Call(*PLUMBER, business_open=False, transfer_to="+61290000002", after_hours="call_back")
    assert call.say("can I speak to someone") == (
        "I can't put you through right now, but I'll make sure someone calls you back. Can I grab your name, please?")
    first = call.last.action
    assert call.say("put me through to a real person").startswith("No worries. I'll make sure someone calls you back")
    assert (first, call.last.action) == ("speak", "speak_and_hangup")
    assert call.events("dialogue.ended")[0]["reason"] == "caller_asked"
