"""The per-kind parse / repair / read-back functions behind one uniform signature."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.voice.address import parse_address, readback_address, repair_address
from domain.voice.datetime_capture import parse_date_time, readback_date_time, repair_date_time
from domain.voice.email import parse_email, readback_email, repair_email
from domain.voice.name import parse_name, readback_name, repair_name
from domain.voice.phone import parse_phone, readback_phone
from domain.voice.phone_repair import repair_phone
from domain.voice.spoken import ParseResult


class CaptureKind(StrEnum):
    """What a capture collects."""

    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"
    DATE_TIME = "date_time"
    NAME = "name"


@dataclass(frozen=True)
class KindOps:
    """Parse a fresh answer, repair a candidate with a correction, and read a value back."""

    parse: Callable[[str, datetime, str], ParseResult]
    repair: Callable[[str, str, datetime, str], ParseResult]
    readback: Callable[[str, str], str]


OPS: dict[CaptureKind, KindOps] = {
    CaptureKind.PHONE: KindOps(
        parse=lambda text, now, tz: parse_phone(text),
        repair=lambda cand, text, now, tz: repair_phone(cand, text),
        readback=lambda value, tz: readback_phone(value),
    ),
    CaptureKind.EMAIL: KindOps(
        parse=lambda text, now, tz: parse_email(text),
        repair=lambda cand, text, now, tz: repair_email(cand, text),
        readback=lambda value, tz: readback_email(value),
    ),
    CaptureKind.ADDRESS: KindOps(
        parse=lambda text, now, tz: parse_address(text),
        repair=lambda cand, text, now, tz: repair_address(cand, text),
        readback=lambda value, tz: readback_address(value),
    ),
    CaptureKind.DATE_TIME: KindOps(
        parse=parse_date_time,
        repair=repair_date_time,
        readback=lambda value, tz: readback_date_time(value),
    ),
    CaptureKind.NAME: KindOps(
        parse=lambda text, now, tz: parse_name(text),
        repair=lambda cand, text, now, tz: repair_name(cand, text),
        readback=lambda value, tz: readback_name(value),
    ),
}
