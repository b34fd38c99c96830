"""Phone capture over en-AU phrasings: spoken digits, groups, +61 forms, landlines, DTMF, repairs and failures."""

from __future__ import annotations

import pytest

from domain.voice.phone import parse_phone, parse_phone_dtmf, readback_phone
from domain.voice.phone_repair import repair_phone

MOBILE = "+61412345678"

PARSED = [
    ("0412 345 678", MOBILE),
    ("04 1234 5678", MOBILE),
    ("0412345678", MOBILE),
    ("0412-345-678", MOBILE),
    ("zero four one two three four five six seven eight", MOBILE),
    ("oh four one two three four five six seven eight", MOBILE),
    ("o four one two three four five six seven eight", MOBILE),
    ("oh four one two, three four five, six seven eight", MOBILE),
    ("oh four twelve, three forty five, six seven eight", MOBILE),
    ("nought four one two three four five six seven eight", MOBILE),
    ("my number is 0412 345 678", MOBILE),
    ("it's oh four one two, three four five, six seven eight thanks", MOBILE),
    ("uh, oh four one two three four five six seven eight", MOBILE),
    ("oh, it's oh four one two three four five six seven eight", MOBILE),
    ("call me on oh four one two three four five six seven eight", MOBILE),
    ("you can reach me on 0412 345 678, that's my mobile", MOBILE),
    ("oh four one two, three four five, six seven eight. Yeah that's it", MOBILE),
    ("four one two three four five six seven eight", MOBILE),
    ("plus 61 412 345 678", MOBILE),
    ("+61 412 345 678", MOBILE),
    ("+61412345678", MOBILE),
    ("61 412 345 678", MOBILE),
    ("plus sixty one four one two three four five six seven eight", MOBILE),
    ("sixty one four one two three four five six seven eight", MOBILE),
    ("my number is oh for one to three four five six seven eight", MOBILE),
    ("oh four one two three four five six seven ate", MOBILE),
    ("oh four one two double three four five six seven", "+61412334567"),
    ("oh four triple eight one two three four five", "+61488812345"),
    ("oh four one one double oh seven double two one", "+61411007221"),
    ("oh four treble one two three four five six", "+61411123456"),
    ("oh two nine eight seven six five four three two", "+61298765432"),
    ("(02) 9876 5432", "+61298765432"),
    ("02-9876-5432", "+61298765432"),
    ("oh three nine one two three four five six seven", "+61391234567"),
    ("07 3123 4567", "+61731234567"),
    ("08 9123 4567", "+61891234567"),
    ("oh eight eight one two three four five six seven", "+61881234567"),
    ("02 6123 4567", "+61261234567"),
    ("1300 655 506", "+611300655506"),
    ("thirteen hundred six five five five oh six", "+611300655506"),
    ("one three hundred six five five five oh six", "+611300655506"),
    ("one eight hundred one two three four five six", "+611800123456"),
    ("13 13 14", "+61131314"),
    ("plus four four two oh seven nine four six oh nine five eight", "+442079460958"),
    ("0011 44 20 7946 0958", "+442079460958"),
    ("+64 21 123 4567", "+64211234567"),
]

FAILED = [
    ("", "no_digits"),
    ("banana", "no_digits"),
    ("I don't know my number", "no_digits"),
    ("oh", "no_digits"),
    ("9876 5432", "missing_area_code"),
    ("nine eight seven six five four three two", "missing_area_code"),
    ("0412 345", "invalid_number"),
    ("oh four one two three", "invalid_number"),
    ("0412 345 678 9", "invalid_number"),
    ("zero four one two three four five six seven eight nine", "invalid_number"),
    ("1" * 30, "too_long"),
    ("double oh four", "too_short"),
    ("triple eight", "too_short"),
    ("0000000000", "invalid_number"),
]


@pytest.mark.parametrize(("text", "expected"), PARSED)
def test_parses_spoken_numbers_to_e164(text: str, expected: str) -> None:
    result = parse_phone(text)
    assert result.ok, result.error
    assert result.value == expected


@pytest.mark.parametrize(("text", "error"), FAILED)
def test_refuses_what_is_not_a_number(text: str, error: str) -> None:
    result = parse_phone(text)
    assert not result.ok
    assert result.value is None
    assert result.error == error


