"""Email capture: "john dot smith at gmail dot com", spelled letters, common providers; validated and lowercased."""

from __future__ import annotations

import re

from domain.voice.spoken import DIGIT_WORDS, ParseResult, failure, normalise, say_digits, spelled_letter, success

PROVIDERS: dict[str, str] = {
    "gmail": "gmail.com", "googlemail": "googlemail.com", "hotmail": "hotmail.com", "outlook": "outlook.com",
    "yahoo": "yahoo.com", "bigpond": "bigpond.com", "icloud": "icloud.com", "live": "live.com", "me": "me.com",
    "msn": "msn.com", "aol": "aol.com", "optusnet": "optusnet.com.au", "iinet": "iinet.net.au", "tpg": "tpg.com.au",
    "internode": "internode.on.net", "westnet": "westnet.com.au", "ozemail": "ozemail.com.au",
    "protonmail": "protonmail.com", "proton": "proton.me", "telstra": "telstra.com",
}  # fmt: skip
_ALIASES = {"geemail": "gmail", "gmale": "gmail", "hotmale": "hotmail", "i cloud": "icloud", "big pond": "bigpond"}
_SYMBOLS = {
    "at": "@", "@": "@", "dot": ".", "period": ".", "point": ".", "underscore": "_", "dash": "-", "hyphen": "-",
    "minus": "-", "plus": "+",
}  # fmt: skip
_PHRASES = (
    ("at sign", " @ "), ("full stop", " . "), ("under score", " _ "), ("at symbol", " @ "), ("all one word", " "),
    ("one word", " "), ("all lowercase", " "), ("all lower case", " "), ("no spaces", " "),
)  # fmt: skip
_INTROS = (
    "you can email me at", "email me at", "my email address is", "my email is", "the email address is",
    "the email is", "email address is", "email is", "my address is", "it's", "it is", "its", "that's", "sure",
    "yeah", "yep", "um", "uh", "ok", "okay", "so", "no", "nope", "sorry", "actually", "i said", "oh",
)  # fmt: skip
_IGNORE = {"capital", "big", "small", "lowercase", "uppercase", "upper", "lower", "case", "letter", "the", "then",
           "um", "uh", "er", "and", "space", "spaces"}  # fmt: skip
_LOCAL = re.compile(r"^[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*$")
_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}$")
_LITERAL = re.compile(r"[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,24}")
_ONSETS = ("bl br ch cl cr dr fl fr gl gr kn ph pl pr qu sc sh sk sl sm sn sp st sw th tr tw wh wr "
           "sch str spr scr thr shr chr squ").split()  # fmt: skip
_SAY_SYMBOL = {".": "dot", "_": "underscore", "-": "dash", "+": "plus", "@": "at", "%": "percent"}


def _words(text: str) -> list[str]:
    said = normalise(text).strip(" ,!?.;:")
    changed = True
    while changed:
        changed = False
        for intro in _INTROS:
            if said == intro or said.startswith(intro + " ") or said.startswith(intro + ","):
                said, changed = said[len(intro) :].strip(" ,"), True
    for phrase, symbol in _PHRASES:
        said = re.sub(rf"\b{phrase}\b", symbol, said)
    for alias, real in _ALIASES.items():
        said = re.sub(rf"\b{alias}\b", real, said)
    said = re.sub(r"\bdouble (?:u|you)\b", "w", said)
    return [w.strip(",!?;:'\"") for w in said.split() if w.strip(",!?;:'\"")]


def _spellable(word: str) -> bool:
    return spelled_letter(word) is not None or word == "oh"


def _spelled_positions(words: list[str]) -> set[int]:
    """Indexes of words that are spelled letters: runs of 3+ letter names, or 2+ with a bare letter among them."""
    found: set[int] = set()
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and _spellable(words[j]):
            j += 1
        run = range(i, j)
        singles = sum(1 for k in run if len(words[k]) == 1)
        if len(run) >= 3 or (len(run) >= 2 and singles >= 1):
            found.update(run)
        i = max(j, i + 1)
    return found


def _spoken_to_chars(words: list[str]) -> str:
    """Join what was said into the address characters (spaces are never part of an email)."""
    out: list[str] = []
    spelled = _spelled_positions(words)
    i = 0
    while i < len(words):
        word = words[i]
        if word in ("double", "triple") and i + 1 < len(words):
            nxt = words[i + 1]
            char = DIGIT_WORDS.get(nxt) if nxt not in ("o", "oh") else "o"
            char = char or spelled_letter(nxt) or nxt
            out.append(char * (2 if word == "double" else 3))
            i += 2
            continue
        if word in _SYMBOLS:
            out.append(_SYMBOLS[word])
        elif i in spelled:
            out.append(spelled_letter(word) or "o")
        elif word in DIGIT_WORDS and word not in ("o", "oh"):
            out.append(DIGIT_WORDS[word])
        elif word == "oh":
            out.append("o")
        elif word not in _IGNORE:
            out.append(word)
        i += 1
    return "".join(out)


