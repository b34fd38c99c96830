"""Turn STT hints (words and short phrases) into a constrained JSGF grammar for pocketsphinx.

A phone capture's hints ("zero oh one ... nine double triple") become a loop over those words, so
the recogniser can only answer with them: on 8 kHz phone audio the open language model hears
"zero" as "cure all", the grammar does not.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence

_TOKEN = re.compile(r"[a-z']+")


def hint_phrases(hints: Sequence[str], known: Callable[[str], bool]) -> list[str]:
    """Lower-cased, de-duplicated phrases whose every word is in the recogniser's dictionary."""
    phrases: list[str] = []
    for hint in hints:
        words = _TOKEN.findall(hint.lower())
        phrase = " ".join(words)
        if words and all(known(w) for w in words) and phrase not in phrases:
            phrases.append(phrase)
    return phrases


def jsgf_for(phrases: Sequence[str], carriers: Sequence[str] = ()) -> str:
    """A JSGF grammar: one or more of `phrases` in any order, optionally led by carrier phrases.

    Carriers ("no", "it's", "my number is") may only lead, so they cannot be inserted between
    the digits of a number.
    """
    if not phrases:
        raise ValueError("a grammar needs at least one phrase")
    items = " | ".join(f"( {p} )" if " " in p else p for p in phrases)
    rules = [f"<item> = {items} ;"]
    body = "( <item> )+"
    leads = [c for c in carriers if c not in phrases]
    if leads:
        rules.append("<carrier> = " + " | ".join(f"( {c} )" if " " in c else c for c in leads) + " ;")
        body = "( <carrier> )+ ( <item> )* | ( <item> )+"
    return "#JSGF V1.0;\ngrammar hints;\n" + "\n".join(rules) + f"\npublic <utterance> = {body} ;\n"


def grammar_key(phrases: Sequence[str], carriers: Sequence[str]) -> str:
    """A stable decoder search name for a grammar (so each is compiled once per decoder)."""
    digest = hashlib.sha1(("\n".join(sorted(phrases)) + "\0" + "\n".join(sorted(carriers))).encode()).hexdigest()
    return f"hints_{digest[:16]}"
