"""The capture state machine: ask -> read back -> confirm/repair -> escalate or skip after max_attempts."""

from __future__ import annotations

import pytest

from domain.voice.capture import (
    CallerTurn,
    CaptureConfig,
    CaptureKind,
    CapturePhase,
    CaptureState,
    CaptureStep,
    advance_capture,
    start_capture,
    stt_hints,
)
from tests.helpers.voice_capture import NOW, TZ

PHONE = CaptureConfig(kind=CaptureKind.PHONE)


def turn(config: CaptureConfig, step: CaptureStep, text: str = "", dtmf: str = "") -> CaptureStep:
    return advance_capture(config, step.state, CallerTurn(text=text, dtmf=dtmf), now=NOW, timezone=TZ)


def types(step: CaptureStep) -> list[str]:
    return [e["type"] for e in step.events]


def test_parse_readback_confirm() -> None:
    step = start_capture(PHONE)
    assert step.outcome == "ask" and step.state.phase is CapturePhase.ASKING
    step = turn(PHONE, step, "0412 345 678")
    assert step.outcome == "readback" and step.state.candidate == "+61412345678"
    assert types(step) == ["capture.parsed", "capture.readback"]
    step = turn(PHONE, step, "yes")
    assert step.outcome == "confirmed" and step.state.value == "+61412345678"
    assert step.events == [
        {"type": "capture.confirmed", "kind": "phone", "value": "+61412345678", "attempts": 0},
    ]


def test_plain_no_asks_again_and_partial_fix_uses_the_old_candidate() -> None:
    step = turn(PHONE, turn(PHONE, start_capture(PHONE), "0412 345 678"), "no")
    assert step.outcome == "repair" and step.state.phase is CapturePhase.ASKING
    assert step.say == "Sorry about that. What's the number again?"
    step = turn(PHONE, step, "the last digit is nine")
    assert step.outcome == "readback" and step.state.candidate == "+61412345679"


def test_repeating_the_same_value_confirms_it() -> None:
    step = turn(
        PHONE, turn(PHONE, start_capture(PHONE), "0412 345 678"), "oh four one two three four five six seven eight"
    )
    assert step.outcome == "confirmed" and step.state.value == "+61412345678"


def test_correction_without_a_no_is_a_repair() -> None:
    step = turn(PHONE, turn(PHONE, start_capture(PHONE), "0412 345 678"), "the last digit is nine")
    assert step.outcome == "repair" and step.state.candidate == "+61412345679"
    assert "capture.repaired" in types(step)


def test_unclear_answer_repeats_the_readback_then_gives_up() -> None:
    config = CaptureConfig(kind=CaptureKind.PHONE, max_attempts=2)
    step = turn(config, turn(config, start_capture(config), "0412 345 678"), "what?")
    assert step.outcome == "reprompt"
    assert step.say == "Sorry, was that oh four one two, three four five, six seven eight? Just a yes or no is fine."
    step = turn(config, step, "huh")
    assert step.outcome == "skip" and step.state.phase is CapturePhase.FAILED


def test_skip_after_max_failed_attempts() -> None:
    step = start_capture(PHONE)
    step = turn(PHONE, step, "banana")
    assert step.outcome == "reprompt" and step.state.attempts == 1
    assert step.say.startswith("Sorry, I didn't quite get that.")
    step = turn(PHONE, step, "9876 5432")
    assert "area code" in step.say and step.state.attempts == 2
    step = turn(PHONE, step, "pineapple")
    assert step.outcome == "skip" and step.state.phase is CapturePhase.FAILED
    assert types(step) == ["capture.parsed", "capture.failed", "capture.skipped"]


def test_escalate_after_repeated_rejections() -> None:
    config = CaptureConfig(kind=CaptureKind.PHONE, max_attempts=2, on_failure="escalate")
    step = turn(config, turn(config, start_capture(config), "0412 345 678"), "no, it's 0412 345 679")
    assert step.outcome == "repair" and step.state.attempts == 1
    step = turn(config, step, "no")
    assert step.outcome == "escalate"
    assert types(step) == ["capture.rejected", "capture.failed", "capture.escalated"]


def test_terminal_states_stay_put() -> None:
    done = CaptureState(kind=CaptureKind.PHONE, phase=CapturePhase.CONFIRMED, value="+61412345678")
    step = advance_capture(PHONE, done, CallerTurn(text="no"), now=NOW, timezone=TZ)
    assert step.outcome == "confirmed" and step.state == done and step.events == []
    failed = CaptureState(kind=CaptureKind.PHONE, phase=CapturePhase.FAILED)
    assert advance_capture(PHONE, failed, CallerTurn(), now=NOW, timezone=TZ).outcome == "skip"


def test_empty_turns_reprompt_without_counting_as_attempts() -> None:
    step = turn(PHONE, start_capture(PHONE))
    assert step.outcome == "reprompt" and step.state.attempts == 0 and step.state.reprompts == 1
    assert step.say == "Sorry, I didn't catch that. What's the best number to reach you on?"


def test_optional_capture_declined_is_skipped() -> None:
    config = CaptureConfig(kind=CaptureKind.EMAIL, required=False, on_failure="escalate")
    step = turn(config, start_capture(config), "I don't have one")
    assert step.outcome == "skip"
    assert step.events[-1] == {"type": "capture.skipped", "kind": "email", "reason": "declined"}


