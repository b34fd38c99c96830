"""Australian address capture: "unit 2, 15 Smith Street, Newtown NSW 2042" to one canonical line."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from domain.voice.address_data import (
    STATE_FULL,
    STATE_NAMES,
    STREET_TYPE_FULL,
    STREET_TYPES,
    postcode_matches,
    state_for_postcode,
)
from domain.voice.name import title_case_name
from domain.voice.spoken import (
    HOMOPHONES,
    NUMBER_WORDS,
    ParseResult,
    drop_asides,
    failure,
    normalise,
    say_digits,
    spoken_digits,
    strip_courtesy,
    success,
)

_TOKEN = re.compile(r"\d+(?:st|nd|rd|th)\b|\d+[a-z]?|[a-z]+(?:['-][a-z]+)*|/")
_ORDINAL_NUMBER = re.compile(r"(\d+)(?:st|nd|rd|th)")
_UNIT_WORDS = {"unit", "flat", "apartment", "apt", "suite", "shop", "villa", "townhouse"}
_NUMBER_LEADS = {"number", "no", "lot"}
_SLASH = {"/", "slash", "stroke"}
# Said around the suburb and postcode, never part of them: "Sydney, it's 2000", "Newtown, postcode 2042".
_NOT_SUBURB = {"it's", "its", "it", "is", "that's", "thats", "postcode", "post", "code", "um", "uh", "er",
               "yeah", "yep", "in", "suburb"}  # fmt: skip
_FIELDS = {"suburb", "postcode", "post"}
_WEAK_TYPES = {"Bay", "Glen", "Cove", "Vw", "Hts", "Gdns", "Rdge", "Rise", "Mews", "Loop", "Row", "Wlk", "Track",
               "Crst", "Cir", "Sq", "Trl", "Tpke", "Prom"}  # fmt: skip


class Address(BaseModel):
    """The parts of an Australian street address."""

    model_config = ConfigDict(frozen=True)

    unit: str = ""
    number: str
    street: str
    street_type: str
    suburb: str
    state: str
    postcode: str

    def canonical(self) -> str:
        """E.g. "2/15 Smith St, Newtown NSW 2042"."""
        number = f"{self.unit}/{self.number}" if self.unit else self.number
        return f"{number} {self.street} {self.street_type}, {self.suburb} {self.state} {self.postcode}"

    def spoken(self) -> str:
        """E.g. "unit 2, 15 Smith Street, Newtown, New South Wales, two oh four two"."""
        unit = f"unit {self.unit}, " if self.unit else ""
        street = f"{self.street} {STREET_TYPE_FULL.get(self.street_type, self.street_type)}"
        state = STATE_FULL.get(self.state, self.state)
        return f"{unit}{self.number} {street}, {self.suburb}, {state}, {say_digits(self.postcode)}"


def _tokens(text: str) -> list[str]:
    """Words and numbers; "to slash 15" is "2 / 15" (a recogniser writes the homophone)."""
    tokens = _TOKEN.findall(normalise(strip_courtesy(drop_asides(text))))
    # "four eight seven oh" written "487O": a postcode, not house number 487 with a letter O.
    tokens = [t[:3] + "0" if re.fullmatch(r"\d{3}o", t) else t for t in tokens]
    for i, token in enumerate(tokens[:-1]):
        if token in HOMOPHONES and tokens[i + 1] in _SLASH:
            tokens[i] = HOMOPHONES[token]
    return tokens


def _is_num(token: str) -> bool:
    return token[:1].isdigit() or (token in NUMBER_WORDS and token not in ("o", "oh"))


def parse_address(text: str) -> ParseResult:
    """An Australian address from a transcript; the postcode must belong to the state."""
    parts = address_parts(text)
    if isinstance(parts, str):
        return failure(parts)
    return success(parts.canonical(), parts.spoken())


def address_parts(text: str) -> Address | str:
    """The parsed address, or an error code."""
    tokens = _tokens(text)
    start = next((i for i, t in enumerate(tokens) if _starts_number(tokens, i)), None)
    if start is None:
        return "missing_number"
    tokens = tokens[start:]
    end = _number_end(tokens)
    unit, number = _split_number(tokens[:end])
    if not number or number.rstrip("ABCDEFGH") == "0":
        return "missing_number"
    type_at = _street_type_index(tokens, end)
    if type_at is None:
        return "missing_street_type"
    street = " ".join(title_case_name(t) for t in tokens[end:type_at])
    if not _has_word(tokens[end:type_at]):
        return "missing_street_type"  # "15 Street": the street's name was not heard
    return _tail(tokens[type_at + 1 :], unit, number, street, STREET_TYPES[tokens[type_at]])


def _starts_number(tokens: list[str], i: int) -> bool:
    if _is_num(tokens[i]):
        return True
    following = tokens[i + 1] if i + 1 < len(tokens) else ""
    return (tokens[i] in _UNIT_WORDS or tokens[i] in _NUMBER_LEADS) and bool(following) and _is_num(following)


def _number_end(tokens: list[str]) -> int:
    """Where the house number ends; after written digits, number words start the street name ("12 Seven Hills Rd")."""
    i, written = 0, False
    while i < len(tokens) and (_is_num(tokens[i]) or tokens[i] in _UNIT_WORDS | _NUMBER_LEADS | _SLASH | {"and"}):
        if written and tokens[i] in NUMBER_WORDS:
            break
        written = written or tokens[i][:1].isdigit()
        i += 1
        if re.fullmatch(r"\d+[a-z]", tokens[i - 1]):
            return i  # "15b": the letter ends the number
    if i < len(tokens) and len(tokens[i]) == 1 and tokens[i] in "abcdefgh" and i + 2 < len(tokens):
        i += 1  # "fifteen b smith street"
    return i


def _split_number(tokens: list[str]) -> tuple[str, str]:
    """(unit, street number) from "unit 2 15", "2 / 15", "2 slash 15", "one hundred and five", "15 b"."""
    suffix = tokens[-1].upper() if tokens and tokens[-1].isalpha() and len(tokens[-1]) == 1 else ""
    body = [t for t in (tokens[:-1] if suffix else tokens) if t not in _NUMBER_LEADS]
    slash = next((i for i, t in enumerate(body) if t in _SLASH), None)
    if slash is not None:
        return _num(body[:slash]), _num(body[slash + 1 :]) + suffix
    unit_at = next((i for i, t in enumerate(body) if t in _UNIT_WORDS), None)
    if unit_at is not None:
        rest = body[unit_at + 1 :]
        if len(rest) >= 2:
            return _num(rest[:1]), _num(rest[1:]) + suffix
        return "", ""
    return "", _num(body) + suffix


def _num(tokens: list[str]) -> str:
    """Digits of a spoken or written house number ("one hundred and five" -> 105, "15a" -> 15A)."""
    suffix, clean = "", []
    for t in tokens:
        m = re.fullmatch(r"(\d+)([a-z])", t)
        if ordinal := _ORDINAL_NUMBER.fullmatch(t):
            clean.append(ordinal.group(1))  # "15th Smith Street": a recogniser's "fifteen" before a name
        elif m:
            clean.append(m.group(1))
            suffix = m.group(2).upper()
        else:
            clean.append(t)
    digits = spoken_digits(_written_hundreds(clean)).lstrip("+")
    return (digits.lstrip("0") or "0") + suffix if digits else ""


def _written_hundreds(tokens: list[str]) -> list[str]:
    """E.g. "100 and 18" -> "118": a recogniser writes "one hundred and eighteen" as two numbers."""
    out: list[str] = []
    for t in tokens:
        if len(out) >= 2 and out[-1] == "and" and re.fullmatch(r"[1-9]\d?00", out[-2]) and re.fullmatch(r"\d{1,2}", t):
            out[-2:] = [str(int(out[-2]) + int(t))]
        else:
            out.append(t)
    return out


def _street_type_index(tokens: list[str], name_start: int) -> int | None:
    candidates = [i for i in range(name_start + 1, len(tokens)) if tokens[i] in STREET_TYPES]
    strong = [i for i in candidates if STREET_TYPES[tokens[i]] not in _WEAK_TYPES]
    chosen = strong or candidates
    return chosen[0] if chosen else None


def _find_state(tokens: list[str]) -> tuple[int, int, str] | None:
    """(start, end, code) of the last state name in the tokens."""
    found: tuple[int, int, str] | None = None
    for i in range(len(tokens)):
        for size in (4, 3, 2, 1):
            phrase = " ".join(tokens[i : i + size])
            if i + size <= len(tokens) and phrase in STATE_NAMES:
                found = (i, i + size, STATE_NAMES[phrase])
                break
    return found


def _has_word(tokens: list[str]) -> bool:
    """A name needs a word of two letters or more ("Wallaby", "Ng"), not only numbers and single letters."""
    return any(sum(ch.isalpha() for ch in t) >= 2 for t in tokens)


def _suburb_words(tokens: list[str]) -> list[str]:
    """The suburb's own words: "the suburb is Newtown, it's" -> Newtown; "Bay of Fires", "The Rocks" stay whole."""
    said = [t for k, t in enumerate(tokens) if not (t == "the" and k + 1 < len(tokens) and tokens[k + 1] in _FIELDS)]
    words = [t for t in said if t != "and" and any(ch.isalpha() for ch in t)]
    if not _has_word(words):
        return []
    while words and words[0] in _NOT_SUBURB:
        words = words[1:]
    while words and words[-1] in _NOT_SUBURB:
        words = words[:-1]
    return words


