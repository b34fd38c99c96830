"""Whisper's decoding prompt from the active capture's STT hints.

Whisper takes a prompt as the text said just before the utterance and writes what follows in its
style and vocabulary. Measured on phone audio (benchmarks/speech_accuracy.py), two vocabularies in the
hints help it, and nothing else does:

- a phone number's (every digit word and "double"): with the number words as its prompt Whisper writes
  the digits as said, one by one, "double" kept, instead of regrouping them ("0417 847 2667"); clean-line
  phone captures went from 72% to 90%. A written example ("0412 345 678") made it worse: it regrouped more.
- an e-mail's providers ("bigpond.com", "optusnet.com.au"): it spells them instead of "big fun dot com".

Prompting the other closed vocabularies (dates, yes/no and correction words) lost accuracy on noisy
lines: Whisper already writes those words, and a prompt only biases it towards them on hiss.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

PromptBuilder = Callable[[Sequence[str]], str]
_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_NUMBER_PROMPT = ("zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "double",
                  "triple")  # fmt: skip
_DOMAIN = re.compile(r"[a-z0-9-]+(?:\.[a-z]{2,})+")
MAX_DOMAINS = 7


def prompt_for(hints: Sequence[str]) -> str:
    """The prompt for these hints: number words for a phone number, provider domains for an e-mail, else none."""
    hinted = {h.strip().lower() for h in hints}
    if hinted.issuperset(_DIGITS) and "double" in hinted:
        return ", ".join(w for w in _NUMBER_PROMPT if w in hinted)
    domains = [h.strip().lower() for h in hints if _DOMAIN.fullmatch(h.strip().lower())]
    if domains:
        return ", ".join([*domains[:MAX_DOMAINS], *([".com.au"] if ".com.au" in hinted else [])])
    return ""
