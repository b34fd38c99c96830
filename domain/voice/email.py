"""Email capture: "john dot smith at gmail dot com", spelled letters, common providers; validated and lowercased."""

from __future__ import annotations

import difflib
import re

from domain.voice.spoken import (
    DIGIT_WORDS,
    TEENS,
    TENS,
    ParseResult,
    failure,
    normalise,
    say_digits,
    spelled_letter,
    strip_courtesy,
    strip_preamble,
    success,
)

PROVIDERS: dict[str, str] = {
    "gmail": "gmail.com", "googlemail": "googlemail.com", "hotmail": "hotmail.com", "outlook": "outlook.com",
    "yahoo": "yahoo.com", "bigpond": "bigpond.com", "icloud": "icloud.com", "live": "live.com", "me": "me.com",
    "msn": "msn.com", "aol": "aol.com", "optusnet": "optusnet.com.au", "iinet": "iinet.net.au", "tpg": "tpg.com.au",
    "internode": "internode.on.net", "westnet": "westnet.com.au", "ozemail": "ozemail.com.au",
    "protonmail": "protonmail.com", "proton": "proton.me", "telstra": "telstra.com",
}  # fmt: skip
_ALIASES = {"geemail": "gmail", "gmale": "gmail", "hotmale": "hotmail", "i cloud": "icloud", "big pond": "bigpond",
            "hot mail": "hotmail", "g-mail": "gmail", "g mail": "gmail", "gee mail": "gmail", "out look": "outlook",
            "opt us net": "optusnet", "optus net": "optusnet", "ya hoo": "yahoo"}  # fmt: skip
# "my email address is ...", "you can email me at ...": everything up to here is not the address.
_LEAD_IN = re.compile(
    r"^.*?\b(?:e-?mail(?: address)?(?:'s| is| was| would be| will be)|e-?mail me (?:at|on)|reach me (?:at|on))\b[\s,:]*"
)
_DASHED_LETTERS = re.compile(r"^[a-z](?:-[a-z])+$")
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
# Providers long enough to find inside a run-together transcript or to recognise with a letter misheard.
_BIG_PROVIDERS = sorted((p for p in PROVIDERS if len(p) >= 5), key=len, reverse=True)
_GLUED = re.compile(rf"^([a-z0-9._%+-]+?)(?:at|it|of|a)?({'|'.join(_BIG_PROVIDERS)})((?:\.[a-z0-9]+)+)$")
_AT_HEARD = {"of", "it", "a"}
_SAY_SYMBOL = {".": "dot", "_": "underscore", "-": "dash", "+": "plus", "@": "at", "%": "percent"}


def _words(text: str) -> list[str]:
    said = _LEAD_IN.sub("", normalise(strip_courtesy(strip_preamble(text)))).strip(" ,!?.;:")
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
    return _letters([w.strip(",!?;:'\"") for w in said.split() if w.strip(",!?;:'\"")])


def _letters(words: list[str]) -> list[str]:
    """Spellings as a recogniser writes them: "J-O-H" is three letters, and "and" right after them is an N."""
    out: list[str] = []
    for word in words:
        if _DASHED_LETTERS.match(word):
            out.extend(word.split("-"))
        elif word == "and" and len(out) >= 2 and all(len(w) == 1 and w.isalpha() for w in out[-2:]):
            out.append("n")
        else:
            out.append(word)
    return out


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


def _is_digit_word(word: str) -> bool:
    return word.isdigit() or (word in DIGIT_WORDS and word not in ("o", "oh"))


def _among_digits(words: list[str], i: int) -> bool:
    """An "oh" said between digits is a zero: the word before it or after it is a digit."""
    return (i > 0 and _is_digit_word(words[i - 1])) or (i + 1 < len(words) and _is_digit_word(words[i + 1]))


def _said_number(words: list[str], i: int) -> tuple[str, int] | None:
    """A number said as a number ("henry seventy eight", "fifteen"): its digits and how many words it took."""
    word = words[i]
    if word in TEENS:
        return str(TEENS[word]), 1
    if word not in TENS:
        return None
    nxt = words[i + 1] if i + 1 < len(words) else ""
    if nxt in DIGIT_WORDS and nxt not in ("o", "oh", "zero", "nought", "naught", "nil"):
        return str(TENS[word] + int(DIGIT_WORDS[nxt])), 2
    return str(TENS[word]), 1


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
        number = _said_number(words, i) if i not in spelled else None
        if number is not None:
            out.append(number[0])
            i += number[1]
            continue
        if word in _SYMBOLS:
            out.append(_SYMBOLS[word])
        elif word in ("o", "oh") and _among_digits(words, i):
            out.append("0")  # "two oh two four", as digits are read back
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
    raw = re.sub(r"\.(com|net|org|edu|gov|asn|id)\.(?:0|o|oh)$", r".\1.au", raw)  # "dot a u" written ".0"
    raw = re.sub(r"(com|net|org|edu|gov|asn|id)au$", r"\1.au", raw)
    raw = re.sub(r"\.(com|net|org|edu|gov|asn|id)au$", r".\1.au", raw)
    label, dot, rest = raw.partition(".")
    provider = _provider(label)
    if not dot:
        return PROVIDERS.get(provider)
    return provider + dot + rest


def _provider(label: str) -> str:
    """A well-known provider misheard by a letter or two ("hotmill" is hotmail); any other label as it is."""
    if label in PROVIDERS or len(label) < 6:
        return label
    best = max(_BIG_PROVIDERS, key=lambda p: difflib.SequenceMatcher(None, label, p).ratio())
    return best if difflib.SequenceMatcher(None, label, best).ratio() >= 0.8 else label


def _unglued(words: list[str]) -> tuple[str, str] | None:
    """The halves when a recogniser wrote "at" as another word or ran it into the words around it.

    E.g. "DavidJones of gmail.com", "davidjonesagmail.com", "sim.tilleratoutlook.com": split before a known provider.
    """
    for k, word in enumerate(words):
        nxt = words[k + 1] if k + 1 < len(words) else ""
        if k and word in _AT_HEARD and any(nxt == p or nxt.startswith(p + ".") for p in _BIG_PROVIDERS):
            return _spoken_to_chars(words[:k]), nxt
        if m := _GLUED.match(word):
            return _spoken_to_chars(words[:k]) + m.group(1), m.group(2) + m.group(3)
    return None


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
    """An email address as spoken ("mary dot brown at gmail dot com") or written ("Mary.Brown@gmail.com.").

    Mixed forms a recogniser writes are read too: "mary.brown at gmail.com", "J-O-H-N dot smith at yahoo.com.0".
    """
    said = normalise(text)
    literal = _LITERAL.search(said) or _LITERAL.search(said.replace(" ", "")) if "@" in text else None
    if literal and " at " not in f" {said} ":
        local, _, domain = literal.group(0).rpartition("@")
        return build_email(local, domain)
    words = _words(text)
    chars = _spoken_to_chars(words)
    if "@" not in chars:
        glued = _unglued(words)
        return build_email(*glued) if glued else failure("missing_at")
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
    if _provider(head) in PROVIDERS and (chars == head or _domain(chars)):
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