def _tail(tokens: list[str], unit: str, number: str, street: str, street_type: str) -> Address | str:
    """Suburb, state and postcode after the street type."""
    state_at = _find_state(tokens)
    state = state_at[2] if state_at else ""
    before = tokens[: state_at[0]] if state_at else tokens
    if state_at and before and before[-1] == "the":
        before = before[:-1]  # "Braddon, the ACT": the article is the state's, not the suburb's
    after = tokens[state_at[1] :] if state_at else []
    postcode = spoken_digits(after)
    if len(postcode) == 3 and state in ("NT", "ACT"):
        postcode = "0" + postcode  # "Darwin NT 800"
    if not postcode:
        split = len(before)
        while split > 0 and _is_num(before[split - 1]) and len(spoken_digits(before[split - 1 :])) <= 4:
            split -= 1
        postcode, before = spoken_digits(before[split:]), before[:split]
    suburb = " ".join(title_case_name(t) for t in _suburb_words(before))
    if not suburb:
        return "missing_suburb"
    if not postcode:
        return "missing_postcode"
    if len(postcode) != 4:
        return "bad_postcode"
    state = state or state_for_postcode(postcode) or ""
    if not postcode_matches(state, postcode):
        return "postcode_mismatch"
    return Address(
        unit=unit, number=number, street=street, street_type=street_type, suburb=suburb, state=state, postcode=postcode
    )


