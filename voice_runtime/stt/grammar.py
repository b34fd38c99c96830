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


def jsgf_for(phrases: Sequence[str]) -> str:
    """A JSGF grammar accepting one or more of `phrases` in any order."""
    if not phrases:
        raise ValueError("a grammar needs at least one phrase")
    alternatives = " | ".join(f"( {p} )" if " " in p else p for p in phrases)
    return f"#JSGF V1.0;\ngrammar hints;\npublic <utterance> = ( {alternatives} )+ ;\n"


def search_name(phrases: Sequence[str]) -> str:
    """A stable decoder search name for a set of phrases (so each grammar is compiled once per decoder)."""
    digest = hashlib.sha1("\n".join(sorted(phrases)).encode()).hexdigest()[:16]
    return f"hints_{digest}"
