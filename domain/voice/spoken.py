"""Shared helpers that turn an en-AU transcript into tokens, digit strings, numbers and spelled letters."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

DIGIT_WORDS: dict[str, str] = {
    "zero": "0", "oh": "0", "o": "0", "nought": "0", "naught": "0", "nil": "0",
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip
# Words a recogniser writes for a digit; only read as digits next to other digits.
HOMOPHONES: dict[str, str] = {"to": "2", "too": "2", "for": "4", "fore": "4", "won": "1", "ate": "8"}
TEENS: dict[str, int] = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
REPEATS: dict[str, int] = {"double": 2, "triple": 3, "treble": 3}
SAY_DIGIT: dict[str, str] = {
    "0": "oh", "1": "one", "2": "two", "3": "three", "4": "four",
    "5": "five", "6": "six", "7": "seven", "8": "eight", "9": "nine",
}  # fmt: skip
NUMBER_WORDS = set(DIGIT_WORDS) | set(TEENS) | set(TENS) | set(REPEATS) | {"hundred", "thousand"}
# What callers say before the answer: greetings, hesitations, asking for a moment. Longest first. ("And on" is how
# Whisper writes a "hang on" that starts an utterance.)
PREAMBLE = (
    "just a second", "just a moment", "bear with me", "let me think", "let me check", "let me see", "hello there",
    "good morning", "good afternoon", "good evening", "just a sec", "one second", "one moment", "hey there",
    "hi there", "hang on", "hold on", "and on", "no worries", "all right", "one sec", "alright", "actually", "g'day",
    "g-day", "gday", "sorry", "mate", "hello", "hiya", "okay", "yeah", "well", "sure", "look", "right", "umm", "uhm",
    "erm", "hmm", "hey", "yep", "yup", "yes", "um", "uh", "er", "ah", "mm", "oh", "ok", "so", "hi",
)  # fmt: skip
# Asides that contain a number word but are not part of any number ("hang on, one sec, it's 0412 ...").
_ASIDES = re.compile(r"\b(?:one|a) (?:sec|second|moment|minute|tick)\b|\bhang on a (?:sec|tick)\b", re.IGNORECASE)
_PUNCT = r"[\s,.!?;:\u2026-]*"
_COURTESY = re.compile(
    r"(?:[\s,.!?;:\u2026-]+(?:thanks|thank you|thanks very much|thank you very much|cheers|please|ta|mate|"
    r"that's it|that's all|that's me))+[\s,.!?;:\u2026-]*$",
    re.IGNORECASE,
)
_PREAMBLE = re.compile(_PUNCT + r"(" + "|".join(re.escape(p) for p in PREAMBLE) + r")\b(?!['\u2019-])" + _PUNCT, re.I)
_NUMBER_AHEAD = re.compile(r"[\s,.-]*(?:\d|(?:" + "|".join(sorted(NUMBER_WORDS)) + r")\b)", re.IGNORECASE)
_TOKEN = re.compile(r"\+|\d+|[a-z]+(?:'[a-z]+)?")
_LETTER_NAMES: dict[str, str] = {
    "ay": "a",
    "bee": "b",
    "be": "b",
    "cee": "c",
    "see": "c",
    "sea": "c",
    "dee": "d",
    "ee": "e",
    "ef": "f",
    "eff": "f",
    "gee": "g",
    "aitch": "h",
    "haitch": "h",
    "eye": "i",
    "jay": "j",
    "kay": "k",
    "el": "l",
    "ell": "l",
    "em": "m",
    "en": "n",
    "pee": "p",
    "cue": "q",
    "queue": "q",
    "ar": "r",
    "are": "r",
    "es": "s",
    "ess": "s",
    "tee": "t",
    "tea": "t",
    "you": "u",
    "vee": "v",
    "ex": "x",
    "why": "y",
    "zed": "z",
    "zee": "z",
}


class ParseResult(BaseModel):
    """What one utterance yields for one capture kind: a normalised value and its read-back, or an error code."""

    model_config = ConfigDict(frozen=True)

    ok: bool
    value: str | None = None
    readback: str = ""
    error: str | None = None


def success(value: str, readback: str) -> ParseResult:
    """A parsed, validated value with the text the agent reads back."""
    return ParseResult(ok=True, value=value, readback=readback)


def failure(error: str) -> ParseResult:
    """A refusal with a machine-readable reason (it picks the reprompt hint)."""
    return ParseResult(ok=False, error=error)


def normalise(text: str) -> str:
    """Lowercase, unify apostrophes and dashes, and collapse whitespace."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-").replace("\u2014", "-")
    return " ".join(text.split())


