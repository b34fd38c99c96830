"""Rewrites spoken dates and times into a compact form the date/time parser reads ("twenty third" -> "23rd")."""

from __future__ import annotations

import re

from domain.voice.spoken import DIGIT_WORDS, TEENS, TENS, drop_asides, normalise, strip_preamble, words_to_number

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS: dict[str, int] = {
    "monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1, "wednesday": 2, "wed": 2, "weds": 2,
    "thursday": 3, "thurs": 3, "thu": 3, "friday": 4, "fri": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip
_ORDINAL_WORDS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
_SUFFIX = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}
_NUMBER = set(DIGIT_WORDS) | set(TEENS) | set(TENS)


def ordinal(n: int) -> str:
    """3 -> "3rd", 11 -> "11th", 22 -> "22nd"."""
    return f"{n}{_SUFFIX.get(n, 'th')}"


def _ordinals(said: str) -> str:
    compound = "|".join(k for k, v in _ORDINAL_WORDS.items() if v < 10)
    said = re.sub(
        rf"\b(twenty|thirty) ({compound})\b",
        lambda m: ordinal(TENS[m.group(1)] + _ORDINAL_WORDS[m.group(2)]),
        said,
    )
    words = "|".join(_ORDINAL_WORDS)
    return re.sub(rf"\b({words})\b", lambda m: ordinal(_ORDINAL_WORDS[m.group(1)]), said)


def _time_run(run: list[str]) -> str:
    """E.g. "three thirty" -> "3:30", "ten oh five" -> "10:05", "forty five" -> "45", "nine" -> "9"."""
    first = run[0]
    hour = int(DIGIT_WORDS[first]) if first in DIGIT_WORDS and first not in ("o", "oh") else TEENS.get(first)
    if hour is not None and 1 <= hour <= 12 and len(run) > 1:
        rest = run[1:]
        if rest[0] in ("o", "oh") and len(rest) == 2 and rest[1] in DIGIT_WORDS:
            return f"{hour}:0{DIGIT_WORDS[rest[1]]}"
        minutes = words_to_number(rest)
        if minutes is not None and 10 <= minutes <= 59 and rest[0] in TENS | TEENS:
            return f"{hour}:{minutes:02d}"
    value = words_to_number([w for w in run if w not in ("o", "oh")])
    return str(value) if value is not None else " ".join(run)


def _cardinals(said: str) -> str:
    out: list[str] = []
    run: list[str] = []
    for word in [*said.split(), ""]:
        if word in _NUMBER and (word not in ("o", "oh") or run):
            run.append(word)
            continue
        if run:
            out.append(_time_run(run))
            run = []
        if word:
            out.append(word)
    return " ".join(out)


def compact(text: str) -> str:
    """Lowercase, drop punctuation, unify am/pm and o'clock, and turn number words into digits."""
    said = normalise(drop_asides(strip_preamble(text)))
    said = re.sub(r"\b([ap])\.? ?m\b\.?", r"\1m", said)
    said = said.replace("o'clock", "oclock").replace("o clock", "oclock")
    said = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", said)
    said = re.sub(r"(\d)\.(\d\d)\b", r"\1:\2", said)
    said = re.sub(r"(\d)[-.](\d)", r"\1/\2", said)
    said = re.sub(r"[^a-z0-9:/ ]+", " ", said.replace("'", ""))
    said = " ".join(said.split())
    said = _cardinals(_ordinals(said))
    return re.sub(r"\b(half|quarter|\d{1,2}) pass(?:ed)? (?=\d)", r"\1 past ", said)  # "half pass 2", as written
