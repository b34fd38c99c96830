"""Property tests: a value said or written any way a caller or a recogniser would parses back to the same value,
and what the agent reads back parses back to what was read.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import phonenumbers
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from domain.voice.address import parse_address, readback_address
from domain.voice.datetime_capture import parse_date_time, readback_date_time
from domain.voice.datetime_words import ordinal
from domain.voice.email import parse_email, readback_email
from domain.voice.name import parse_name
from domain.voice.phone import parse_phone, readback_phone
from domain.voice.spoken import SAY_DIGIT
from tests.helpers.voice_capture import NOW, TZ

EXAMPLES = int(os.environ.get("VOICE_CAPTURE_EXAMPLES", "150"))
FAST = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PREAMBLES = st.sampled_from(
    ["", "Sorry, hi there, ", "Um, yeah, so it's ", "Hang on... yeah, it's ", "Hang on, one sec. Yeah, it's ",
     "G'day, ", "Oh, sorry, it's ", "Okay, so "]
)  # fmt: skip
ENDINGS = st.sampled_from(["", ".", "?", "!", ", thanks."])

# --- phone ---------------------------------------------------------------------------------------------------------

AU_NUMBERS = st.one_of(
    st.text("0123456789", min_size=8, max_size=8).map(lambda rest: "04" + rest),
    st.tuples(st.sampled_from(["2", "3", "7", "8"]), st.sampled_from("3456789"), st.text("0123456789", min_size=7,
              max_size=7)).map(lambda t: "0" + t[0] + t[1] + t[2]),
).filter(lambda n: phonenumbers.is_valid_number(phonenumbers.parse(n, "AU")))  # fmt: skip
ZERO = st.sampled_from(["oh", "zero", "nought", "o"])


def _groups(national: str) -> list[str]:
    if national.startswith("04"):
        return [national[:4], national[4:7], national[7:]]
    return [national[:2], national[2:6], national[6:]]


@st.composite
def _spoken_group(draw: st.DrawFn, digits: str) -> str:
    """One group as said: digit by digit, with "double"/"triple" for runs when the caller likes to."""
    words: list[str] = []
    i = 0
    while i < len(digits):
        run = len(digits[i:]) - len(digits[i:].lstrip(digits[i]))
        say = draw(ZERO) if digits[i] == "0" else SAY_DIGIT[digits[i]]
        if run >= 3 and draw(st.booleans()):
            words.append(f"triple {say}")
            i += 3
        elif run >= 2 and draw(st.booleans()):
            words.append(f"double {say}")
            i += 2
        else:
            words.append(say)
            i += 1
    return " ".join(words)


@st.composite
def said_or_written_phone(draw: st.DrawFn, national: str) -> str:
    groups = _groups(national)
    style = draw(st.sampled_from(["spaced", "plain", "dashed", "brackets", "plus", "spoken", "plus_spoken", "mixed",
                                  "digit_dashes", "digit_commas"]))  # fmt: skip
    if style == "spaced":
        return " ".join(groups)
    if style == "plain":
        return national
    if style == "dashed":
        return "-".join(groups)
    if style == "brackets":
        return f"({groups[0]}) {' '.join(groups[1:])}"
    if style == "plus":
        return "+61 " + " ".join([groups[0][1:], *groups[1:]])
    if style == "digit_dashes":
        return "-".join(national)
    if style == "digit_commas":
        return ", ".join(national)
    spoken = [draw(_spoken_group(g)) for g in groups]
    if style == "plus_spoken":
        return "plus six one " + ", ".join([draw(_spoken_group(groups[0][1:])), *spoken[1:]])
    if style == "mixed":
        return " ".join([spoken[0], *groups[1:]])  # "zero four one two 345 678"
    return ", ".join(spoken)


@FAST
@given(st.data(), AU_NUMBERS, PREAMBLES, st.sampled_from(["", "my number is ", "it's ", "call me on "]), ENDINGS)
def test_a_phone_number_said_or_written_any_way_parses_to_its_e164(
    data: st.DataObject, national: str, preamble: str, lead: str, ending: str
) -> None:
    e164 = phonenumbers.format_number(phonenumbers.parse(national, "AU"), phonenumbers.PhoneNumberFormat.E164)
    rendered = data.draw(said_or_written_phone(national))
    text = f"{preamble}{lead}{rendered}{ending}"
    assert parse_phone(text).value == e164, text
    assert parse_phone(readback_phone(e164)).value == e164


# --- email ---------------------------------------------------------------------------------------------------------

FIRST = ["mary", "sam", "priya", "jack", "olivia", "tom", "chloe", "emma", "david", "michael", "john", "zoe"]
LAST = ["brown", "taylor", "nair", "wilson", "nguyen", "smith", "jones", "clarke", "obrien", "lee", "patel"]
PROVIDERS = {"gmail": "gmail.com", "hotmail": "hotmail.com", "outlook": "outlook.com", "bigpond": "bigpond.com",
             "yahoo": "yahoo.com", "icloud": "icloud.com"}  # fmt: skip
SAY_SEPARATOR = {".": "dot", "_": "underscore", "-": "dash", "": ""}


@st.composite
def emails(draw: st.DrawFn) -> tuple[str, str, str, str]:
    """(first, separator, last-with-digits, provider)."""
    digits = draw(st.sampled_from(["", "", "7", "87", "99", "2024"]))
    return draw(st.sampled_from(FIRST)), draw(st.sampled_from(list(SAY_SEPARATOR))), draw(st.sampled_from(LAST)) + (
        digits), draw(st.sampled_from(sorted(PROVIDERS)))  # fmt: skip


def _say_local(part: str) -> str:
    letters = "".join(ch for ch in part if ch.isalpha())
    digits = " ".join(SAY_DIGIT[ch] for ch in part if ch.isdigit())
    return f"{letters} {digits}".strip()


@FAST
@given(emails(), st.sampled_from(["literal", "capitalised", "spoken", "mixed", "spoken_provider"]), PREAMBLES,
       st.sampled_from(["", "my email is ", "my e-mail address is ", "it's "]), ENDINGS)  # fmt: skip
def test_an_email_said_or_written_any_way_parses_to_itself(
    parts: tuple[str, str, str, str], style: str, preamble: str, lead: str, ending: str
) -> None:
    first, sep, last, provider = parts
    value = f"{first}{sep}{last}@{PROVIDERS[provider]}"
    said_sep = SAY_SEPARATOR[sep]
    rendered = {
        "literal": value,
        "capitalised": f"{first.title()}{sep}{last.title()}@{PROVIDERS[provider].title()}",
        "spoken": f"{first} {said_sep} {_say_local(last)} at {provider} dot com",
        "mixed": f"{first}{sep}{last} at {PROVIDERS[provider]}",  # Whisper: "mary.brown at gmail.com"
        "spoken_provider": f"{first.title()} {said_sep} {last.title()} at {provider.title()}",
    }[style]
    text = f"{preamble}{lead}{' '.join(rendered.split())}{ending}"
    assert parse_email(text).value == value, text
    assert parse_email(readback_email(value)).value == value, readback_email(value)


# --- address -------------------------------------------------------------------------------------------------------

PLACES = [("Sydney", "NSW", "New South Wales", "2000"), ("Newtown", "NSW", "New South Wales", "2042"),
          ("Melbourne", "VIC", "Victoria", "3000"), ("Brisbane", "QLD", "Queensland", "4000"),
          ("Darwin", "NT", "Northern Territory", "0800"), ("Hobart", "TAS", "Tasmania", "7000"),
          ("Perth", "WA", "Western Australia", "6000"), ("Bondi", "NSW", "New South Wales", "2026")]  # fmt: skip
STREETS = ["Wallaby", "George", "Smith", "Collins", "Pitt", "Beach", "Queen", "Ocean", "Church", "Mitchell"]
TYPES = [("St", "Street"), ("Rd", "Road"), ("Ave", "Avenue"), ("Way", "Way"), ("Pde", "Parade"), ("Dr", "Drive")]
NUMBER_WORDS = {
    1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 7: "seven", 12: "twelve", 15: "fifteen", 22: "twenty two",
    42: "forty two", 105: "one hundred and five", 312: "three hundred and twelve",
}  # fmt: skip


@FAST
@given(st.sampled_from(sorted(NUMBER_WORDS)), st.sampled_from([None, 2, 3, 7]), st.sampled_from(STREETS),
       st.sampled_from(TYPES), st.sampled_from(PLACES), st.sampled_from(["written", "state_name", "spoken",
       "and_sw", "no_state"]), PREAMBLES, ENDINGS)  # fmt: skip
def test_an_address_said_or_written_any_way_parses_to_its_canonical_line(
    number: int, unit: int | None, street: str, street_type: tuple[str, str], place: tuple[str, str, str, str],
    style: str, preamble: str, ending: str,
) -> None:  # fmt: skip
    suburb, state, state_name, postcode = place
    assume(style != "and_sw" or state == "NSW")
    canonical = f"{f'{unit}/' if unit else ''}{number} {street} {street_type[0]}, {suburb} {state} {postcode}"
    said_number = NUMBER_WORDS[number] if style == "spoken" else str(number)
    said_unit = (f"unit {NUMBER_WORDS[unit]}, " if style == "spoken" else f"Unit {unit}, ") if unit else ""
    said_postcode = " ".join(SAY_DIGIT[d] for d in postcode) if style == "spoken" else postcode
    said_state = {"written": state, "state_name": state_name, "spoken": state_name, "and_sw": "and SW"}.get(style, "")
    text = f"{said_unit}{said_number} {street} {street_type[1]}, {suburb}, {said_state} {said_postcode}"
    text = f"{preamble}{' '.join(text.split())}{ending}"
    assert parse_address(text).value == canonical, text
    assert parse_address(readback_address(canonical)).value == canonical


# --- date and time -------------------------------------------------------------------------------------------------

SYDNEY = ZoneInfo(TZ)


def _clock(moment: datetime, style: str) -> str:
    hour, minute = moment.hour % 12 or 12, moment.minute
    meridiem = "am" if moment.hour < 12 else "pm"
    if style == "compact":
        return f"{hour}{meridiem}" if not minute else f"{hour}:{minute:02d}{meridiem}"
    if style == "dotted":
        return f"{hour}:{minute:02d} {meridiem[0]}.m."
    if style == "run":
        return f"at {hour}{minute:02d} {meridiem}"  # Whisper: "330 PM"
    if style == "half_past" and minute == 30:
        return f"half past {hour} in the {'morning' if meridiem == 'am' else 'afternoon'}"
    return f"at {hour}:{minute:02d} {meridiem}"


@FAST
@given(st.integers(1, 200), st.sampled_from([(9, 0), (10, 30), (11, 15), (13, 0), (14, 30), (15, 45), (16, 0)]),
       st.sampled_from(["compact", "dotted", "run", "half_past", "plain"]),
       st.sampled_from(["day_month", "weekday_day_month", "month_day"]), PREAMBLES, ENDINGS)  # fmt: skip
def test_a_booking_time_said_or_written_any_way_parses_to_itself(
    days: int, clock: tuple[int, int], style: str, day_style: str, preamble: str, ending: str
) -> None:
    day = (NOW.astimezone(SYDNEY) + timedelta(days=days)).date()
    moment = datetime(day.year, day.month, day.day, clock[0], clock[1], tzinfo=SYDNEY)
    said_day = {
        "day_month": f"the {ordinal(day.day)} of {day:%B}",
        "weekday_day_month": f"{day:%A} the {ordinal(day.day)} of {day:%B}",
        "month_day": f"{day:%B} {ordinal(day.day)}",
    }[day_style]
    text = f"{preamble}{said_day}, {_clock(moment, style)}{ending}"
    value = moment.isoformat()
    assert parse_date_time(text, NOW, TZ).value == value, text
    assert parse_date_time(readback_date_time(value), NOW, TZ).value == value


# --- name ----------------------------------------------------------------------------------------------------------

NAME_FIRST = ["Sam", "Mary", "Priya", "Jack", "Olivia", "Tom", "Chloe", "Emma", "Michael", "Zoë", "Mary-Jane", "José"]
NAME_LAST = ["Taylor", "Brown", "Nair", "Wilson", "Nguyen", "Smith", "O'Brien", "McDonald", "Clarke", "García"]


@FAST
@given(st.sampled_from(NAME_FIRST), st.sampled_from(NAME_LAST),
       st.sampled_from(["plain", "lower", "intro", "restated", "restated_intro", "speaking", "its", "upper"]),
       PREAMBLES, st.sampled_from(["", ".", "!", " here.", " speaking."]))  # fmt: skip
def test_a_name_said_or_written_any_way_parses_to_itself(
    first: str, last: str, style: str, preamble: str, ending: str
) -> None:
    name = f"{first} {last}"
    said = {
        "plain": name,
        "lower": name.lower(),
        "upper": name.upper(),
        "intro": f"my name is {name}",
        "restated": f"{first}. {name}",  # "It's Sam. Sam Taylor."
        "restated_intro": f"it's {first}. It's {name}",
        "speaking": f"this is {name}",
        "its": f"it's {first}, {name}",
    }[style]
    text = f"{preamble}{said}{ending}"
    assert parse_name(text).value == name, text
    assert parse_name(name).value == name
