"""The configuration's scalar types, each checked with a stable refusal code.

Patterns are published in the JSON Schema through `json_schema_extra` but enforced here, so a refusal carries this
module's code (`not_e164`, `invalid_id`, ...) rather than pydantic's generic one.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

import phonenumbers
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from domain import phone_metadata  # noqa: F401  (every region loaded before a workflow parses a number)

ID_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
E164_PATTERN = r"^\+[1-9][0-9]{6,14}$"
RANGE_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]-(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
SECRET_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
# Spoken inside a fixed Voice Core phrase: plain words only, so a configuration can never carry a prompt.
PHRASE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 ,.'&/-]{0,79}$"


def _check_id(value: str) -> str:
    if not re.fullmatch(ID_PATTERN, value):
        raise PydanticCustomError("invalid_id", "an id is a lowercase letter then letters, digits or _ (max 40)")
    return value


def check_e164(value: str) -> str:
    """`value` if it is a valid phone number written in E.164, else a `not_e164` refusal."""
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise PydanticCustomError("not_e164", "'{value}' is not a valid phone number in E.164 form (+61290000001)",
                                  {"value": value})
    canonical = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if canonical != value:
        raise PydanticCustomError("not_e164", "'{value}' is not written in E.164 form; write {canonical}",
                                  {"value": value, "canonical": canonical})
    return value


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _check_timezone(value: str) -> str:
    if value not in _zones():
        raise PydanticCustomError("invalid_timezone", "'{value}' is not an IANA timezone (Australia/Sydney)",
                                  {"value": value})
    ZoneInfo(value)
    return value


def parse_range(value: str) -> tuple[int, int]:
    """`"07:00-17:00"` -> minutes since midnight (420, 1020); `24:00` ends a day. Raises ValueError."""
    if not re.fullmatch(RANGE_PATTERN, value):
        raise ValueError(value)
    start, end = (int(p[:2]) * 60 + int(p[3:]) for p in value.split("-"))
    if start >= end:
        raise ValueError(value)
    return start, end


def _check_range(value: str) -> str:
    try:
        parse_range(value)
    except ValueError:
        raise PydanticCustomError(
            "hours_malformed",
            "'{value}' is not an opening range HH:MM-HH:MM with the start before the end (07:00-17:00; "
            "a range past midnight is split across two days)", {"value": value}) from None
    return value


def _check_date(value: str) -> str:
    try:
        if not re.fullmatch(DATE_PATTERN, value):
            raise ValueError(value)
        date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("holiday_not_date", "'{value}' is not a date YYYY-MM-DD", {"value": value}) from None
    return value


def _check_email(value: str) -> str:
    if len(value) > 254 or not re.fullmatch(EMAIL_PATTERN, value):
        raise PydanticCustomError("invalid_email", "'{value}' is not an e-mail address", {"value": value})
    return value


def _check_url(value: str) -> str:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        parts = None
    if parts is None or len(value) > 2000 or parts.scheme not in ("https", "http") or not parts.hostname or (
            "@" in parts.netloc or any(ch.isspace() for ch in value)):
        raise PydanticCustomError("invalid_url", "'{value}' is not an http(s) URL with a host (and no credentials)",
                                  {"value": value})
    return value


def _check_secret(value: str) -> str:
    if not re.fullmatch(SECRET_PATTERN, value):
        raise PydanticCustomError("invalid_secret_name",
                                  "a secret is named with lowercase letters, digits and _ (the name, never the value)")
    return value


def _check_phrase(value: str) -> str:
    if not re.fullmatch(PHRASE_PATTERN, value):
        raise PydanticCustomError("invalid_phrase",
                                  "'{value}': plain words only (letters, digits, spaces and , . ' & / -; max 80)",
                                  {"value": value})
    return value


Identifier = Annotated[str, AfterValidator(_check_id), Field(json_schema_extra={"pattern": ID_PATTERN})]
E164 = Annotated[str, AfterValidator(check_e164), Field(json_schema_extra={"pattern": E164_PATTERN})]
Timezone = Annotated[str, AfterValidator(_check_timezone), Field(json_schema_extra={"examples": ["Australia/Sydney"]})]
TimeRange = Annotated[str, AfterValidator(_check_range), Field(json_schema_extra={"pattern": RANGE_PATTERN})]
IsoDate = Annotated[str, AfterValidator(_check_date), Field(json_schema_extra={"format": "date"})]
Email = Annotated[str, AfterValidator(_check_email), Field(json_schema_extra={"format": "email"})]
Url = Annotated[str, AfterValidator(_check_url), Field(json_schema_extra={"format": "uri"})]
SecretName = Annotated[str, AfterValidator(_check_secret), Field(json_schema_extra={"pattern": SECRET_PATTERN})]
Phrase = Annotated[str, AfterValidator(_check_phrase), Field(json_schema_extra={"pattern": PHRASE_PATTERN})]
