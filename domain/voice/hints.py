"""Vocabulary that constrains speech recognition for each capture kind (keywords / grammar for the STT port)."""

from __future__ import annotations

from domain.voice.address_data import STATE_NAMES, STREET_TYPES
from domain.voice.confirm import NO_PHRASES, YES_PHRASES
from domain.voice.spoken import DIGIT_WORDS, REPEATS, TEENS, TENS

_DIGITS = [w for w in DIGIT_WORDS if w not in ("naught", "nil")]
_LETTERS = [chr(c) for c in range(ord("a"), ord("z") + 1)]
_CONFIRM = [p for p in (*YES_PHRASES, *NO_PHRASES) if len(p.split()) <= 3]
_PHONE = [*_DIGITS, *REPEATS, "plus", "sixty", "hundred", "area", "code", "mobile", "number", "last", "digit", "is"]
_EMAIL = [
    *_LETTERS, *_DIGITS, "at", "dot", "underscore", "dash", "hyphen", "plus", "gmail", "hotmail", "outlook", "yahoo",
    "bigpond", "icloud", "live", "optusnet", "com", "au", "net", "org", "edu", "gov", "double", "capital",
]  # fmt: skip
_DATE = [
    "today", "tomorrow", "arvo", "afternoon", "morning", "evening", "tonight", "next", "this", "week", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april",
    "may", "june", "july", "august", "september", "october", "november", "december", "am", "pm", "half", "past",
    "quarter", "to", "o'clock", "noon", "midday", "first", "second", "third", "fourth", "fifth", "of", "the", "at",
    *_DIGITS, *TEENS, *TENS,
]  # fmt: skip
_NAME = ["my", "name", "is", "it's", "first", "last", "surname", "spelled", *_LETTERS]


def stt_hints(kind: str) -> list[str]:
    """Words the recogniser should favour while this kind is being captured (answers and confirmations)."""
    words: list[str]
    if kind == "phone":
        words = _PHONE
    elif kind == "email":
        words = _EMAIL
    elif kind == "address":
        words = [*_DIGITS, *TEENS, *TENS, "unit", "flat", "slash", "hundred", *STREET_TYPES, *STATE_NAMES]
    elif kind == "date_time":
        words = _DATE
    elif kind == "name":
        words = _NAME
    else:
        words = []
    return list(dict.fromkeys([*words, *_CONFIRM]))
