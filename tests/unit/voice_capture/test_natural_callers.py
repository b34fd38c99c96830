"""Natural callers: corrections said the way people say them, prompts that match the detail asked for, and answers
given in two breaths ("42 Wallaby Way, Sydney" ... "2000").
"""

from __future__ import annotations

from datetime import datetime

import pytest

from domain.voice import phrasing
from domain.voice.capture import (
    CallerTurn,
    CaptureConfig,
    CaptureKind,
    CapturePhase,
    CaptureState,
    CaptureStep,
    advance_capture,
    start_capture,
)
from domain.voice.datetime_capture import repair_date_time
from domain.voice.email import repair_email
from domain.voice.name import parse_name, repair_name
from domain.voice.name_spelling import find_respelling
from domain.voice.phone_repair import repair_phone
from tests.helpers.voice_capture import NOW, TZ

MOBILE = "+61412345678"


def turn(config: CaptureConfig, step: CaptureStep, text: str) -> CaptureStep:
    return advance_capture(config, step.state, CallerTurn(text=text), now=NOW, timezone=TZ)


def run(kind: CaptureKind, *texts: str) -> CaptureStep:
    config = CaptureConfig(kind=kind, max_attempts=5)
    step = start_capture(config)
    for text in texts:
        step = turn(config, step, text)
    return step


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no, the last digit is nine", "+61412345679"),
        ("No, the last digit is 9.", "+61412345679"),  # as Whisper writes it
        ("no, it's 679 at the end", "+61412345679"),
        ("No, it's 6.79 at the end.", "+61412345679"),  # Whisper wrote "six seven nine" as "6.79"
        ("No, it's six, seven, nine at the end.", "+61412345679"),
        ("the second last digit is a five", "+61412345658"),
        ("The second last digit is the 5.", "+61412345658"),
        ("no, the third last digit should be a nine", "+61412345978"),
        ("the second to last digit is five", "+61412345658"),
        ("No, the middle bit is 3, 4, 6.", "+61412346678"),
        ("No, the first digit after O4 is 3.", "+61432345678"),
    ],
)
def test_phone_corrections(text: str, expected: str) -> None:
    assert repair_phone(MOBILE, text).value == expected


def test_a_second_last_digit_that_is_already_so_is_no_change() -> None:
    assert repair_phone(MOBILE, "the second last digit is a seven").error == "no_change"


@pytest.mark.parametrize(
    ("candidate", "text", "expected"),
    [
        ("Sam Smith", "it's Smyth with a y", "Sam Smyth"),
        ("Sam Smith", "It's Smyth with a Y.", "Sam Smyth"),
        ("Sam Smith", "It's Smith with a Y.", "Sam Smyth"),  # the recogniser wrote the name it knows
        ("Sam Smith", "no, with a y", "Sam Smyth"),
        ("Sam Smith", "Smyth, with a y not an i", "Sam Smyth"),
        ("Sam Tayler", "Taylor with an o-r", "Sam Taylor"),
        ("Sam Tayler", "Taylor with an O-R.", "Sam Taylor"),
        ("Sam Tayler", "tailor with an O-R.", "Sam Taylor"),  # Whisper's spelling of the same word
        ("Sam Tayler", "Taylor with an OR.", "Sam Taylor"),
        ("Sam Brown", "no, Brown with an e", "Sam Browne"),
        ("Sam Brown", "No, brown with an E.", "Sam Browne"),
        ("Emma Clark", "Clarke with an e", "Emma Clarke"),
        ("Steven Lee", "Stephen with a p h", "Stephen Lee"),
        ("Catherine Lee", "Katherine with a K", "Katherine Lee"),
        ("Sam Smith", "No, the last name is Smyth.", "Sam Smyth"),
        ("Sam Brown", "No, brown with a knee.", "Sam Browne"),  # Whisper's hearing of "with an e"
        ("Sam Tayler", "Tailor with a no-R.", "Sam Taylor"),  # Whisper's hearing of "with an o r"
        ("Sam Brown", "no, Brown with an e at the end", "Sam Browne"),
        ("Jon Smith", "John with an h", "John Smith"),
        ("Sara Lee", "Sarah, with an h", "Sarah Lee"),
        ("Stephen Lee", "Steven with a v", "Steven Lee"),
    ],
)
def test_name_corrections_with_a_letter(candidate: str, text: str, expected: str) -> None:
    assert repair_name(candidate, text).value == expected


def test_with_a_word_that_is_no_letter_is_no_spelling() -> None:
    assert find_respelling(["sam", "with", "a", "knee", "injury"])[1] is None
    assert find_respelling(["calling", "with", "a", "leak"])[1] is None
    assert parse_name("It's Sam, with a knee injury").value == "Sam"