_FIELD = re.compile(
    r"\b(postcode|post code|suburb|street|road|unit|number|state)(?: name)?(?: is|'s| should be)?\b(.*)"
)


_REPAIR_LEADS = {"no", "nope", "nah", "it's", "its", "it", "is", "sorry", "actually", "that's", "um", "uh", "i", "said"}


def repair_address(candidate: str, text: str) -> ParseResult:
    """A correction of `candidate`: a whole new address, or one field ("the postcode is 2043", "suburb is Enmore")."""
    full = parse_address(text)
    if full.ok:
        return full
    current = address_parts(candidate)
    if isinstance(current, str):
        return full
    words = _tokens(text)
    while words and words[0] in _REPAIR_LEADS:
        words = words[1:]
    said = " ".join(words)
    match = _FIELD.search(said)
    field, value = (match.group(1), match.group(2).strip()) if match else ("", said)
    fields = current.model_dump()
    if field in ("postcode", "post code") or (not field and re.fullmatch(r"\d{4}", spoken_digits(value.split()))):
        fields["postcode"] = spoken_digits(value.split())
    elif field == "suburb":
        fields["suburb"] = " ".join(title_case_name(t) for t in value.split())
    elif field in ("number", "unit") or (not field and value and all(_is_num(t) for t in value.split())):
        fields["unit" if field == "unit" else "number"] = _num(value.split())
    elif field == "state" and value in STATE_NAMES:
        fields["state"] = STATE_NAMES[value]
    else:
        return failure("unclear_correction")
    rebuilt = Address(**fields).canonical()
    result = parse_address(rebuilt)
    if result.ok and result.value == candidate:
        return failure("no_change")
    return result


def readback_address(value: str) -> str:
    """The read-back of a canonical address line."""
    parts = address_parts(value)
    return value if isinstance(parts, str) else parts.spoken()
