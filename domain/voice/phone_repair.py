"""Partial corrections of a read-back phone number: "the last digit is seven", "it ends in 679", "8 should be 9"."""

from __future__ import annotations

import re

from domain.voice.phone import national_digits, parse_phone, phone_groups, validate_phone_digits
from domain.voice.spoken import ParseResult, failure, spoken_digits, tokenize

_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6, "7th": 7, "8th": 8,
    "9th": 9, "10th": 10,
}  # fmt: skip
_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "couple": 2, "2": 2, "3": 3, "4": 4, "5": 5}
_UNIT = r"(?:digits?|numbers?|ones?|bits?|parts?|groups?|lot)"
_LAST = re.compile(rf"\b(last|first)(?: (\w+))?(?: of)?(?: {_UNIT})?\b(.*)")
_ORDINAL = re.compile(rf"\b({'|'.join(_ORDINALS)}) {_UNIT}\b(.*)")
_MIDDLE = re.compile(rf"\b(?:middle|second) {_UNIT}\b(.*)")
_ENDS = re.compile(r"\b(?:ends?|ending|finish(?:es)?|finishing) (?:in|with)\b(.*)")
_SWAP = re.compile(
    r"^(.*?)\b(?:should be|should have been|meant to be|needs to be|supposed to be|is meant to be)\b(.*)$"
)
_NOT = re.compile(r"^(.*?)\b(?:not|instead of|rather than)\b(.*)$")


def repair_phone(candidate: str, text: str) -> ParseResult:
    """The number after a correction of `candidate` (E.164): a whole new number or a partial fix of the old one."""
    words = " ".join(tokenize(text))
    current = national_digits(candidate)
    if not current:
        return parse_phone(text)
    fixed = _positional(current, candidate, words)
    if fixed is None:
        full = parse_phone(text)
        if full.ok:
            return full
        fixed = _fragment(current, candidate, spoken_digits(words.split()))
    if fixed is None:
        return failure("unclear_correction")
    result = _revalidate(candidate, fixed)
    if result.ok and result.value == candidate:
        return failure("no_change")
    return result


def _revalidate(candidate: str, digits: str) -> ParseResult:
    foreign = candidate.startswith("+") and not candidate.startswith("+61")
    return validate_phone_digits("+" + digits if foreign else digits)


def _digits(fragment: str) -> str:
    return spoken_digits(fragment.split())


def _positional(current: str, candidate: str, words: str) -> str | None:
    """Corrections that say where the change goes."""
    if m := _LAST.search(words):
        new = _digits(m.group(3))
        count = _COUNTS.get(m.group(2) or "", 0)
        if not new:
            return None
        if m.group(1) == "last":
            if count == 0 and re.search(r"\b(?:bits?|parts?|groups?|lot)\b", m.group(0)):
                count = len(phone_groups(candidate)[-1])
            return _replace(current, len(current) - (count or len(new)), new)
        return _replace(current, 0, new)
    if m := _ORDINAL.search(words):
        new = _digits(m.group(2))
        return _replace(current, _ORDINALS[m.group(1)] - 1, new) if new else None
    if m := _MIDDLE.search(words):
        return _middle(current, candidate, _digits(m.group(1)))
    if m := _ENDS.search(words):
        new = _digits(m.group(1))
        return _replace(current, len(current) - len(new), new) if new else None
    return _swap(current, words)


def _swap(current: str, words: str) -> str | None:
    """E.g. "the 8 should be a 9", "it's a nine not an eight", "not eight, nine", "nine instead of eight"."""
    if m := _SWAP.search(words):
        old, new = _digits(m.group(1)), _digits(m.group(2))
    elif m := _NOT.search(words):
        before, after = _digits(m.group(1)), _digits(m.group(2))
        if before:
            old, new = after, before
        elif len(after) % 2 == 0 and after:
            old, new = after[: len(after) // 2], after[len(after) // 2 :]
        else:
            return None
    else:
        return None
    if not old or not new or len(old) != len(new) or current.count(old) != 1:
        return None
    return current.replace(old, new)


def _middle(current: str, candidate: str, new: str) -> str | None:
    groups = phone_groups(candidate)
    if len(groups) < 3 or not new:
        return None
    start = len(groups[0])
    return current[:start] + new + current[start + len(groups[1]) :]


def _replace(current: str, start: int, new: str) -> str | None:
    if start < 0 or start >= len(current) or not new:
        return None
    return current[:start] + new + current[start + len(new) :]


def _fragment(current: str, candidate: str, new: str) -> str | None:
    """A bare fragment ("three four six"): replace the group it most resembles, else the same-length ending."""
    if not new or len(new) >= len(current):
        return None
    best: tuple[int, int] | None = None
    start = 0
    for group in phone_groups(candidate):
        if len(group) == len(new):
            distance = sum(a != b for a, b in zip(group, new, strict=True))
            if distance > 0 and (best is None or distance <= best[0]):
                best = (distance, start)
        start += len(group)
    if best is not None and best[0] < len(new):
        return _replace(current, best[1], new)
    return _replace(current, len(current) - len(new), new)