def test_a_letter_the_name_already_has_is_no_change() -> None:
    assert repair_name("Sam Smyth", "Smyth with a y").error == "no_change"


@pytest.mark.parametrize(
    ("candidate", "text", "expected"),
    [
        ("mary.brown@hotmail.com", "no, it's gmail not hotmail", "mary.brown@gmail.com"),
        ("mary.brown@hotmail.com", "No, it's Gmail, not Hotmail.", "mary.brown@gmail.com"),
        ("mary.brown@gmail.com", "No, it's hot mail, not Gmail.", "mary.brown@hotmail.com"),
        ("mary.brown@gmail.com", "Sorry, it's at hotmail.com.", "mary.brown@hotmail.com"),
        ("mary.brown@gmail.com", "no, it's Mary.Browne@gmail.com", "mary.browne@gmail.com"),
        ("mary.brown@gmail.com", "No, it's hot mill, not g-mail.", "mary.brown@hotmail.com"),  # as Whisper wrote it
    ],
)
def test_email_corrections(candidate: str, text: str, expected: str) -> None:
    assert repair_email(candidate, text).value == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no, 4pm not 3pm", "2026-11-26T16:00:00+11:00"),
        ("No, 4pm, not 3pm.", "2026-11-26T16:00:00+11:00"),
        ("no, not 3pm, 4pm", "2026-11-26T16:00:00+11:00"),
        ("No, 4pm, that's 3pm.", "2026-11-26T16:00:00+11:00"),  # Whisper's hearing of "no, four pm not three pm"
        ("no, Friday not Thursday", "2026-11-27T15:00:00+11:00"),
        ("no, make it 4 o'clock", "2026-11-26T16:00:00+11:00"),
    ],
)
def test_date_time_corrections(text: str, expected: str, now: datetime) -> None:
    assert repair_date_time("2026-11-26T15:00:00+11:00", text, now, TZ).value == expected


PREAMBLES = ["Sorry, hi there, ", "Um, yeah, so it's ", "Hang on... yeah, it's ", "G'day, ", "Hi there. Um, "]
ANSWERS = {
    CaptureKind.PHONE: ("0412 345 678", MOBILE),
    CaptureKind.EMAIL: ("mary dot brown at gmail dot com", "mary.brown@gmail.com"),
    CaptureKind.ADDRESS: ("42 Wallaby Way, Sydney NSW 2000", "42 Wallaby Way, Sydney NSW 2000"),
    CaptureKind.DATE_TIME: ("tomorrow at 3pm", "2026-11-26T15:00:00+11:00"),
    CaptureKind.NAME: ("Sam Taylor", "Sam Taylor"),
}


@pytest.mark.parametrize("kind", list(CaptureKind))
@pytest.mark.parametrize("preamble", PREAMBLES)
def test_preambles_and_fillers_are_stripped_for_every_kind(kind: CaptureKind, preamble: str) -> None:
    said, value = ANSWERS[kind]
    step = run(kind, preamble + said + ".", "Yes, that's right.")
    assert step.state.value == value


# What each kind's prompts may mention; no kind's prompt may mention another kind's detail.
MARKERS: dict[CaptureKind, tuple[str, ...]] = {
    CaptureKind.PHONE: ("digit", "the number", "whole number", "full number", "area code", "key it in"),
    CaptureKind.EMAIL: ("email", "gmail", "before the at", "after the at"),
    CaptureKind.ADDRESS: ("postcode", "suburb", "street"),
    CaptureKind.DATE_TIME: ("what day", "time would suit", "that time", "tomorrow", " pm", "that date", "few months"),
    CaptureKind.NAME: ("your name", "first and last name"),
}
# Answers that fail to parse, gathered over every kind (and what pocketsphinx heard in the reported call).
FAILING = [
    "my numbers cure for wanted three four five to kevin eight",
    "sorry hi there my name is jen taylor and my number is 0412 345 678 999 111",
    "0412 345", "9876 5432", "1" * 30, "oh four one two three", "banana", "mary dot brown",
    "mary at", "at gmail dot com", "42 Wallaby Way", "Unit 3, 15 George St", "42 Wallaby Way, Sydney",
    "15 Smith Street, Newtown NSW 3000", "15 Smith Street, Newtown 20", "yesterday at 3", "the 31st of February",
    "in two years", "I want to book a plumber for next week please", "one two three", "what", "x", "",
]  # fmt: skip


