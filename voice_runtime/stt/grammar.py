"""Turn STT hints (words and short phrases) into a constrained JSGF grammar for pocketsphinx, when that helps.

On 8 kHz phone audio pocketsphinx's open language model hears "zero" as "euro" or "cure all";
a grammar over the hinted words does not (digits: ~45% -> ~97% word accuracy, see the benchmark).
A grammar can only say what it contains, so it is used only for *closed* vocabularies:

- hints with a spelling alphabet (name, email) or street words (address) describe open content:
  no grammar, the language model listens;
- a number vocabulary (phone): carrier words first ("no, it's", "my mobile number is"), then
  numbers, so a "no" or "okay" can never be inserted between two digits;
- any other closed set (confirmations, dates and times): a loop over the phrases, led by carriers.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

_TOKEN = re.compile(r"[a-z']+")
_DIGITS = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}
_NUMBER_WORDS = _DIGITS | {
    "oh", "o", "nought", "naught", "double", "triple", "treble", "plus", "hundred", "thousand",
    "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
}  # fmt: skip
_CALENDAR = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "tomorrow"}
_OPEN_MARKERS = {"street", "road", "avenue", "drive", "crescent"}
_SPELLING_LETTERS = 13


@dataclass(frozen=True)
class GrammarPlan:
    """What the utterance may contain: leading carrier phrases, then items (or carriers alone)."""

    items: tuple[str, ...]
    leads: tuple[str, ...]

    @property
    def key(self) -> str:
        """A stable decoder search name (so each grammar is compiled once per decoder)."""
        text = "\n".join(sorted(self.items)) + "\0" + "\n".join(sorted(self.leads))
        return "hints_" + hashlib.sha1(text.encode()).hexdigest()[:16]

    def jsgf(self) -> str:
        """The grammar in JSGF."""
        rules = [f"<item> = {_alternatives(self.items)} ;"]
        body = "( <item> )+"
        if self.leads:
            rules.append(f"<lead> = {_alternatives(self.leads)} ;")
            body = "( <lead> )+ ( <item> )* | ( <item> )+"
        return "#JSGF V1.0;\ngrammar hints;\n" + "\n".join(rules) + f"\npublic <utterance> = {body} ;\n"


def hint_phrases(hints: Sequence[str], known: Callable[[str], bool]) -> list[str]:
    """Lower-cased, de-duplicated phrases whose every word is in the recogniser's dictionary."""
    phrases: list[str] = []
    for hint in hints:
        words = _TOKEN.findall(hint.lower())
        phrase = " ".join(words)
        if words and all(known(w) for w in words) and phrase not in phrases:
            phrases.append(phrase)
    return phrases


def plan_grammar(hints: Sequence[str], carriers: Sequence[str], known: Callable[[str], bool]) -> GrammarPlan | None:
    """The grammar for these hints, or None when the vocabulary is open (use the language model)."""
    phrases = hint_phrases(hints, known)
    words = {w for p in phrases for w in p.split()}
    letters = sum(1 for p in phrases if len(p) == 1)
    if not phrases or letters >= _SPELLING_LETTERS or words & _OPEN_MARKERS:
        return None
    extra = [c for c in hint_phrases(carriers, known) if c not in phrases]
    if len(words & _DIGITS) >= 8 and not words & _CALENDAR:
        items = [p for p in phrases if p in _NUMBER_WORDS]
        leads = [p for p in phrases if p not in _NUMBER_WORDS]
        return GrammarPlan(tuple(items), tuple(dict.fromkeys([*leads, *extra])))
    return GrammarPlan(tuple(phrases), tuple(extra))


def _alternatives(phrases: Sequence[str]) -> str:
    return " | ".join(f"( {p} )" if " " in p else p for p in phrases)
