"""Scoring transcripts against what the caller said, whatever way the engine writes it.

Whisper writes "0412 345 678", "mary.brown@gmail.com", "3.30 pm"; pocketsphinx writes words. Both
sides are normalised to one token form before the word error rate is counted: lowercase words,
numbers as single digits ("forty two" and "42" both become "4 2"), "@" and "." in addresses as
"at" and "dot", "a.m."/"a m" as "am".
"""

from __future__ import annotations

import re

from domain.voice.spoken import DIGIT_WORDS, REPEATS, TEENS, TENS
from tests.helpers.voice_speech_eval import edit_distance

_WORD = re.compile(r"\d+|[a-z]+(?:'[a-z]+)?")
_SPELLING = {"ok": "okay", "mum": "mum", "yeah": "yeah", "o'clock": "oclock", "nah": "nah", "yep": "yep"}


def _split_written(text: str) -> str:
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"\b([ap])\.\s?m\b\.?", r"\1m", text)
    text = re.sub(r"\b([ap]) m\b", r"\1m", text)
    text = re.sub(r"(\d)([ap]m)\b", r"\1 \2", text)
    text = text.replace("@", " at ")
    text = re.sub(r"(?<=[a-z0-9])\.(?=[a-z])", " dot ", text)  # mary.brown, gmail.com (not "3.30")
    return text


def _numeric(token: str | None) -> bool:
    return token is not None and (token.isdigit() or token in DIGIT_WORDS or token in REPEATS)


def _number_value(tokens: list[str], i: int) -> tuple[str | None, int]:
    tok = tokens[i]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    prev = tokens[i - 1] if i > 0 else None
    if tok.isdigit():
        return tok, 1
    if tok in ("oh", "o") and not (_numeric(nxt) or _numeric(prev)):
        return None, 1  # "oh, it's ..."
    if tok in DIGIT_WORDS:
        return DIGIT_WORDS[tok], 1
    if tok in TEENS:
        return str(TEENS[tok]), 1
    if tok in TENS:
        if nxt in DIGIT_WORDS and DIGIT_WORDS[nxt] != "0" and nxt not in ("o", "oh"):
            return str(TENS[tok] + int(DIGIT_WORDS[nxt])), 2
        return str(TENS[tok]), 1
    if tok in REPEATS and nxt is not None:
        inner, used = _number_value(tokens, i + 1)
        if inner is not None and len(inner) == 1:
            return inner * REPEATS[tok], 1 + used
    return None, 1


def _hundreds(tokens: list[str], i: int, head: str) -> tuple[str, int]:
    """"one hundred [and] sixty nine" -> "169" (i is just past "hundred")."""
    j = i + 1 if i < len(tokens) and tokens[i] == "and" else i
    if j < len(tokens) and (tokens[j] in TENS or tokens[j] in TEENS or tokens[j] in DIGIT_WORDS):
        rest, used = _number_value(tokens, j)
        if rest is not None and len(rest) <= 2:
            return str(int(head) * 100 + int(rest)), j - i + used
    return str(int(head) * 100), 0


def normalise(text: str) -> list[str]:
    """Tokens for scoring: words, and every number as its digits one by one."""
    tokens = [_SPELLING.get(t, t) for t in _WORD.findall(_split_written(text))]
    out: list[str] = []
    i = 0
    while i < len(tokens):
        value, used = _number_value(tokens, i)
        if value is None:
            out.append(tokens[i])
            i += used
            continue
        i += used
        if len(value) == 1 and i < len(tokens) and tokens[i] == "hundred":
            value, more = _hundreds(tokens, i + 1, value)
            i += 1 + more
        out.extend(value)
    return out


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(edit distance, reference length) over normalised tokens."""
    ref, hyp = normalise(reference), normalise(hypothesis)
    return edit_distance(ref, hyp), len(ref)
