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
    "yeah", "yep", "um", "uh", "ok", "okay", "so",
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
    for intro in _INTROS:
        if said == intro or said.startswith(intro + " "):
            said = said[len(intro) :].strip(" ,")
    for phrase, symbol in _PHRASES:
        said = re.sub(rf"\b{phrase}\b", symbol, said)
    for alias, real in _ALIASES.items():
        said = re.sub(rf"\b{alias}\b", real, said)
    return [w.strip(",!?;:'\"") for w in said.split() if w.strip(",!?;:'\"")]


def _spoken_to_chars(words: list[str]) -> str:
    """Join what was said into the address characters (spaces are never part of an email)."""
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        near_letter = any(len(w) == 1 and w.isalpha() for w in words[max(0, i - 1) : i + 2] if w != word)
        if word in ("double", "triple") and i + 1 < len(words):
            nxt = words[i + 1]
            char = DIGIT_WORDS.get(nxt) if nxt not in ("o", "oh") else "o"
            char = char or spelled_letter(nxt) or nxt
            out.append(char * (2 if word == "double" else 3))
            i += 2
            continue
        if word in _SYMBOLS:
            out.append(_SYMBOLS[word])
        elif word in DIGIT_WORDS and word not in ("o", "oh"):
            out.append(DIGIT_WORDS[word])
        elif word == "oh":
            out.append("o")
        elif near_letter and spelled_letter(word):
            out.append(spelled_letter(word) or word)
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


def repair_email(candidate: str, text: str) -> ParseResult:
    """A correction: a whole new address, a new domain ("at hotmail dot com"), or a new name part ("j o n")."""
    full = parse_email(text)
    if full.ok:
        return full
    local, _, domain = candidate.rpartition("@")
    chars = _spoken_to_chars(_words(text))
    if chars.startswith("@"):
        result = build_email(local, chars[1:])
    elif chars in PROVIDERS or ("." in chars and _domain(chars) and chars.split(".")[0] in PROVIDERS):
        result = build_email(local, chars)
    elif chars and "@" not in chars:
        result = build_email(chars, domain)
    else:
        return full
    if result.ok and result.value == candidate:
        return failure("no_change")
    return result


def _pronounceable(chunk: str) -> bool:
    if not chunk.isalpha() or not re.search(r"[aeiouy]", chunk) or len(chunk) > 14 or len(chunk) < 2:
        return False
    lead = re.match(r"^[^aeiouy]*", chunk)
    cluster = lead.group(0) if lead else ""
    return len(cluster) <= 1 or cluster in _ONSETS


def _say_chunk(chunk: str) -> str:
    if chunk in PROVIDERS or chunk in ("com", "net", "org", "edu", "gov") or _pronounceable(chunk):
        return chunk
    if chunk == "au":
        return "a u"
    pieces = re.findall(r"\d+|[a-z]", chunk)
    return " ".join(say_digits(p) if p.isdigit() else p for p in pieces)


def readback_email(value: str) -> str:
    """E.g. "john dot smith at gmail dot com"; unpronounceable parts are spelled ("j s m i t h")."""
    parts = re.split(r"([._+%@-])", value)
    return " ".join(_SAY_SYMBOL[p] if p in _SAY_SYMBOL else _say_chunk(p) for p in parts if p)
