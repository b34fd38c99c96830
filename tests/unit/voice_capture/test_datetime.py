"""Date/time capture, day-first en-AU, resolved in the tenant's timezone from `now` (Wed 25 Nov 2026, 9 am Sydney)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.voice.datetime_capture import parse_date_time, readback_date_time, repair_date_time
from tests.helpers.voice_capture import NOW, TZ

PARSED = [
    ("today at 3pm", "2026-11-25T15:00:00+11:00"),
    ("tomorrow at 10am", "2026-11-26T10:00:00+11:00"),
    ("tomorrow at 10 a.m.", "2026-11-26T10:00:00+11:00"),
    ("tomorrow morning", "2026-11-26T09:00:00+11:00"),
    ("tomorrow arvo", "2026-11-26T14:00:00+11:00"),
    ("this arvo", "2026-11-25T14:00:00+11:00"),
    ("this afternoon at 4", "2026-11-25T16:00:00+11:00"),
    ("tonight", "2026-11-25T19:00:00+11:00"),
    ("this morning", "2026-11-25T10:00:00+11:00"),
    ("tonight at 7", "2026-11-25T19:00:00+11:00"),
    ("in the morning", "2026-11-26T09:00:00+11:00"),
    ("the day after tomorrow at noon", "2026-11-27T12:00:00+11:00"),
    ("midday tomorrow", "2026-11-26T12:00:00+11:00"),
    ("lunchtime tomorrow", "2026-11-26T12:00:00+11:00"),
    ("next tuesday", "2026-12-01"),
    ("next tuesday at 2:30pm", "2026-12-01T14:30:00+11:00"),
    ("tuesday at half past two", "2026-12-01T14:30:00+11:00"),
    ("this friday at quarter to five", "2026-11-27T16:45:00+11:00"),
    ("friday at quarter past ten", "2026-11-27T10:15:00+11:00"),
    ("on monday at 9", "2026-11-30T09:00:00+11:00"),
    ("monday next week at 10", "2026-11-30T10:00:00+11:00"),
    ("friday week", "2026-12-04"),
    ("wednesday", "2026-12-02"),
    ("saturday morning", "2026-11-28T09:00:00+11:00"),
    ("the 3rd of march", "2027-03-03"),
    ("3rd March at 11am", "2027-03-03T11:00:00+11:00"),
    ("march 3rd at 11", "2027-03-03T11:00:00+11:00"),
    ("the third of march at eleven in the morning", "2027-03-03T11:00:00+11:00"),
    ("the twenty third of december at 2pm", "2026-12-23T14:00:00+11:00"),
    ("the twenty-third of december at 2pm", "2026-12-23T14:00:00+11:00"),
    ("23/12 at 2pm", "2026-12-23T14:00:00+11:00"),
    ("3/4", "2027-04-03"),
    ("3/4/2027", "2027-04-03"),
    ("03/04/27", "2027-04-03"),
    ("3-4-2027", "2027-04-03"),
    ("the 15th", "2026-12-15"),
    ("the 15th at 1", "2026-12-15T13:00:00+11:00"),
    ("the first of december", "2026-12-01"),
    ("1st of Jan", "2027-01-01"),
    ("the 1st of november", "2027-11-01"),
    ("may the 4th at 10", "2027-05-04T10:00:00+10:00"),
    ("at 3", "2026-11-25T15:00:00+11:00"),
    ("at 3 o'clock", "2026-11-25T15:00:00+11:00"),
    ("three o'clock tomorrow", "2026-11-26T15:00:00+11:00"),
    ("tomorrow at three thirty", "2026-11-26T15:30:00+11:00"),
    ("tomorrow at ten fifteen", "2026-11-26T10:15:00+11:00"),
    ("tomorrow at ten oh five", "2026-11-26T10:05:00+11:00"),
    ("tomorrow at two forty five pm", "2026-11-26T14:45:00+11:00"),
    ("tomorrow at 14:30", "2026-11-26T14:30:00+11:00"),
    ("tomorrow at 2.30", "2026-11-26T14:30:00+11:00"),
    ("tomorrow at 9 in the morning", "2026-11-26T09:00:00+11:00"),
    ("tomorrow at 3 in the arvo", "2026-11-26T15:00:00+11:00"),
    ("tomorrow at 7pm", "2026-11-26T19:00:00+11:00"),
    ("tomorrow at 12", "2026-11-26T12:00:00+11:00"),
    ("tomorrow at 3 30 pm", "2026-11-26T15:30:00+11:00"),
    ("tomorrow at 330 pm", "2026-11-26T15:30:00+11:00"),
    ("tomorrow at half two", "2026-11-26T14:30:00+11:00"),
    ("tomorrow at ten to four", "2026-11-26T15:50:00+11:00"),
    ("tomorrow at 3:30 PM", "2026-11-26T15:30:00+11:00"),
    ("March 3rd, 2027 at 9am", "2027-03-03T09:00:00+11:00"),
    ("Thursday the 26th of November at 3 pm", "2026-11-26T15:00:00+11:00"),
    ("in 2 days", "2026-11-27"),
    ("in a week", "2026-12-02"),
    ("in a fortnight", "2026-12-09"),
    ("i may be free tuesday", "2026-12-01"),
    ("2027-03-03T10:00:00+11:00", "2027-03-03T10:00:00+11:00"),
]

FAILED = [
    ("", "no_date"),
    ("banana", "no_date"),
    ("i don't know", "no_date"),
    ("sometime next week", "no_date"),
    ("asap", "no_date"),
    ("today at 8am", "in_past"),
    ("this morning at 8", "in_past"),
    ("yesterday", "in_past"),
    ("last monday", "in_past"),
    ("1/11/2026", "in_past"),
    ("the 31st of february", "invalid_date"),
    ("31/11", "invalid_date"),
    ("tomorrow at 25", "invalid_time"),
    ("25:00 tomorrow", "invalid_time"),
    ("tomorrow at 13pm", "invalid_time"),
    ("the 25th of december 2027", "too_far"),
]


@pytest.mark.parametrize(("text", "expected"), PARSED)
def test_parses_en_au_dates_and_times(text: str, expected: str) -> None:
    result = parse_date_time(text, NOW, TZ)
    assert result.ok, result.error
    assert result.value == expected


@pytest.mark.parametrize(("text", "error"), FAILED)
def test_refuses_past_invalid_or_missing(text: str, error: str) -> None:
    result = parse_date_time(text, NOW, TZ)
    assert not result.ok and result.value is None
    assert result.error == error


def test_resolved_in_the_tenant_timezone() -> None:
    assert parse_date_time("tomorrow at 3pm", NOW, "Australia/Perth").value == "2026-11-26T15:00:00+08:00"
    assert parse_date_time("tomorrow at 3pm", NOW, "Australia/Brisbane").value == "2026-11-26T15:00:00+10:00"
    # 22:00 UTC on the 24th is already the 25th in Sydney but still the 24th in Perth (6 am).
    assert parse_date_time("today at 5pm", NOW, "Australia/Perth").value == "2026-11-25T17:00:00+08:00"
    late = datetime(2026, 11, 25, 12, 30, tzinfo=UTC)  # 11:30 pm in Sydney
    assert parse_date_time("at 9", late, TZ).value == "2026-11-26T09:00:00+11:00"


def test_unknown_timezone_is_an_error_not_an_exception() -> None:
    assert parse_date_time("tomorrow at 3pm", NOW, "Mars/Base").error == "bad_timezone"
    assert parse_date_time("tomorrow at 3pm", NOW, "").error == "bad_timezone"


def test_naive_now_is_taken_as_utc() -> None:
    naive = NOW.replace(tzinfo=None)
    assert parse_date_time("tomorrow at 3pm", naive, TZ).value == "2026-11-26T15:00:00+11:00"


@pytest.mark.parametrize(
    ("value", "spoken"),
    [
        ("2026-11-26T15:00:00+11:00", "Thursday the 26th of November at 3 pm"),
        ("2026-12-01T14:30:00+11:00", "Tuesday the 1st of December at 2:30 pm"),
        ("2026-11-26T12:00:00+11:00", "Thursday the 26th of November at midday"),
        ("2027-04-03", "Saturday the 3rd of April"),
        ("2026-12-22T09:05:00+11:00", "Tuesday the 22nd of December at 9:05 am"),
    ],
)
def test_readback(value: str, spoken: str) -> None:
    assert readback_date_time(value) == spoken


CANDIDATE = "2026-11-26T15:00:00+11:00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4pm", "2026-11-26T16:00:00+11:00"),
        ("make it 10 am", "2026-11-26T10:00:00+11:00"),
        ("half past three", "2026-11-26T15:30:00+11:00"),
        ("Friday", "2026-11-27T15:00:00+11:00"),
        ("the 27th", "2026-11-27T15:00:00+11:00"),
        ("the afternoon", "2026-11-26T14:00:00+11:00"),
        ("morning", "2026-11-26T09:00:00+11:00"),
        ("friday at 11", "2026-11-27T11:00:00+11:00"),
        ("next monday at 8am", "2026-11-30T08:00:00+11:00"),
    ],
)
def test_corrections_keep_what_was_not_corrected(text: str, expected: str) -> None:
    result = repair_date_time(CANDIDATE, text, NOW, TZ)
    assert result.ok, result.error
    assert result.value == expected


@pytest.mark.parametrize(
    ("text", "error"), [("tomorrow", "no_change"), ("3pm", "no_change"), ("banana", "unclear_correction")]
)
def test_corrections_refused(text: str, error: str) -> None:
    result = repair_date_time(CANDIDATE, text, NOW, TZ)
    assert not result.ok and result.error == error


@pytest.mark.parametrize(
    ("utc_hour", "text", "expected"),
    [
        (3, "this arvo", "2026-11-25T15:00:00+11:00"),  # 2:20 pm: the next whole hour of the afternoon
        (5, "this arvo", "in_past"),  # 4:20 pm: the afternoon is over by 5
        (7, "this evening", "2026-11-25T19:00:00+11:00"),
        (10, "tonight", "in_past"),
        (5, "tomorrow arvo", "2026-11-26T14:00:00+11:00"),
        (10, "in the morning", "2026-11-26T09:00:00+11:00"),
    ],
)
def test_part_of_day_already_under_way(utc_hour: int, text: str, expected: str) -> None:
    result = parse_date_time(text, datetime(2026, 11, 25, utc_hour, 20, tzinfo=UTC), TZ)
    assert (result.value or result.error) == expected
