"""What Whisper tiny.en wrote for piper phone-call speech (8 kHz mu-law, generator noise on), and what it must parse to.

Every input in the WHISPER_* lists is a transcript Whisper really produced for the phrasing in the comment beside it;
the spoken forms after them are how callers say the same things when a recogniser writes words.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from domain.voice.address import parse_address
from domain.voice.datetime_capture import parse_date_time
from domain.voice.email import parse_email
from domain.voice.name import parse_name
from domain.voice.phone import parse_phone
from tests.helpers.voice_capture import TZ

MOBILE = "+61412345678"

WHISPER_PHONES = [
    ("My number is 0412 345 678", MOBILE),  # "My number is zero four one two, three four five, six seven eight."
    ("It's 0-4-1-2-3-4-5-6-7-8.", MOBILE),  # "It's oh four one two, three four five, six seven eight."
    ("it's all for one two three four five six seven eight", MOBILE),  # the same, another draw
    ("L4, double 1, 2, 3, 4, 5, 6, 7.", "+61411234567"),  # "Oh four double one, two three four, five six seven."
    ("L4, double one, two, three, four, five, six, seven.", "+61411234567"),  # the same, with noise
    ("0-4-1-2, 3-double-4, 5-6-7.", "+61412344567"),  # "Zero four one two, three double four, five six seven."
    ("Plus 6-1-4-1-2-3-4-5-6-7-8.", MOBILE),  # "Plus six one, four one two, three four five, six seven eight."
    ("plus 6-1, 4-1-2, 3-4-5, 6-7-8.", MOBILE),
    ("plus 61412345678.", MOBILE),
    ("02 987 6 5 4 3 2", "+61298765432"),  # "Oh two, nine eight seven six, five four three two."
    ("L2, 987-6, 5-4-3-2.", "+61298765432"),
    ("Sure, it's 0498, 765, 432.", "+61498765432"),  # "Sure, it's zero four nine eight, seven six five, ..."
    ("Yeah, so it's all for two three five eight one three four seven", "+61423581347"),  # "Um, yeah, so it's oh..."
    ("Yeah, so it's 0 4 2 3 5 8 1 3 4 7", "+61423581347"),
    ("Yeah, my mobile is 0-45-5, 0-12-966.", "+61455012966"),  # "Yeah, my mobile is oh four five five, oh one two,..."
    ("Yeah, my mobile was 0, 4, 5, 5, 0, 1, 2, 9, 6, 6.", "+61455012966"),
    ("0487-310-059", "+61487310059"),  # "Oh four eight seven, three one oh, oh five nine."
    ("0-4-8-7, 3-1-0-0-5-9.", "+61487310059"),
    ("1300 655 546", "+611300655546"),  # Whisper's digits for "thirteen hundred, six five five, five oh six", noisy
    ("One three hundred six five five five oh six", "+611300655506"),
    ("Sorry. Hi there. My name is Sam Taylor and my number is 0412345678.", MOBILE),
    ("Can you call me on 0412-345-678?", MOBILE),
    ("It's all 412-345-678, and my name is Sam.", MOBILE),
    ("It's 0-4-1-2, 3-4-5, 6-7-8, and my name is Sam.", MOBILE),
    ("L-4-3-3, double-2-1, 8-double-9.", "+61433221899"),  # "Oh four three three, double two one, eight double nine."
    ("Oh, 4, 3, 3, double, 2, 1, 8, double, 9.", "+61433221899"),
    ("L3 9123 4567", "+61391234567"),  # "Oh three, nine one two three, four five six seven."
    ("0-3-9123-4567", "+61391234567"),
    ("And on, yeah, it's 0-4-1-2-3-4-5-6-7-8.", MOBILE),  # "Hang on. Yeah, it's oh four one two, ..."
    ("And on, yeah, it's all for one, two, three, four, five, six, seven, eight.", MOBILE),
    # Blocks the `phonenumbers` allocation tables do not list (yet): real numbers of the right shape all the same.
    ("Sure, it's 0 double 4 6 4 5 0 6 0 4", "+61446450604"),  # "Sure, it's zero double four six, four five oh, ..."
    ("My mobile 0 4 7 9 9 double 2 9 8 3", "+61479922983"),  # "My mobile's zero four seven nine, nine double two, ..."
    ("08 4924 1968", "+61849241968"),
]
WRITTEN_PHONES = [
    ("0412 345 678", MOBILE),
    ("+61 412 345 678", MOBILE),
    ("(02) 9000 0001", "+61290000001"),
    ("0412-345-678", MOBILE),
    ("zero four one two 345 678", MOBILE),
    ("Hang on, one sec. Yeah, it's 0412 345 678.", MOBILE),
    ("Sorry, hi there, my number is oh four one two, three four five, six seven eight.", MOBILE),
    ("Um, yeah, so it's oh four one two, double three, four five six seven.", "+61412334567"),
    ("hang on... yeah, it's 04 1234 5678", MOBILE),
]


@pytest.mark.parametrize(("text", "expected"), WHISPER_PHONES + WRITTEN_PHONES)
def test_phone_numbers_as_whisper_writes_them(text: str, expected: str) -> None:
    assert parse_phone(text).value == expected


WHISPER_EMAILS = [
    ("My email is mary dot brown at gmail dot com.", "mary.brown@gmail.com"),  # said as written here
    ("My email is mary.brown at gmail.com.", "mary.brown@gmail.com"),  # the same, another draw
    ("My e-mail is Mary Dot Brown at gmail.com.", "mary.brown@gmail.com"),  # the same, with noise
    ("It's John underscore Smith at hotmail.com.", "john_smith@hotmail.com"),
    ("It's John, underscore Smith at hotmail.com.", "john_smith@hotmail.com"),
    ("Sam.tiller at outlook.com.", "sam.tiller@outlook.com"),  # "Sam dot Taylor at outlook dot com dot au."
    ("It's J-O-H and dot Smith at yahoo.com.", "john.smith@yahoo.com"),  # "It's j o h n dot smith at yahoo dot com."
    ("Mary Brown at gmail.com.", "marybrown@gmail.com"),  # "Mary brown at gmail dot com."
    ("It's Mary, underscore Brown 99 at yahoo.com.0.", "mary_brown99@yahoo.com.au"),  # "... dot com dot au."
    ("It's Em Brown at bigfund.net.0.", "embrown@bigfund.net.au"),  # "It's m brown at bigpond dot net dot au."
    ("It's Sam Taylor at gmail.com, all one word.", "samtaylor@gmail.com"),
    # "at" run into the words around it, or written as another word:
    ("Sorry, hi there, my email is davidjonesagmail.com.", "davidjones@gmail.com"),  # "... david jones at gmail ..."
    ("Sorry. Hi there. My email is DavidJones of gmail.com.", "davidjones@gmail.com"),
    ("It's JOHN.SmithitYahoo.com.", "john.smith@yahoo.com"),  # "It's j o h n dot smith at yahoo dot com."
    ("Sim.tilleratoutlook.com.0.", "sim.tiller@outlook.com.au"),  # "Sam dot Taylor at outlook dot com dot au."
    ("mary at hotmill dot com", "mary@hotmail.com"),  # a well-known provider with a letter misheard
    ("Yeah, it's William 96 at optusnet.com.0.", "william96@optusnet.com.au"),  # "... william ninety six at ..."
]
WRITTEN_EMAILS = [
    ("Mary.Brown@gmail.com", "mary.brown@gmail.com"),
    ("Mary.Brown@gmail.com.", "mary.brown@gmail.com"),
    ("mary brown at gmail.com", "marybrown@gmail.com"),
    ("mary dot brown at gmail dot com", "mary.brown@gmail.com"),
    ("Sorry, hi there, it's mary.brown@gmail.com!", "mary.brown@gmail.com"),
    ("Um, yeah, so it's sam dot taylor at outlook dot com dot au.", "sam.taylor@outlook.com.au"),
    ("Hang on... yeah, it's sam.taylor@outlook.com.au", "sam.taylor@outlook.com.au"),
    ("My email address is priya.nair@bigpond.com, thanks.", "priya.nair@bigpond.com"),
    ("Yeah, it's william ninety six at optusnet dot com dot au.", "william96@optusnet.com.au"),
    ("It's sophie eighty at icloud dot com.", "sophie80@icloud.com"),
    ("jess nineteen at gmail dot com", "jess19@gmail.com"),
]


@pytest.mark.parametrize(("text", "expected"), WHISPER_EMAILS + WRITTEN_EMAILS)
def test_emails_as_whisper_writes_them(text: str, expected: str) -> None:
    assert parse_email(text).value == expected


WHISPER_ADDRESSES = [
    ("It's 42 Wallaby Way, Sydney, New South Wales, 2000.", "42 Wallaby Way, Sydney NSW 2000"),
    ("I'm at 100 and 18 Forest Crescent, Brunswick, Victoria, 305-6.", "118 Forest Cres, Brunswick VIC 3056"),
    ("Unit 3, 15 George Street, New Town, and SW 2042.", "3/15 George St, New Town NSW 2042"),  # "..., NSW, ..."
    ("Unit 3, 15 George Street, New Town, NSW, 204-2.", "3/15 George St, New Town NSW 2042"),
    ("8 Mitchell Street, Darwin, Northern Territory, 0-800.", "8 Mitchell St, Darwin NT 0800"),
    ("105 Collins Street, Melbourne, Victoria, 3000.", "105 Collins St, Melbourne VIC 3000"),
    ("105 Cohen Street, Melbourne, Victoria, 3,000.", "105 Cohen St, Melbourne VIC 3000"),
    ("2-slash 15-Smith Street, New Town, and SW 2042.", "2/15 Smith St, New Town NSW 2042"),  # "Two slash fifteen"
    ("2-slash 15th Smith Street, New Town, NSW, 204-2.", "2/15 Smith St, New Town NSW 2042"),
    ("to slash 15 Smith Street, New Town, and SW 2042.", "2/15 Smith St, New Town NSW 2042"),
    ("Yeah, it's 27 Beach Road, Bondi, and SW2026.", "27 Beach Rd, Bondi NSW 2026"),
    ("Flat four, 22 Queen Street, Brisbane, Queensland, 4000.", "4/22 Queen St, Brisbane QLD 4000"),
    ("Unit 3, 15 George Street, Sydney, and SW 2000.", "3/15 George St, Sydney NSW 2000"),
    ("It's Ten Smith Street, new town, 204-2.", "10 Smith St, New Town NSW 2042"),  # "It's ten Smith Street, ..."
    ("It's 10th Smith Street, new town, 2042.", "10 Smith St, New Town NSW 2042"),
    ("312 Pitt Street, Sydney, and SW 2000.", "312 Pitt St, Sydney NSW 2000"),  # "Three hundred and twelve Pitt ..."
    ("71 station place, Cairns, Queensland, 487O", "71 Station Pl, Cairns QLD 4870"),  # "..., four eight seven oh."
]
WRITTEN_ADDRESSES = [
    ("42 Wallaby Way, Sydney NSW 2000", "42 Wallaby Way, Sydney NSW 2000"),
    ("Hang on, one sec. It's 42 Wallaby Way, Sydney NSW 2000.", "42 Wallaby Way, Sydney NSW 2000"),
    ("Um, yeah, so it's forty two Wallaby Way, Sydney, two thousand.", "42 Wallaby Way, Sydney NSW 2000"),
    ("Unit 3, 15 George St, Sydney NSW 2000", "3/15 George St, Sydney NSW 2000"),
    ("42 Wallaby Way, Sydney, postcode 2000.", "42 Wallaby Way, Sydney NSW 2000"),
    ("3 George St, The Rocks NSW 2000", "3 George St, The Rocks NSW 2000"),
]


@pytest.mark.parametrize(("text", "expected"), WHISPER_ADDRESSES + WRITTEN_ADDRESSES)
def test_addresses_as_whisper_writes_them(text: str, expected: str) -> None:
    assert parse_address(text).value == expected


# Now is Wednesday 25 November 2026, 9 am in Sydney.
WHISPER_TIMES = [
    ("Tomorrow at 3 p.m.", "2026-11-26T15:00:00+11:00"),
    ("tomorrow at 3 p.m. please.", "2026-11-26T15:00:00+11:00"),
    ("next Tuesday morning.", "2026-12-01T09:00:00+11:00"),
    ("Tuesday, the 8th at half pass 2.", "2026-12-08T14:30:00+11:00"),  # "Tuesday the eighth at half past two."
    ("the 8th of December at 1030.", "2026-12-08T10:30:00+11:00"),  # "The eighth of December at ten thirty."
    ("Friday at 10.", "2026-11-27T10:00:00+11:00"),
    ("tomorrow at 10.", "2026-11-26T10:00:00+11:00"),
    ("Monday at quarter past nine.", "2026-11-30T09:15:00+11:00"),
    ("the 23rd of December, around 11 a.m.", "2026-12-23T11:00:00+11:00"),
    ("Um, could I do Thursday at two?", "2026-11-26T14:00:00+11:00"),
    ("This Friday at 2.30.", "2026-11-27T14:30:00+11:00"),
    ("330 PM on 8 December.", "2026-12-08T15:30:00+11:00"),  # "Three thirty p m on the eighth of December."
    ("330 p.m. on the 8th of December.", "2026-12-08T15:30:00+11:00"),
    ("tomorrow Arvo at 3.", "2026-11-26T15:00:00+11:00"),
    ("Half past three tomorrow afternoon.", "2026-11-26T15:30:00+11:00"),
    ("next Monday at 9 in the morning.", "2026-11-30T09:00:00+11:00"),
    ("the 5th of January at 11.", "2027-01-05T11:00:00+11:00"),
    ("Wednesday at midday.", "2026-12-02T12:00:00+11:00"),
    ("20 past 10 on Saturday.", "2026-11-28T10:20:00+11:00"),
    ("How about Thursday at 11 30 in the morning?", "2026-11-26T11:30:00+11:00"),  # "... at eleven thirty in the ..."
]
WRITTEN_TIMES = [
    ("3pm", "2026-11-25T15:00:00+11:00"),
    ("3:30 p.m.", "2026-11-25T15:30:00+11:00"),
    ("tomorrow at 3pm", "2026-11-26T15:00:00+11:00"),
    ("Tuesday the 8th", "2026-12-08"),
    ("the 8th of December", "2026-12-08"),
    ("How about 330 this arvo?", "2026-11-25T15:30:00+11:00"),
    ("at 3 this afternoon", "2026-11-25T15:00:00+11:00"),
    ("Sorry, hi there, um, tomorrow at 3pm?", "2026-11-26T15:00:00+11:00"),
    ("Hang on... yeah, Friday at 10.", "2026-11-27T10:00:00+11:00"),
    ("hang on, one sec, next Tuesday morning", "2026-12-01T09:00:00+11:00"),
    ("Not Thursday, Friday at 10.", "2026-11-27T10:00:00+11:00"),
    ("Friday at 10, not Thursday.", "2026-11-27T10:00:00+11:00"),
]


@pytest.mark.parametrize(("text", "expected"), WHISPER_TIMES + WRITTEN_TIMES)
def test_dates_and_times_as_whisper_writes_them(text: str, expected: str, now: datetime) -> None:
    assert parse_date_time(text, now, TZ).value == expected


WHISPER_NAMES = [
    ("Sorry, hi there, my name is Sam Taylor.", "Sam Taylor"),  # said as written here
    ("Sorry, hi there. My name is Sam Taylor.", "Sam Taylor"),  # the same, another draw
    ("It's Sam, Sam Taylor.", "Sam Taylor"),  # "It's Sam. Sam Taylor."
    ("It's Sam. Sam Taylor.", "Sam Taylor"),
    ("My name's Mary Brown.", "Mary Brown"),
    ("Jane Smith.", "Jane Smith"),
    ("Yeah, it's Michael O'Brien.", "Michael O'Brien"),
    ("Um, yeah, so it's Chloe Wilson.", "Chloe Wilson"),
    ("It's Smith, S-M-I-T-H.", "Smith"),  # "It's Smith, S M I T H."
    ("Hi, it's Sam Taylor here.", "Sam Taylor"),
    ("G-Day, Sam Taylor.", "Sam Taylor"),  # "G'day, Sam Taylor."
    ("Sorry. Hi there. My name is Sam Taylor and my number is 0412345678.", "Sam Taylor"),
    ("It's Mary Brown and I'm calling about a leak.", "Mary Brown"),
    ("Yeah, it's Jack. Jack Wilson.", "Jack Wilson"),
    ("My name is Olivia Nguyen.", "Olivia Nguyen"),
    ("Hi, yeah, this is Emma Clark.", "Emma Clark"),  # "Hi, yeah, this is Emma Clarke."
    ("And on, yeah, it's Tom Nguyen.", "Tom Nguyen"),  # "Hang on. Yeah, it's Tom Nguyen."
]
SPOKEN_NAMES = [
    ("This is Priya Nair speaking", "Priya Nair"),
    ("My name's Sam Taylor.", "Sam Taylor"),
    ("It's Sam. It's Sam Taylor.", "Sam Taylor"),
    ("Hang on... yeah, it's Tom Nguyen.", "Tom Nguyen"),
    ("um, yeah, so it's Sam Taylor", "Sam Taylor"),
    ("It's Smyth with a Y.", "Smyth"),
    ("It's Sam Smith, with a y.", "Sam Smyth"),
    ("It's Mary Brown. I need a plumber.", "Mary Brown"),
    ("My first name is Priya. My last name is Nair.", "Priya Nair"),
    ("It's Mrs. Brown.", "Brown"),
    ("Good morning, you're speaking with Priya Nair.", "Priya Nair"),
    ("John P. Smith.", "John P Smith"),  # an initial with a full stop does not end the sentence
]


@pytest.mark.parametrize(("text", "expected"), WHISPER_NAMES + SPOKEN_NAMES)
def test_names_as_whisper_writes_them(text: str, expected: str) -> None:
    assert parse_name(text).value == expected


@pytest.mark.parametrize(
    "text", ["the domain is outlook dot com", "outlook.com", "mary dot brown", "my email is mary brown gmail"]
)
def test_no_at_and_no_provider_run_into_a_word_is_no_email(text: str) -> None:
    assert parse_email(text).error == "missing_at"


@pytest.mark.parametrize(
    "text",
    [
        "Sorry, hi there.",  # a greeting alone names no one
        "Hang on.",
        "Um, yeah.",
        "My number is 0412 345 678.",
    ],
)
def test_a_preamble_or_a_number_alone_is_no_name(text: str) -> None:
    result = parse_name(text)
    assert not result.ok and result.error in ("no_name", "not_a_name")