# Every error code a parser returns.
PARSE_ERRORS = [
    "no_digits", "missing_area_code", "invalid_number", "too_short", "too_long", "missing_at", "missing_local_part",
    "missing_domain_suffix", "invalid_email", "missing_number", "missing_street_type", "missing_suburb",
    "missing_postcode", "bad_postcode", "postcode_mismatch", "in_past", "too_far", "no_date", "invalid_date",
    "invalid_time", "bad_timezone", "no_name", "not_a_name",
]  # fmt: skip


def _others(kind: CaptureKind) -> list[str]:
    return [m for other, markers in MARKERS.items() if other is not kind for m in markers]


@pytest.mark.parametrize("kind", list(CaptureKind))
def test_every_prompt_of_a_capture_is_about_its_own_kind(kind: CaptureKind) -> None:
    """The reported bug: a name capture that heard digits said "I think I got too many digits"."""
    config = CaptureConfig(kind=kind, max_attempts=10)
    for text in FAILING:
        step = advance_capture(config, start_capture(config).state, CallerTurn(text=text), now=NOW, timezone=TZ)
        if step.outcome == "readback":
            continue
        said = step.say.lower()
        assert not [m for m in _others(kind) if m in said], (kind, text, step.say)


@pytest.mark.parametrize("kind", list(CaptureKind))
def test_every_error_hint_of_every_kind_comes_from_that_kind(kind: CaptureKind) -> None:
    errors = [*PARSE_ERRORS, None, "unknown"]
    own = {*phrasing.ERROR_HINTS.get(kind.value, {}).values(), phrasing.HINTS[kind.value]}
    for error in errors:
        said = phrasing.not_understood(kind.value, error)
        assert any(said.endswith(hint) for hint in own), (kind, error, said)
        assert not [m for m in _others(kind) if m in said.lower()], (kind, error, said)


def test_a_name_capture_that_hears_many_digits_asks_for_the_name() -> None:
    step = run(CaptureKind.NAME, "my numbers cure for wanted three four five to kevin eight")
    assert step.outcome == "reprompt"
    assert "digit" not in step.say and "name" in step.say


@pytest.mark.parametrize(
    ("kind", "turns", "expected"),
    [
        (CaptureKind.ADDRESS, ["42 Wallaby Way, Sydney", "2000"], "42 Wallaby Way, Sydney NSW 2000"),
        (CaptureKind.ADDRESS, ["Unit 3, 15 George St", "Sydney NSW 2000"], "3/15 George St, Sydney NSW 2000"),
        (CaptureKind.ADDRESS, ["Unit 3, 15 George St", "Sydney", "It's 2000."], "3/15 George St, Sydney NSW 2000"),
        (CaptureKind.PHONE, ["0412 345", "678"], MOBILE),
        (CaptureKind.PHONE, ["oh four one two", "three four five, six seven eight"], MOBILE),
        (CaptureKind.PHONE, ["9876 5432", "oh two"], "+61298765432"),
        (CaptureKind.EMAIL, ["mary dot brown", "at gmail dot com"], "mary.brown@gmail.com"),
    ],
)
def test_an_answer_given_in_two_breaths_is_joined(kind: CaptureKind, turns: list[str], expected: str) -> None:
    step = run(kind, *turns)
    assert step.outcome == "readback" and step.state.candidate == expected
    assert step.state.partial == ""


def test_an_incomplete_answer_asks_only_for_what_is_missing() -> None:
    step = run(CaptureKind.ADDRESS, "42 Wallaby Way, Sydney")
    assert step.say == "Thanks. Could you give me the postcode as well?"
    assert step.state.partial == "42 Wallaby Way, Sydney"


def test_a_fresh_whole_answer_replaces_an_incomplete_one() -> None:
    step = run(CaptureKind.PHONE, "0412 345", "0498 765 432")
    assert step.state.candidate == "+61498765432"


def test_what_is_not_a_part_is_not_kept() -> None:
    step = run(CaptureKind.PHONE, "banana")
    assert step.outcome == "reprompt" and step.state.partial == ""
    step = run(CaptureKind.NAME, "what")
    assert step.state.partial == ""


def test_a_rejected_readback_forgets_the_incomplete_answer() -> None:
    state = CaptureState(kind=CaptureKind.PHONE, phase=CapturePhase.CONFIRMING, candidate=MOBILE, partial="0412")
    config = CaptureConfig(kind=CaptureKind.PHONE)
    step = advance_capture(config, state, CallerTurn(text="no"), now=NOW, timezone=TZ)
    assert step.state.phase is CapturePhase.ASKING and step.state.partial == ""