def test_dtmf_in_confirmation() -> None:
    step = turn(PHONE, start_capture(PHONE), dtmf="0412345678#")
    assert step.outcome == "readback"
    assert turn(PHONE, step, dtmf="1").outcome == "confirmed"
    assert turn(PHONE, step, dtmf="2").outcome == "repair"
    rekeyed = turn(PHONE, step, dtmf="0412345679#")
    assert rekeyed.outcome == "repair" and rekeyed.state.candidate == "+61412345679"


@pytest.mark.parametrize(
    ("kind", "answer", "correction", "expected"),
    [
        (CaptureKind.EMAIL, "john dot smith at gmail dot com", "no, at hotmail", "john.smith@hotmail.com"),
        (CaptureKind.NAME, "my name is John Smith", "no, the surname is Smyth", "John Smyth"),
        (
            CaptureKind.ADDRESS,
            "2/15 Smith St Newtown NSW 2042",
            "nope, the postcode is 2043",
            "2/15 Smith St, Newtown NSW 2043",
        ),
        (CaptureKind.DATE_TIME, "tomorrow at 3pm", "no, 4pm", "2026-11-26T16:00:00+11:00"),
    ],
)
def test_every_kind_repairs_and_confirms(kind: CaptureKind, answer: str, correction: str, expected: str) -> None:
    config = CaptureConfig(kind=kind)
    step = turn(config, turn(config, turn(config, start_capture(config), answer), correction), "yes")
    assert step.outcome == "confirmed"
    assert step.state.value == expected


@pytest.mark.parametrize(
    ("kind", "word"),
    [("phone", "oh"), ("phone", "double"), ("phone", "last"), ("date_time", "arvo"), ("confirm", "name")],
)
def test_stt_hints_for_closed_vocabularies(kind: str, word: str) -> None:
    hints = stt_hints(kind)
    assert len(hints) == len(set(hints))
    assert word in hints and "yes" in hints and "no" in hints and "that's right" in hints


@pytest.mark.parametrize("kind", [CaptureKind.NAME, CaptureKind.ADDRESS])
def test_no_hints_for_open_vocabularies(kind: CaptureKind) -> None:
    assert stt_hints(kind) == []  # a grammar would stop the recogniser hearing names and streets


def test_email_hints_name_the_providers_and_stay_open_vocabulary() -> None:
    hints = stt_hints(CaptureKind.EMAIL)
    assert hints[:4] == ["gmail.com", "outlook.com", "hotmail.com", "bigpond.com"]
    assert {"optusnet.com.au", ".com.au", "at", "dot"} <= set(hints)
    assert {chr(c) for c in range(ord("a"), ord("z") + 1)} <= set(hints)  # spelling: a grammar engine stays open


def test_phone_hints_cover_the_issue_correction() -> None:
    hints = set(stt_hints(CaptureKind.PHONE))
    assert set("no the last digit is nine".split()) <= hints
    assert set("no it's six seven nine at the end".split()) <= hints
    assert set("the second to last digit is a seven".split()) <= hints
    assert set("zero four one two three four five six seven eight".split()) <= hints


@pytest.mark.parametrize(
    ("answer", "outcome", "candidate"),
    [
        ("yes", "confirmed", "+61412345678"),
        ("yeah that's it", "confirmed", "+61412345678"),
        ("sweet", "confirmed", "+61412345678"),
        ("correct", "confirmed", "+61412345678"),
        ("oh four one two three four five six seven eight", "confirmed", "+61412345678"),
        ("yes, 0412 345 678", "confirmed", "+61412345678"),
        ("no", "repair", "+61412345678"),
        ("yeah nah", "repair", "+61412345678"),
        ("no, it's 0412 345 679", "repair", "+61412345679"),
        ("nope, the last digit is nine", "repair", "+61412345679"),
        ("that's wrong, it ends in 679", "repair", "+61412345679"),
        ("it's not 678 it's 679", "repair", "+61412345679"),
        ("no it's not 678, it's 679", "repair", "+61412345679"),
        ("yeah, but the last digit is nine", "repair", "+61412345679"),
        ("the eight should be a nine", "repair", "+61412345679"),
        ("what?", "reprompt", "+61412345678"),
        ("mm", "reprompt", "+61412345678"),
        ("no, that's right", "reprompt", "+61412345678"),
    ],
)
def test_answers_to_a_phone_readback(answer: str, outcome: str, candidate: str) -> None:
    step = turn(PHONE, turn(PHONE, start_capture(PHONE), "0412 345 678"), answer)
    assert step.outcome == outcome
    assert step.state.candidate == candidate


def test_an_absurdly_long_turn_is_cut_not_slow() -> None:
    blah = "um " * 5000 + "0412 345 678"
    step = turn(PHONE, start_capture(PHONE), blah)
    assert step.outcome == "reprompt"  # the number was beyond the cut; the caller is asked again
    assert turn(PHONE, start_capture(PHONE), dtmf="0412345678#" + "5" * 100).outcome == "readback"


@pytest.mark.parametrize(
    ("text", "say"),
    [
        ("sorry, what was that?", "What's the best number to reach you on?"),
        ("can you repeat that", "What's the best number to reach you on?"),
        ("pardon?", "What's the best number to reach you on?"),
        ("hang on, let me check", "Sure, take your time."),
        ("just a sec", "Sure, take your time."),
    ],
)
def test_repeat_and_hold_do_not_count_as_failed_attempts(text: str, say: str) -> None:
    step = turn(PHONE, start_capture(PHONE), text)
    assert step.outcome == "reprompt" and step.say == say
    assert step.state.attempts == 0 and step.state.reprompts == 1