def _domain(raw: str) -> str | None:
    raw = raw.strip(".")
    raw = re.sub(r"(com|net|org|edu|gov|asn|id)au$", r"\1.au", raw)
    raw = re.sub(r"\.(com|net|org|edu|gov|asn|id)au$", r".\1.au", raw)
    if "." not in raw:
        return PROVIDERS.get(raw)
    return raw


def build_email(local: str, domain_raw: str) -> ParseResult:
    """Validate the two halves and produce the value and read-back."""
    domain = _domain(domain_raw)
    local = local.strip(".")
    if not local:
        return failure("missing_local_part")
    if domain is None:
        return failure("missing_domain_suffix")
    if len(local) > 64 or not _LOCAL.match(local) or not _DOMAIN.match(domain) or len(domain) > 253:
        return failure("invalid_email")
    value = f"{local}@{domain}"
    return success(value, readback_email(value))


def parse_email(text: str) -> ParseResult:
    """An email address from a transcript or a typed/recognised literal ("John.Smith@Gmail.com")."""
    literal = _LITERAL.search(normalise(text).replace(" ", "") if "@" in text else "")
    if literal and "@" in text and " at " not in f" {normalise(text)} ":
        local, _, domain = literal.group(0).rpartition("@")
        return build_email(local, domain)
    chars = _spoken_to_chars(_words(text))
    if "@" not in chars:
        return failure("missing_at")
    local, _, domain = chars.rpartition("@")
    return build_email(local.replace("@", "at"), domain)


_DOMAIN_FIX = re.compile(r"\b(?:domain|provider|after the at|second half|second part)(?: is| should be|'s)?\b(.*)")
_LOCAL_FIX = re.compile(r"\b(?:before the at|first half|first part|user ?name)(?: is| should be|'s)?\b(.*)")
_NOT_SPLIT = re.compile(r"^(.*?)\b(?:not|instead of|rather than)\b")


def repair_email(candidate: str, text: str) -> ParseResult:
    """A correction: a whole new address, a new domain ("at hotmail dot com"), or a new name part ("j o n")."""
    full = parse_email(text)
    if full.ok:
        return full
    local, _, domain = candidate.rpartition("@")
    said = normalise(text)
    if m := _NOT_SPLIT.search(said):
        said = m.group(1)  # "it's hotmail not gmail"
    if m := _DOMAIN_FIX.search(said):
        result = build_email(local, _spoken_to_chars(_words(m.group(1))).lstrip("@"))
    elif m := _LOCAL_FIX.search(said):
        result = build_email(_spoken_to_chars(_words(m.group(1))), domain)
    else:
        result = _implied_half(local, domain, said)
    if result.ok and result.value == candidate:
        return failure("no_change")
    return result


def _implied_half(local: str, domain: str, said: str) -> ParseResult:
    """E.g. "at hotmail" or "hotmail dot com" is a new domain; a spelled or dotted name part is a new local part."""
    words = _words(said)
    chars = _spoken_to_chars(words)
    head = chars.split(".")[0]
    if chars.startswith("@"):
        return build_email(local, chars[1:])
    if head in PROVIDERS and (chars == head or _domain(chars)):
        return build_email(local, chars)
    looks_local = bool(_spelled_positions(words)) or any(w in _SYMBOLS for w in words) or re.search(r"\d", chars)
    if chars and "@" not in chars and looks_local:
        return build_email(chars, domain)
    return failure("unclear_correction")


def _pronounceable(chunk: str) -> bool:
    if not chunk.isalpha() or not re.search(r"[aeiouy]", chunk) or len(chunk) > 14 or len(chunk) < 2:
        return False
    lead = re.match(r"^[^aeiouy]*", chunk)
    cluster = lead.group(0) if lead else ""
    return len(cluster) <= 1 or cluster in _ONSETS


def _say_chunk(chunk: str) -> str:
    if chunk == "au":
        return "a u"
    if chunk in PROVIDERS or chunk in ("com", "net", "org", "edu", "gov") or _pronounceable(chunk):
        return chunk
    pieces = re.findall(r"\d+|[a-z]", chunk)
    return " ".join(say_digits(p) if p.isdigit() else p for p in pieces)


def readback_email(value: str) -> str:
    """E.g. "john dot smith at gmail dot com"; unpronounceable parts are spelled ("j s m i t h")."""
    parts = re.split(r"([._+%@-])", value)
    return " ".join(_SAY_SYMBOL[p] if p in _SAY_SYMBOL else _say_chunk(p) for p in parts if p)