def strip_preamble(text: str) -> str:
    """`text` without what comes before the answer: "Sorry, hi there, um, so it's ..." -> "it's ...".

    A leading "oh" before a number is a zero ("oh four one two"), so it stays.
    """
    pos = 0
    while m := _PREAMBLE.match(text, pos):
        if m.group(1).lower() == "oh" and _NUMBER_AHEAD.match(text, m.end(1)):
            break
        pos = m.end()
    return text[pos:]


def strip_courtesy(text: str) -> str:
    """`text` without the courtesy words after the answer: "..., thanks.", "... please", "... cheers mate"."""
    return _COURTESY.sub("", text)


def drop_asides(text: str) -> str:
    """`text` without asides whose number words are not digits ("one sec", "hang on a tick")."""
    return _ASIDES.sub(" ", text)


def tokenize(text: str) -> list[str]:
    """Split into '+', digit runs and words (punctuation dropped)."""
    return _TOKEN.findall(normalise(text))


def _is_numeric(token: str | None) -> bool:
    return token is not None and (token.isdigit() or token in NUMBER_WORDS)


def _token_value(tokens: list[str], i: int) -> tuple[str | None, int]:
    """Digits for the number phrase starting at tokens[i] and how many tokens it used."""
    tok = tokens[i]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    prev = tokens[i - 1] if i > 0 else None
    if tok.isdigit():
        return tok, 1
    if tok in ("o", "oh") and not (_is_numeric(nxt) or _is_numeric(prev)):
        return None, 1  # an interjection ("oh, it's ..."), not a zero
    if tok in DIGIT_WORDS:
        return DIGIT_WORDS[tok], 1
    if tok in HOMOPHONES:
        return (HOMOPHONES[tok], 1) if _is_numeric(nxt) or _is_numeric(prev) else (None, 1)
    if tok in TEENS:
        return str(TEENS[tok]), 1
    if tok in TENS:
        if nxt in DIGIT_WORDS and DIGIT_WORDS[nxt] != "0" and nxt not in ("o", "oh"):
            return str(TENS[tok] + int(DIGIT_WORDS[nxt])), 2
        return str(TENS[tok]), 1
    if tok in REPEATS and nxt is not None:
        inner, used = _token_value(tokens, i + 1)
        if inner is not None and len(inner) == 1:
            return inner * REPEATS[tok], 1 + used
    return None, 1


def spoken_digits(tokens: list[str]) -> str:
    """The digit string a caller spoke: "oh four one two", "double three", "triple eight", "0412 345", "+61".

    "hundred"/"thousand" scale the previous group ("thirteen hundred" -> 1300, "four hundred and twelve" -> 412).
    Words that are not part of a number are skipped.
    """
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok in ("+", "plus") and not out:
            out.append("+")
            i += 1
            continue
        if tok in ("hundred", "thousand") and out and out[-1] != "+":
            zeros = 2 if tok == "hundred" else 3
            rest, used = _scaled_rest(tokens, i + 1, zeros)
            out.append(rest)
            i += 1 + used
            continue
        value, used = _token_value(tokens, i)
        if value is not None:
            out.append(value)
        i += used
    return "".join(out)


def _scaled_rest(tokens: list[str], i: int, zeros: int) -> tuple[str, int]:
    """After "hundred": "and twelve" -> "12" padded to the scale, else zeros."""
    said_and = i < len(tokens) and tokens[i] == "and"
    j = i + 1 if said_and else i
    if j < len(tokens) and (tokens[j] in TEENS or tokens[j] in TENS or (said_and and tokens[j] in DIGIT_WORDS)):
        value, used = _token_value(tokens, j)
        if value is not None and tokens[j] not in ("o", "oh"):
            return value.zfill(zeros), used + (j - i)
    return "0" * zeros, 0


def words_to_number(tokens: list[str]) -> int | None:
    """A cardinal like "one hundred and twenty three", "forty two" or "15"; None when it is not one number."""
    total, current, seen = 0, 0, False
    for tok in tokens:
        if tok.isdigit() and len(tokens) == 1:
            return int(tok)
        if tok == "and" and seen:
            continue
        if tok in DIGIT_WORDS and tok not in ("o", "oh"):
            current += int(DIGIT_WORDS[tok])
        elif tok in TEENS:
            current += TEENS[tok]
        elif tok in TENS:
            current += TENS[tok]
        elif tok == "hundred":
            current = max(current, 1) * 100
        elif tok == "thousand":
            total += max(current, 1) * 1000
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def say_digits(digits: str) -> str:
    """Digits as words, zero said "oh" the Australian way: "0412" -> "oh four one two"."""
    return " ".join(SAY_DIGIT[d] for d in digits if d in SAY_DIGIT)


def spelled_letter(token: str) -> str | None:
    """A single spelled letter ("j", "jay", "zed") or None."""
    if len(token) == 1 and token.isalpha():
        return token
    return _LETTER_NAMES.get(token)
