"""Email capture over en-AU phrasings: "dot"/"at", underscores, dashes, spelled letters, providers, repairs."""

from __future__ import annotations

import pytest

from domain.voice.email import parse_email, readback_email, repair_email

PARSED = [
    ("john dot smith at gmail dot com", "john.smith@gmail.com"),
    ("my email is john dot smith at gmail dot com", "john.smith@gmail.com"),
    ("my email address is john dot smith at gmail dot com", "john.smith@gmail.com"),
    ("um it's uh john at gmail dot com", "john@gmail.com"),
    ("it's john underscore smith at hotmail dot com", "john_smith@hotmail.com"),
    ("john under score smith at hotmail dot com", "john_smith@hotmail.com"),
    ("john dash smith at outlook dot com", "john-smith@outlook.com"),
    ("john hyphen smith at yahoo dot com dot au", "john-smith@yahoo.com.au"),
    ("j o h n at gmail dot com", "john@gmail.com"),
    ("jay oh aitch en at gmail dot com", "john@gmail.com"),
    ("capital j o h n at gmail dot com", "john@gmail.com"),
    ("b e double l at gmail dot com", "bell@gmail.com"),
    ("double u at gmail dot com", "w@gmail.com"),
    ("john smith at gmail dot com", "johnsmith@gmail.com"),
    ("johnsmith82 at bigpond dot com", "johnsmith82@bigpond.com"),
    ("john eight two at bigpond dot net dot au", "john82@bigpond.net.au"),
    ("zero one two at gmail dot com", "012@gmail.com"),
    ("sarah at sarahs plumbing dot com dot au", "sarah@sarahsplumbing.com.au"),
    ("JOHN.SMITH@GMAIL.COM", "john.smith@gmail.com"),
    ("john.smith@gmail.com", "john.smith@gmail.com"),
    ("john.smith at gmail.com", "john.smith@gmail.com"),
    ("john dot smith at gmail dot com.", "john.smith@gmail.com"),
    ("john at gmail", "john@gmail.com"),
    ("john at g mail dot com", "john@gmail.com"),
    ("john at hot mail dot com", "john@hotmail.com"),
    ("john at bigpond", "john@bigpond.com"),
    ("mary at optusnet", "mary@optusnet.com.au"),
    ("tom at tpg dot com dot au", "tom@tpg.com.au"),
    ("info at acme dot com dot au", "info@acme.com.au"),
    ("john at gmail dot com au", "john@gmail.com.au"),
    ("bob plus news at gmail dot com", "bob+news@gmail.com"),
    ("john full stop smith at gmail full stop com", "john.smith@gmail.com"),
    ("john at sign gmail dot com", "john@gmail.com"),
    ("first dot last at company dot com dot au", "first.last@company.com.au"),
    ("k dot lee at live dot com dot au", "k.lee@live.com.au"),
    ("sales at acme-plumbing dot com dot au", "sales@acme-plumbing.com.au"),
    ("sales at acme dash plumbing dot com dot au", "sales@acme-plumbing.com.au"),
    ("it's all one word, johnsmith at icloud dot com", "johnsmith@icloud.com"),
    ("admin at school dot edu dot au", "admin@school.edu.au"),
    ("pat at gmail dot com", "pat@gmail.com"),
]

FAILED = [
    ("", "missing_at"),
    ("john", "missing_at"),
    ("I don't have one", "missing_at"),
    ("john at", "missing_domain_suffix"),
    ("john at acme", "missing_domain_suffix"),
    ("at gmail dot com", "missing_local_part"),
    ("john dot dot smith at gmail dot com", "invalid_email"),
    ("john at gmail dot c", "invalid_email"),
    ("john at dot com", "missing_domain_suffix"),
    ("j" * 70 + " at gmail dot com", "invalid_email"),
]


@pytest.mark.parametrize(("text", "expected"), PARSED)
def test_parses_spoken_addresses(text: str, expected: str) -> None:
    result = parse_email(text)
    assert result.ok, result.error
    assert result.value == expected


@pytest.mark.parametrize(("text", "error"), FAILED)
def test_refuses_incomplete_or_invalid(text: str, error: str) -> None:
    result = parse_email(text)
    assert not result.ok and result.value is None
    assert result.error == error


@pytest.mark.parametrize(
    ("value", "spoken"),
    [
        ("john.smith@gmail.com", "john dot smith at gmail dot com"),
        ("jsmith_82@bigpond.com", "j s m i t h underscore eight two at bigpond dot com"),
        ("mary-jane@optusnet.com.au", "mary dash jane at optusnet dot com dot a u"),
        ("bob+news@outlook.com", "bob plus news at outlook dot com"),
        ("k.lee@live.com.au", "k dot lee at live dot com dot a u"),
    ],
)
def test_readback_spells_what_cannot_be_said(value: str, spoken: str) -> None:
    assert readback_email(value) == spoken


CANDIDATE = "john.smith@gmail.com"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("at hotmail dot com", "john.smith@hotmail.com"),
        ("no it's at hotmail dot com", "john.smith@hotmail.com"),
        ("at hotmail", "john.smith@hotmail.com"),
        ("hotmail", "john.smith@hotmail.com"),
        ("bigpond dot com", "john.smith@bigpond.com"),
        ("it's hotmail not gmail", "john.smith@hotmail.com"),
        ("the domain is outlook dot com", "john.smith@outlook.com"),
        ("jon dot smith", "jon.smith@gmail.com"),
        ("it's j o n dot smith", "jon.smith@gmail.com"),
        ("the first part is j smith", "jsmith@gmail.com"),
        ("john smith 82", "johnsmith82@gmail.com"),
        ("john dot smyth at gmail dot com", "john.smyth@gmail.com"),
        ("jane at yahoo dot com dot au", "jane@yahoo.com.au"),
    ],
)
def test_corrections(text: str, expected: str) -> None:
    result = repair_email(CANDIDATE, text)
    assert result.ok, result.error
    assert result.value == expected


@pytest.mark.parametrize(
    ("text", "error"),
    [("no", "unclear_correction"), ("hang on", "unclear_correction"), ("at gmail dot com", "no_change")],
)
def test_corrections_that_are_not_understood(text: str, error: str) -> None:
    result = repair_email(CANDIDATE, text)
    assert not result.ok and result.error == error


# Found by the stress harness: a number in the address said as a number, as people say a birth year.
@pytest.mark.parametrize(
    ("text", "expected"),
    [("henry seventy eight at hotmail dot com", "henry78@hotmail.com"),
     ("It's jo ninety at gmail dot com.", "jo90@gmail.com"), ("sam fifteen at gmail dot com", "sam15@gmail.com"),
     ("t w e n t y at gmail dot com", "twenty@gmail.com")],
)
def test_numbers_said_as_numbers(text: str, expected: str) -> None:
    result = parse_email(text)
    assert result.ok and result.value == expected, result