@pytest.mark.parametrize(
    ("value", "spoken"),
    [
        (MOBILE, "oh four one two, three four five, six seven eight"),
        ("+61298765432", "oh two, nine eight seven six, five four three two"),
        ("+611300655506", "one three oh oh, six five five, five oh six"),
        ("+61131314", "one three, one three, one four"),
        ("+442079460958", "plus four four, two oh, seven nine four six, oh nine five eight"),
    ],
)
def test_reads_back_in_natural_groups(value: str, spoken: str) -> None:
    assert readback_phone(value) == spoken
    assert parse_phone(value).readback == spoken


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ("0412345678#", MOBILE),
        ("0412345678", MOBILE),
        ("*0412345678#", MOBILE),
        ("0298765432#", "+61298765432"),
        ("0412345678#999", MOBILE),
        ("04123#", None),
        ("#", None),
        ("", None),
    ],
)
def test_dtmf_entry(keys: str, expected: str | None) -> None:
    result = parse_phone_dtmf(keys)
    assert result.value == expected
    assert result.ok is (expected is not None)


REPAIRS = [
    ("the last digit is seven", "+61412345677"),
    ("the last digit is a nine", "+61412345679"),
    ("last digit's a nine", "+61412345679"),
    ("last one is a seven", "+61412345677"),
    ("last two digits are seven nine", "+61412345679"),
    ("the last two are seven nine", "+61412345679"),
    ("the last three are six seven nine", "+61412345679"),
    ("the last bit is six seven nine", "+61412345679"),
    ("the last part should be 679", "+61412345679"),
    ("it ends in six seven nine", "+61412345679"),
    ("it ends with 79", "+61412345679"),
    ("six seven nine at the end", "+61412345679"),
    ("first four digits are oh four one three", "+61413345678"),
    ("the first part is oh four one three", "+61413345678"),
    ("the digit after oh four is three", "+61432345678"),
    ("the number after oh four one should be three", "+61413345678"),
    ("the third digit should be two", "+61422345678"),
    ("the fifth digit is nine", "+61412945678"),
    ("the 5 should be a 6", "+61412346678"),
    ("the eight should be a nine", "+61412345679"),
    ("it's a nine not an eight", "+61412345679"),
    ("not eight, nine", "+61412345679"),
    ("nine instead of eight", "+61412345679"),
    ("three four six", "+61412346678"),
    ("six seven nine", "+61412345679"),
    ("oh four one three", "+61413345678"),
    ("0413", "+61413345678"),
    ("the middle bit is three four six", "+61412346678"),
    ("the middle part should be 346", "+61412346678"),
    ("the second group is 346", "+61412346678"),
    ("seven", "+61412345677"),
    ("i said six seven nine", "+61412345679"),
    ("0412 345 679", "+61412345679"),
    ("it's 0412 345 679", "+61412345679"),
    ("oh four one two, three four five, six seven nine", "+61412345679"),
    ("actually it's oh two nine eight seven six five four three two", "+61298765432"),
]


@pytest.mark.parametrize(("text", "expected"), REPAIRS)
def test_partial_and_full_corrections(text: str, expected: str) -> None:
    result = repair_phone(MOBILE, text)
    assert result.ok, result.error
    assert result.value == expected


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("the four should be a five", "unclear_correction"),  # two fours: which one?
        ("the eight should be eight", "no_change"),
        ("the last digit is eight", "no_change"),
        ("no", "unclear_correction"),
        ("hmm not sure", "unclear_correction"),
        ("the last digit is", "unclear_correction"),
    ],
)
def test_corrections_that_cannot_apply(text: str, error: str) -> None:
    result = repair_phone(MOBILE, text)
    assert not result.ok
    assert result.error == error


def test_landline_repair_keeps_area_code() -> None:
    assert repair_phone("+61298765432", "the last digit is three").value == "+61298765433"
    assert repair_phone("+61298765432", "the first part is oh three").value == "+61398765432"


def test_foreign_number_repair_stays_international() -> None:
    assert repair_phone("+442079460958", "the last digit is nine").value == "+442079460959"


@pytest.mark.parametrize(("text", "value", "readback"), [
    ("oh four four six, oh oh one, three oh four", "+61446001304", "oh four four six, oh oh one, three oh four"),
    ("oh eight four nine two four one nine six eight", "+61849241968",
     "oh eight, four nine two four, one nine six eight"),
])  # fmt: skip
def test_numbers_in_blocks_phonenumbers_does_not_list_yet_are_real(text: str, value: str, readback: str) -> None:
    result = parse_phone(text)
    assert (result.value, result.readback) == (value, readback)
    assert repair_phone(value, "no, the last digit is two").value == value[:-1] + "2"
