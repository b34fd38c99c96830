"""Vocabulary that constrains speech recognition while a capture is active.

The STT port treats hints as a closed vocabulary (pocketsphinx builds a grammar that loops over them), so hints are
given only where the answer really is closed: phone numbers and dates/times, plus the words of a read-back answer
and of a spoken correction ("no, the last digit is nine"). Names and street addresses are open vocabulary: for them
the list is empty and the recogniser's full language model is used. An e-mail address is open too, but its domain
is mostly one of a few providers: its hints are those (as written, "bigpond.com", and the ".com.au" form), the words
said between the parts and the spelling alphabet, which keeps a grammar engine on its language model while an
engine that takes hints as context (Whisper's prompt, Deepgram's key terms) learns how the providers are spelled.
Most telling hints come first: an engine with a budget keeps the head of the list.
"""

from __future__ import annotations

from domain.voice.confirm import NO_PHRASES, YES_PHRASES
from domain.voice.email import PROVIDERS
from domain.voice.spoken import DIGIT_WORDS, REPEATS, TEENS, TENS

_DIGITS = [w for w in DIGIT_WORDS if w not in ("naught", "nil")]
_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]
_CONFIRM = [p for p in (*YES_PHRASES, *NO_PHRASES) if len(p.split()) <= 3]
_CORRECTION = [
    "no", "it's", "it", "is", "the", "a", "an", "last", "first", "middle", "digit", "digits", "number", "numbers",
    "one", "ones", "bit", "part", "ends", "in", "with", "should", "be", "not", "instead", "of", "after", "before",
    "are", "actually", "sorry", "i", "said", "make", "end", "at", "to", "from",
]  # fmt: skip
_PHONE = [*_DIGITS, *REPEATS, *_ORDINALS, "plus", "sixty", "hundred", "thirteen", "eighteen", "area", "code", "mobile",
          "my", "on", "landline", "phone"]  # fmt: skip
_DATE = [
    "today", "tomorrow", "arvo", "afternoon", "morning", "evening", "tonight", "night", "lunchtime", "next", "this",
    "coming", "week", "fortnight", "days", "day", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "a.m.", "p.m.", "am", "pm", "half", "past", "quarter", "to", "o'clock", "noon", "midday",
    "at", "on", "around", "about", "twentieth", "thirtieth", "eleventh", "twelfth", "thirteenth", "fourteenth",
    "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth", *_ORDINALS, *_DIGITS, *TEENS, *TENS,
]  # fmt: skip
_SUMMARY = ["name", "phone", "email", "address", "day", "time", "date", "wrong", "fix", *_DIGITS]
_OPEN_VOCABULARY = {"name", "address"}
# The providers most Australian addresses are at, first; then the rest of the ones the e-mail parser knows.
_COMMON_PROVIDERS = ["gmail", "outlook", "hotmail", "bigpond", "icloud", "yahoo", "optusnet"]
_EMAIL = [
    *(PROVIDERS[p] for p in dict.fromkeys([*_COMMON_PROVIDERS, *PROVIDERS])), ".com.au", "at", "dot", "underscore",
    "dash", *(chr(c) for c in range(ord("a"), ord("z") + 1)),
]  # fmt: skip


def stt_hints(kind: str) -> list[str]:
    """Words and short phrases the recogniser may hear while `kind` is captured; empty means open vocabulary.

    `kind` is a capture kind, or "confirm" for the dialogue's final yes/no check.
    """
    if kind in _OPEN_VOCABULARY:
        return []
    words: list[str]
    if kind == "phone":
        words = [*_PHONE, *_CORRECTION]
    elif kind == "date_time":
        words = [*_DATE, *_CORRECTION]
    elif kind == "confirm":
        words = [*_SUMMARY, *_CORRECTION]
    elif kind == "email":
        words = _EMAIL
    else:
        words = []
    return list(dict.fromkeys([*words, *_CONFIRM]))


def choice_hints(phrases: list[str]) -> list[str]:
    """While a choice is asked (or an option said early is checked): its option phrases, or a yes/no."""
    return list(dict.fromkeys([*phrases, *_CONFIRM]))
