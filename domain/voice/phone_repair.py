"""Partial corrections of a read-back phone number.

E.g. "the last digit is seven", "no, it's 679 at the end", "the second last digit is a 7", "8 should be 9".
"""

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
_DIGIT_UNIT = r"(?:digits?|numbers?|ones?)"
_GROUP = re.compile(r"\b(first|second|third|middle|last) (?:part|bit|group|lot|block|set|chunk)s?\b(.*)")
_AFTER = re.compile(rf"\b{_DIGIT_UNIT} (after|before) (.+?) (?:is|should be|was|needs to be|'s)\b(.*)")
_LAST = re.compile(rf"\b(last|first)(?: (two|three|four|five|couple|2|3|4|5))?(?: of)?(?: {_DIGIT_UNIT})?\b(.*)")
_FROM_END = re.compile(
    rf"\b(second|third|fourth|fifth|2nd|3rd|4th|5th) (?:last|to last|from (?:the )?(?:end|last))"
    rf"(?: {_DIGIT_UNIT})?\b(.*)"
)
_ORDINAL = re.compile(rf"\b({'|'.join(_ORDINALS)}) {_DIGIT_UNIT}\b(.*)")
_ENDS = re.compile(r"\b(?:ends?|ending|finish(?:es)?|finishing) (?:in|with)\b(.*)")
_AT_END = re.compile(r"^(.*?)\b(?:at|on) the end\b(.*)$")
_SWAP = re.compile(
    r"^(.*?)\b(?:should be|should have been|meant to be|needs to be|supposed to be|is meant to be)\b(.*)$"
)
_NOT = re.compile(r"^(.*?)\b(?:not|instead of|rather than)\b(.*)$")
_MAX_FRAGMENT = 4
_GROUP_INDEX = {"first": 0, "second": 1, "middle": 1, "third": 2, "last": -1}


def repair_phone(candidate: str, text: str) -> ParseResult:
    """The number after a correction of `candidate` (E.164): a whole new number or a partial fix of the old one."""
    words = " ".join(tokenize(text))
    current = national_digits(candidate)
    if not current:
        return parse_phone(text)
    matched, fixed = _positional(current, candidate, words)
    if not matched:
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


def _positional(current: str, candidate: str, words: str) -> tuple[bool, str | None]:
    """Corrections that say where the change goes: (recognised, fixed digits or None when it cannot apply)."""
    if m := _GROUP.search(words):
        return True, _group(current, candidate, _GROUP_INDEX[m.group(1)], _digits(m.group(2)))
    if m := _AFTER.search(words):
        return True, _after(current, m.group(1), _digits(m.group(2)), _digits(m.group(3)))
    if m := _FROM_END.search(words):
        return True, _replace(current, len(current) - _ORDINALS[m.group(1)], _digits(m.group(2)))
    if m := _LAST.search(words):
        new = _digits(m.group(3))
        count = _COUNTS.get(m.group(2) or "", 0) or len(new)
        if not new:
            return False, None
        return True, _replace(current, len(current) - count if m.group(1) == "last" else 0, new)
    if m := _ORDINAL.search(words):
        return True, _replace(current, _ORDINALS[m.group(1)] - 1, _digits(m.group(2)))
    if m := _ENDS.search(words):
        return True, _ending(current, _digits(m.group(1)))
    if m := _AT_END.search(words):
        return True, _ending(current, _digits(m.group(1)) or _digits(m.group(2)))
    return _swap(current, words)


def _ending(current: str, new: str) -> str | None:
    """E.g. "it ends in 679", "it's 679 at the end": the last digits."""
    return _replace(current, len(current) - len(new), new)


def _after(current: str, where: str, anchor: str, new: str) -> str | None:
    """E.g. "the digit after oh four is three": the digit(s) right after (or before) a unique anchor."""
    if not anchor or not new or current.count(anchor) != 1:
        return None
    at = current.index(anchor)
    return _replace(current, at + len(anchor) if where == "after" else at - len(new), new)


def _group(current: str, candidate: str, index: int, new: str) -> str | None:
    groups = phone_groups(candidate)
    if not new or not -len(groups) <= index < len(groups):
        return None
    position = index % len(groups)
    start = sum(len(g) for g in groups[:position])
    return current[:start] + new + current[start + len(groups[position]) :]


def _swap(current: str, words: str) -> tuple[bool, str | None]:
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
            return False, None
    else:
        return False, None
    if not old or not new or len(old) != len(new) or current.count(old) != 1:
        return True, None  # e.g. "the four should be a five" when there are two fours: ask again
    return True, current.replace(old, new)


def _replace(current: str, start: int, new: str) -> str | None:
    if start < 0 or start >= len(current) or not new:
        return None
    return current[:start] + new + current[start + len(new) :]


def _fragment(current: str, candidate: str, new: str) -> str | None:
    """A bare fragment ("three four six"): replace the group it most resembles, else the same-length ending."""
    if not new or len(new) > _MAX_FRAGMENT:
        return None  # longer than a group: too easy to splice into the wrong place
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
