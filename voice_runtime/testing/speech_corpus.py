"""An evaluation set of phone-call answers, drawn at run time with a seed: what an Australian caller says.

Each utterance has the words the caller speaks (fed to the TTS as written, so digits are words), the
capture kind it answers and the value the capture should end with. Names, numbers and places come
from lists of common Australian names and real suburbs/postcodes, drawn at random; nothing is chosen
because an engine hears it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import phonenumbers

from domain.voice.spoken import SAY_DIGIT

FIRST = [
    "Jack", "Oliver", "William", "Noah", "Thomas", "James", "Lucas", "Henry", "Charlie", "Ethan", "Liam", "Mason",
    "Olivia", "Charlotte", "Amelia", "Isla", "Mia", "Ava", "Grace", "Chloe", "Emily", "Sophie", "Ruby", "Zoe",
    "Sarah", "Jessica", "Michael", "David", "Matthew", "Daniel", "Andrew", "Peter", "Karen", "Michelle", "Lisa",
    "Rebecca", "Sam", "Ben", "Josh", "Luke", "Kate", "Emma", "Hannah", "Lachlan", "Cooper", "Riley", "Mitchell",
    "Kylie", "Darren", "Shane", "Priya", "Wei", "Mohammed", "Aisha", "Raj", "Mary", "Jane", "John", "Paul",
]  # fmt: skip
LAST = [
    "Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Johnson", "White", "Martin", "Anderson", "Thompson",
    "Nguyen", "Thomas", "Walker", "Harris", "Lee", "Ryan", "Robinson", "Kelly", "King", "Davis", "Wright", "Evans",
    "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Patel", "Khan", "Tran", "Campbell", "Mitchell",
    "Hughes", "Murphy", "Edwards", "Cooper", "Young", "Hill", "Scott", "Morris", "Baker", "Turner", "Phillips",
    "Watson", "Stewart", "Ward", "Singh", "Chen", "Wang", "Russo", "Kennedy", "Fraser", "Sullivan", "Graham",
]  # fmt: skip
EMAIL_DOMAINS = [
    ("gmail", "com"), ("outlook", "com"), ("hotmail", "com"), ("bigpond", "com"), ("icloud", "com"),
    ("yahoo", "com.au"), ("optusnet", "com.au"),
]  # fmt: skip
STREETS = ["George", "King", "Church", "High", "Victoria", "Queen", "Station", "Park", "Wattle", "Banksia", "Railway",
           "Bridge", "Elizabeth", "Smith", "Albert", "Jacaranda", "Ocean", "Hill", "Forest", "River"]  # fmt: skip
STREET_TYPES = [("Street", "St"), ("Road", "Rd"), ("Avenue", "Ave"), ("Drive", "Dr"), ("Crescent", "Cres"),
                ("Place", "Pl"), ("Court", "Ct"), ("Parade", "Pde"), ("Lane", "La")]  # fmt: skip
SUBURBS = [
    ("Parramatta", "NSW", "2150"), ("Bondi", "NSW", "2026"), ("Newtown", "NSW", "2042"), ("Chatswood", "NSW", "2067"),
    ("Penrith", "NSW", "2750"), ("Fitzroy", "VIC", "3065"), ("Brunswick", "VIC", "3056"), ("Geelong", "VIC", "3220"),
    ("Ballarat", "VIC", "3350"), ("Toowong", "QLD", "4066"), ("Southport", "QLD", "4215"), ("Cairns", "QLD", "4870"),
    ("Fremantle", "WA", "6160"), ("Subiaco", "WA", "6008"), ("Glenelg", "SA", "5045"), ("Norwood", "SA", "5067"),
    ("Hobart", "TAS", "7000"), ("Launceston", "TAS", "7250"), ("Braddon", "ACT", "2612"), ("Darwin", "NT", "0800"),
]  # fmt: skip
STATE_SAID = {"NSW": "New South Wales", "VIC": "Victoria", "QLD": "Queensland", "WA": "Western Australia",
              "SA": "South Australia", "TAS": "Tasmania", "ACT": "the ACT", "NT": "Northern Territory"}  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]  # fmt: skip
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
YES = ["Yeah, that's right.", "Yep.", "Yes, that's correct.", "Correct.", "Yeah, spot on.", "That's it, thanks.",
       "Yes please.", "Yeah, that's the one."]  # fmt: skip
NO = ["No, that's wrong.", "Nah, not quite.", "No, that's not right.", "Nope.", "No, sorry, that's not it."]
# A Tuesday morning in Sydney: relative dates below are computed from it.
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Australia/Sydney"))
TIMEZONE = "Australia/Sydney"


@dataclass(frozen=True)
class Utterance:
    """One caller answer: its words, the capture it answers, what the capture should end with.

    `kind` is a capture kind or "confirm"; a correction carries the `candidate` it corrects; `said` are
    the words that carry the value (to tell what the engine heard from what the parser made of it).
    """

    kind: str
    text: str
    truth: str
    category: str
    candidate: str | None = None
    said: str = ""  # the words that carry the value (all of `text` when empty)

    @property
    def value_words(self) -> str:
        return self.said or self.text


def number_words(n: int) -> str:
    """How a caller says a house number (1-999)."""
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + (f" {ONES[n % 10]}" if n % 10 else "")
    rest = n % 100
    return f"{ONES[n // 100]} hundred" + (f" and {number_words(rest)}" if rest else "")


def say_digits(digits: str, rng: random.Random) -> list[str]:
    """Digit words, "oh" or "zero" for 0, sometimes "double" for a repeated digit."""
    zero = rng.choice(["oh", "zero"])
    words, i = [], 0
    while i < len(digits):
        word = zero if digits[i] == "0" else SAY_DIGIT[digits[i]]
        if i + 1 < len(digits) and digits[i + 1] == digits[i] and rng.random() < 0.5:
            words.append(f"double {word}")
            i += 2
        else:
            words.append(word)
            i += 1
    return words


def _grouped(digits: str, groups: tuple[int, ...], rng: random.Random) -> str:
    parts, start = [], 0
    for size in groups:
        parts.append(" ".join(say_digits(digits[start : start + size], rng)))
        start += size
    return ", ".join(parts)


def _name(rng: random.Random) -> Utterance:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    lead = rng.choice(["Sorry, hi there, my name is {}.", "It's {}.", "Yeah, it's {}.", "My name's {}.",
                       "Hi, this is {} speaking.", "{}.", "Oh, it's {}.", "Um, {}."])  # fmt: skip
    return Utterance("name", lead.format(f"{first} {last}"), f"{first} {last}", "name", said=f"{first} {last}")


def _phone_number(rng: random.Random) -> tuple[str, str]:
    """(spoken, E.164): mostly mobiles in 4-3-3 groups, some landlines in 2-4-4; only numbers that exist (0479 and
    08 4... do not): the caller's number must be one the business can ring back.
    """
    while True:
        mobile = rng.random() < 0.75
        if mobile:
            digits = "04" + "".join(rng.choice("0123456789") for _ in range(8))
        else:
            digits = rng.choice(["02", "03", "07", "08"]) + rng.choice("3456789") + "".join(
                rng.choice("0123456789") for _ in range(7))
        if phonenumbers.is_valid_number(phonenumbers.parse("+61" + digits[1:])):
            return _grouped(digits, (4, 3, 3) if mobile else (2, 4, 4), rng), "+61" + digits[1:]


def _phone(rng: random.Random) -> Utterance:
    spoken, value = _phone_number(rng)
    lead = rng.choice(["My number is {}.", "It's {}.", "Yeah, it's {}.", "You can get me on {}.", "{}.",
                       "Sure, it's {}."])  # fmt: skip
    return Utterance("phone", lead.format(spoken), value, "phone", said=spoken)


def _email(rng: random.Random) -> Utterance:
    first, last = rng.choice(FIRST).lower(), rng.choice(LAST).lower()
    host, tld = rng.choice(EMAIL_DOMAINS)
    style = rng.randrange(3)
    if style == 0:
        local, said = f"{first}.{last}", f"{first} dot {last}"
    elif style == 1:
        local, said = f"{first}{last}", f"{first}{last}"
    else:
        year = rng.randrange(70, 100)
        local, said = f"{first}{year}", f"{first} {number_words(year)}"
    said_domain = " dot ".join([host, *tld.split(".")])
    lead = rng.choice(["It's {}.", "My email is {}.", "Yeah, it's {}.", "{}.", "Sure, it's {}."])
    words = f"{said} at {said_domain}"
    return Utterance("email", lead.format(words), f"{local}@{host}.{tld}", "email", said=words)


def _address(rng: random.Random) -> Utterance:
    number = rng.choice([rng.randrange(1, 30), rng.randrange(1, 200)])
    street, (type_said, type_abbr) = rng.choice(STREETS), rng.choice(STREET_TYPES)
    suburb, state, postcode = rng.choice(SUBURBS)
    spoken_postcode = " ".join(SAY_DIGIT[d] for d in postcode)
    said = f"{number_words(number)} {street} {type_said}, {suburb}, {STATE_SAID[state]}, {spoken_postcode}"
    lead = rng.choice(["It's {}.", "I'm at {}.", "Yeah, {}.", "{}.", "We live at {}."])
    truth = f"{number} {street} {type_abbr}, {suburb} {state} {postcode}"
    return Utterance("address", lead.format(said), truth, "address", said=said)


def _clock(rng: random.Random) -> tuple[str, int, int]:
    hour, minute = rng.choice([(9, 0), (9, 30), (10, 0), (10, 15), (11, 0), (11, 30), (13, 0), (14, 0), (14, 30),
                               (15, 0), (15, 30), (16, 0), (16, 45)])  # fmt: skip
    h12 = hour - 12 if hour > 12 else hour
    part = "in the morning" if hour < 12 else "in the afternoon"
    said = {0: f"{ONES[h12]} o'clock", 15: f"quarter past {ONES[h12]}", 30: f"half past {ONES[h12]}",
            45: f"quarter to {ONES[h12 % 12 + 1]}"}[minute]  # fmt: skip
    if minute == 30 and rng.random() < 0.5:
        said = f"{ONES[h12]} thirty"
    if minute == 0 and rng.random() < 0.5:
        said, part = f"{ONES[h12]}", "a m" if hour < 12 else "p m"
    return f"{said} {part}", hour, minute


def _date_time(rng: random.Random, now: datetime = NOW) -> Utterance:
    time_said, hour, minute = _clock(rng)
    today = now.date()
    if rng.random() < 0.3:
        day: date = today + timedelta(days=1)
        day_said = "tomorrow"
    else:
        offset = rng.randrange(2, 7)  # never today's weekday: "Tuesday" on a Tuesday is ambiguous
        day = today + timedelta(days=offset)
        day_said = WEEKDAYS[day.weekday()]
    lead = rng.choice(["Could you do {} at {}?", "{} at {} works for me.", "Um, {} at {}, if that's okay.",
                       "How about {} at {}?"])  # fmt: skip
    text = lead.format(day_said, time_said)
    value = datetime(day.year, day.month, day.day, hour, minute, tzinfo=now.tzinfo).isoformat()
    return Utterance("date_time", text[0].upper() + text[1:], value, "date_time", said=f"{day_said} at {time_said}")


def _confirm(rng: random.Random) -> Utterance:
    yes = rng.random() < 0.6
    return Utterance("confirm", rng.choice(YES if yes else NO), "yes" if yes else "no", "yes_no")


def _correction(rng: random.Random) -> Utterance:
    if rng.random() < 0.6:
        _, value = _phone_number(rng)
        local = "0" + value[3:]
        if rng.random() < 0.5:
            digit = rng.choice([d for d in "0123456789" if d != local[-1]])
            said = f"last digit is {SAY_DIGIT[digit] if digit != '0' else 'zero'}"
            text = f"No, the {said}."
            fixed = local[:-1] + digit
        else:
            tail = "".join(rng.choice("0123456789") for _ in range(3))
            said = f"ends in {' '.join(say_digits(tail, rng))}"
            text = f"Sorry, it {said}."
            fixed = local[:-3] + tail
        return Utterance("phone", text, "+61" + fixed[1:], "correction", candidate=value, said=said)
    first, wrong, right = rng.choice(FIRST), rng.choice(LAST), rng.choice(LAST)
    spelled = " ".join(right.upper())
    text = rng.choice([f"No, it's {first} {right}.", f"No, my surname is {right}, {spelled}."])
    return Utterance("name", text, f"{first} {right}", "correction", candidate=f"{first} {wrong}", said=right)


MAKERS = {"name": _name, "phone": _phone, "email": _email, "address": _address, "date_time": _date_time,
          "yes_no": _confirm, "correction": _correction}  # fmt: skip
SHARE = {"name": 20, "phone": 20, "email": 15, "address": 15, "date_time": 15, "yes_no": 10, "correction": 10}


def draw(count: int, seed: int) -> list[Utterance]:
    """`count` utterances in the categories' proportions (at least one of each), in a seeded random order."""
    rng = random.Random(seed)
    total = sum(SHARE.values())
    out = [MAKERS[cat](rng) for cat, share in SHARE.items() for _ in range(max(1, round(count * share / total)))]
    rng.shuffle(out)
    return out


