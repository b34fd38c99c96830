"""Name capture (intros, spelled names, title case, corrections) and reading yes/no answers to a read-back."""

from __future__ import annotations

import pytest

from domain.voice.confirm import Answer, is_decline, read_confirmation
from domain.voice.name import parse_name, repair_name, title_case_name

NAMES = [
    ("John Smith", "John Smith"),
    ("john smith", "John Smith"),
    ("my name is John Smith", "John Smith"),
    ("my name's john smith", "John Smith"),
    ("it's john", "John"),
    ("this is Sarah", "Sarah"),
    ("I'm Dave", "Dave"),
    ("Dave speaking", "Dave"),
    ("john smith here", "John Smith"),
    ("hi, yeah, it's Priya Patel", "Priya Patel"),
    ("g'day it's Bazza", "Bazza"),
    ("um my name's Nguyen Van An", "Nguyen Van An"),
    ("j o h n smith", "John Smith"),
    ("John, J O H N", "John"),
    ("Smith, that's S M I T H", "Smith"),
    ("it's Jo, J O", "Jo"),
    ("spelled j o n", "Jon"),
    ("b e double l", "Bell"),
    ("Mary-Jane O'Brien", "Mary-Jane O'Brien"),
    ("mcdonald", "McDonald"),
    ("Ronald McDonald", "Ronald McDonald"),
    ("D'Arcy Jones", "D'Arcy Jones"),
    ("Jean-Luc Picard", "Jean-Luc Picard"),
    ("Zoë Kravitz", "Zoë Kravitz"),
    ("José García", "José García"),
    ("John P Smith", "John P Smith"),
    ("Will Smith", "Will Smith"),
    ("Mark Taylor", "Mark Taylor"),
    ("Grace Lee", "Grace Lee"),
    ("my first name is John and my last name is Smith", "John Smith"),
    ("first name John, surname Smith", "John Smith"),
    ("van der Berg", "Van Der Berg"),
    ("the name's Bazza, thanks", "Bazza"),
    ("John Smith, 0412 345 678", "John Smith"),
    ("it's John Smith and my number is oh four one two", "John Smith"),
    ("Sarah calling about a leak", "Sarah"),
    ("john 123", "John"),
]

NOT_NAMES = [
    ("", "no_name"),
    ("yes", "no_name"),
    ("no", "no_name"),
    ("um", "no_name"),
    ("what", "not_a_name"),
    ("sorry what was that", "not_a_name"),
    ("can you repeat that", "not_a_name"),
    ("Hang on a sec", "not_a_name"),
    ("123", "not_a_name"),
    ("x", "not_a_name"),
    ("I want to book a plumber", "too_long"),
    ("one two three", "not_a_name"),
]


@pytest.mark.parametrize(("text", "expected"), NAMES)
def test_parses_names(text: str, expected: str) -> None:
    result = parse_name(text)
    assert result.ok, result.error
    assert result.value == expected == result.readback


@pytest.mark.parametrize(("text", "error"), NOT_NAMES)
def test_refuses_what_is_not_a_name(text: str, error: str) -> None:
    result = parse_name(text)
    assert not result.ok and result.error == error


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jon", "Jon Smith"),
        ("the last name is Smyth", "John Smyth"),
        ("surname's Smyth", "John Smyth"),
        ("my surname is actually Smithers", "John Smithers"),
        ("first name is Jon", "Jon Smith"),
        ("it's spelled S M Y T H", "John Smyth"),
        ("it's spelled J O N", "Jon Smith"),
        ("Smyth, S M Y T H", "John Smyth"),
        ("it's Jane Smith", "Jane Smith"),
        ("Bob", "Bob"),
    ],
)
def test_name_corrections(text: str, expected: str) -> None:
    result = repair_name("John Smith", text)
    assert result.ok, result.error
    assert result.value == expected


def test_title_case() -> None:
    assert title_case_name("o'brien") == "O'Brien"
    assert title_case_name("MARY-JANE") == "Mary-Jane"
    assert title_case_name("mcintyre") == "McIntyre"
    assert title_case_name("nick's") == "Nick's"  # a possessive, not O'Brien


def test_a_no_heard_as_other_words_is_no_name() -> None:
    assert not parse_name("No, let's look at this by now.").ok


YES = [
    "yes", "yeah", "yep", "yup", "correct", "that's right", "that's correct", "yes that's right", "yeah that's it",
    "spot on", "too right", "perfect", "uh huh", "mm hmm", "nah yeah", "um yes", "Yes.", "I think that's right",
    "yes please", "right", "righto", "sounds good", "you got it", "Yeah, that's the one",
]  # fmt: skip
NO = ["no", "nope", "nah", "that's wrong", "not quite", "yeah nah", "uh uh", "No.", "that's not right", "wrong",
      "no no no", "that is incorrect", "um, no", "um I think that is wrong", "i reckon that's not right"]  # fmt: skip
UNCLEAR = ["what?", "sorry?", "can you say that again", "no that's right", "no, right", "hmm", ""]


@pytest.mark.parametrize("text", YES)
def test_yes(text: str) -> None:
    assert read_confirmation(text).answer is Answer.YES


@pytest.mark.parametrize("text", NO)
def test_no(text: str) -> None:
    assert read_confirmation(text).answer is Answer.NO


@pytest.mark.parametrize("text", UNCLEAR)
def test_unclear(text: str) -> None:
    assert read_confirmation(text).answer is Answer.UNCLEAR


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("no, it's 0412 345 679", "0412 345 679"),
        ("no the last digit is nine", "the last digit is nine"),
        ("nope, john dot smith at gmail dot com", "john dot smith at gmail dot com"),
        ("No, it's John.Smith@gmail.com", "john.smith@gmail.com"),
        ("yeah nah it's 679 at the end", "679 at the end"),
        ("no, no, it's actually Smyth", "smyth"),
        ("yeah, but the last digit is nine", "the last digit is nine"),
        ("that's wrong, it's 2043", "2043"),
    ],
)
def test_correction_in_the_same_breath_is_kept(text: str, rest: str) -> None:
    assert read_confirmation(text).rest == rest


@pytest.mark.parametrize(
    ("text", "declined"),
    [
        ("I don't have one", True),
        ("rather not", True),
        ("i don't have an email", True),
        ("no email sorry", True),
        ("skip that", True),
        ("no", True),
        ("john at gmail dot com", False),
        ("0412 345 678", False),
    ],
)
def test_decline(text: str, declined: bool) -> None:
    assert is_decline(text) is declined
