"""Phone capture (en-AU): spoken digits and DTMF to E.164 through `phonenumbers`, read back in natural groups."""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from domain import phone_metadata  # noqa: F401  (every region loaded before a workflow parses a number)
from domain.voice.spoken import ParseResult, drop_asides, failure, say_digits, spoken_digits, success, tokenize

REGION = "AU"
_MAX_DIGITS = 17
# Australian mobile (04) and geographic (02/03/07/08) numbers: ten digits whatever block they are in. The
# allocation tables in `phonenumbers` lag the regulator's (about 9% of 04 and 43% of 08 numbers are "unallocated"
# there); a caller's real number must never be refused for that, and the read-back confirms every digit anyway.
_AU_SUBSCRIBER = re.compile(r"[2378]\d{8}|4\d{8}")


def parse_phone(text: str) -> ParseResult:
    """A phone number as spoken or as a recogniser writes it.

    E.g. "oh four one two, three four five ...", "double three", "0412 345 678", "0-4-1-2-3-4-5-6-7-8.",
    "+61 412 345 678", "(02) 9000 0001"; asides such as "hang on, one sec" add no digit.
    """
    digits = spoken_digits(tokenize(drop_asides(text)))
    return validate_phone_digits(digits)


def parse_phone_dtmf(digits: str) -> ParseResult:
    """A phone number keyed on the keypad; '#' ends entry, '*' is ignored."""
    keyed = digits.split("#", 1)[0]
    return validate_phone_digits("".join(ch for ch in keyed if ch.isdigit()))


def validate_phone_digits(digits: str) -> ParseResult:
    """Normalise "+61...", "61...", "0011..." and national forms to E.164; refuse numbers that cannot be real."""
    bare = digits.lstrip("+")
    if not bare or not bare.isdigit():
        return failure("no_digits")
    if len(bare) > _MAX_DIGITS:
        return failure("too_long")
    if digits.startswith("+"):
        candidate = "+" + bare
    elif bare.startswith("0011"):
        candidate = "+" + bare[4:]
    elif bare.startswith("61") and len(bare) == 11:
        candidate = "+" + bare
    else:
        candidate = bare
    if not candidate.startswith("+") and len(bare) == 8 and bare[0] not in "01":
        return failure("missing_area_code")
    try:
        number = phonenumbers.parse(candidate, REGION)
    except NumberParseException:
        return failure("invalid_number")
    if not (phonenumbers.is_valid_number(number) or _australian_shape(number)):
        return failure(_length_error(number))
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return success(e164, readback_phone(e164))


def _australian_shape(number: phonenumbers.PhoneNumber) -> bool:
    """A mobile or geographic Australian number by its shape alone (see `_AU_SUBSCRIBER`)."""
    national = str(number.national_number)
    return number.country_code == 61 and not number.italian_leading_zero and bool(_AU_SUBSCRIBER.fullmatch(national))


def _length_error(number: phonenumbers.PhoneNumber) -> str:
    result = phonenumbers.is_possible_number_with_reason(number)
    if result == phonenumbers.ValidationResult.TOO_SHORT:
        return "too_short"
    if result == phonenumbers.ValidationResult.TOO_LONG:
        return "too_long"
    return "invalid_number"


def phone_groups(e164: str) -> list[str]:
    """The number's digits in the groups people say: ["0412", "345", "678"], ["02", "9876", "5432"]."""
    try:
        number = phonenumbers.parse(e164, REGION)
    except NumberParseException:
        return [d for d in [re.sub(r"\D", "", e164)] if d]
    if phonenumbers.region_code_for_number(number) == REGION:
        return re.findall(r"\d+", phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL))
    if _australian_shape(number):  # a block `phonenumbers` does not know yet: the groups of its kind
        national = "0" + str(number.national_number)
        sizes = (4, 3, 3) if national.startswith("04") else (2, 4, 4)
        return [national[:sizes[0]], national[sizes[0]:sizes[0] + sizes[1]], national[sizes[0] + sizes[1]:]]
    groups = re.findall(r"\d+", phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL))
    return groups


def national_digits(e164: str) -> str:
    """The digits as dialled within Australia ("0412345678"), or the full international digits elsewhere."""
    return "".join(phone_groups(e164))


def readback_phone(e164: str) -> str:
    """E.g. "oh four one two, three four five, six seven eight"; "plus four four, ..." for a foreign number."""
    groups = phone_groups(e164)
    spoken = ", ".join(say_digits(g) for g in groups)
    if e164.startswith("+") and not e164.startswith("+61"):
        return "plus " + spoken
    return spoken
