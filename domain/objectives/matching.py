"""Which option of a choice a caller's words select (the Voice Core's keyword match, the same for every tenant)."""

from __future__ import annotations

import re

from domain.objectives.graph import Node


def match_option(node: Node, text: str) -> str | None:
    """The option whose phrase occurs in `text` as whole words (the longest phrase wins); else the catch-all
    option when the caller said anything; else None (ask again).
    """
    spoken = " ".join(re.findall(r"[a-z0-9']+", text.lower()))
    pairs = sorted(((p.lower(), o.name) for o in node.options for p in o.phrases), key=lambda pair: -len(pair[0]))
    for phrase, name in pairs:
        words = " ".join(re.findall(r"[a-z0-9']+", phrase))
        if words and re.search(rf"(?<![a-z0-9']){re.escape(words)}(?![a-z0-9'])", spoken):
            return name
    catch_all = next((o.name for o in node.options if not o.phrases), None)
    return catch_all if spoken else None