def answer(kind: str, rng: random.Random, now: datetime = NOW) -> Utterance:
    """One natural answer to a capture of `kind` (dates relative to `now`, in its timezone)."""
    return _date_time(rng, now) if kind == "date_time" else MAKERS[kind](rng)


# What else callers say (the stress harness's personas): messages to pass on, abuse and refusals, requests to hear
# the question again, requests for a person. Plain phrases people use, not tuned to any engine.
MESSAGES = ["Could someone call me back about the quote you sent last week.", "The tap in the kitchen is still "
            "leaking, please ring me.", "I need to move my appointment to later in the week.", "Just letting you "
            "know the gate code has changed.", "Please call me back when you get a chance, it's not urgent."]
HOSTILE = ["This is ridiculous, you stupid machine.", "I'm not telling you that.", "Mind your own business.",
           "Get lost, I'm not giving you anything.", "Stop asking me questions, you useless robot.",
           "Why would I tell a computer that? Forget it."]  # fmt: skip
REPEAT = ["Sorry, what was that?", "Sorry, can you say that again?", "Pardon? I didn't catch that.",
          "Sorry, what did you say?"]  # fmt: skip
PERSON = ["Can I speak to a real person, please?", "I'd rather talk to a human being.",
          "Can you put me through to someone, I want to speak to a person."]  # fmt: skip
CHOICE_LEADS = ["{}.", "Yeah, {}.", "Um, {}, please.", "It's about {}."]
SPELLED_DIGIT = {d: ONES[int(d)] for d in "0123456789"}


def spelled(text: str) -> str:
    """Letters as a caller spells them ("J A C K"), dots and digits as words."""
    out = []
    for ch in text:
        if ch.isalpha():
            out.append(ch.upper())
        elif ch.isdigit():
            out.append(SPELLED_DIGIT[ch])
        elif ch == ".":
            out.append("dot")
        elif ch in "_-":
            out.append("underscore" if ch == "_" else "dash")
    return " ".join(out)
