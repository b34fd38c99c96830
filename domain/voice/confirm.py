"""Reading a caller's answer to a read-back: yes, no (with any correction said in the same breath), or unclear."""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from domain.voice.spoken import normalise


class Answer(StrEnum):
    """The caller's verdict on what was read back."""

    YES = "yes"
    NO = "no"
    UNCLEAR = "unclear"


class ConfirmReading(BaseModel):
    """The verdict and whatever the caller said after it (a correction such as "it's 0412 345 679")."""

    model_config = ConfigDict(frozen=True)

    answer: Answer
    rest: str = ""


YES_PHRASES = (
    "that's right", "that is right", "that's correct", "that is correct", "that's it", "that's the one",
    "that's fine", "that's good", "that's perfect", "you got it", "you've got it", "sounds good", "sounds right",
    "all good", "all correct", "too right", "spot on", "bang on", "uh huh", "yes", "yeah", "yep", "yup", "yes please",
    "yea", "ya", "yah", "aye", "correct", "right", "sure", "exactly", "perfect", "affirmative", "absolutely",
    "definitely", "indeed", "ok", "okay", "good", "great", "lovely", "righto", "sweet", "cool", "beauty", "bingo",
    "you bet", "it is", "that is", "that's me", "yes it is", "yes that is", "all right", "alright",
)  # fmt: skip
NO_PHRASES = (
    "that's wrong", "that is wrong", "that's not right", "that is not right", "that's not correct", "that's incorrect",
    "that is incorrect", "that's not it", "not quite", "not really", "not right", "not correct", "wrong", "incorrect",
    "nope", "nah", "no", "negative", "not exactly", "not that", "that isn't right",
)  # fmt: skip
# Australian idiom: "yeah nah" means no, "nah yeah" means yes.
_IDIOMS = (
    ("yeah nah", Answer.NO), ("yeah no", Answer.NO), ("yes no", Answer.NO), ("nah yeah", Answer.YES),
    ("uh huh", Answer.YES), ("mm hmm", Answer.YES), ("mhm", Answer.YES), ("uh uh", Answer.NO),
)  # fmt: skip
_LEAD_FILLERS = ("um", "umm", "uh", "er", "erm", "ah", "oh", "well", "so", "mm", "hmm", "sorry")
_REST_FILLERS = re.compile(
    r"^(?:(?:no|nope|nah|sorry|actually|it's|it is|its|it was|that's|that is|i said|i meant|"
    r"mate|but|and|um|uh|er)\b[\s,.!]*)+"
)
_DECLINES = (
    "don't have one", "don't have an", "don't have a ", "do not have", "haven't got", "i'd rather not", "rather not",
    "prefer not", "skip", "pass", "no thanks", "no thank you", "not sure", "don't know", "dunno", "none", "no email",
    "no phone", "no mobile", "no address", "don't use email", "not applicable",
)  # fmt: skip


def _clean(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9'@+#/ ]+", " ", normalise(text)).split())


def _starts_with(text: str, phrase: str) -> bool:
    return text == phrase or text.startswith(phrase + " ")


def _lead(text: str) -> str:
    words = text.split()
    while words and words[0] in _LEAD_FILLERS and len(words) > 1:
        words = words[1:]
    return " ".join(words)


def read_confirmation(text: str) -> ConfirmReading:
    """Classify an answer to "Is that right?"; `rest` keeps the original words after the yes/no for repair."""
    for phrase, answer in _IDIOMS:
        if _starts_with(_clean(text), phrase):
            return ConfirmReading(answer=answer, rest=_rest(text, phrase, lead=False))
    cleaned = _lead(_clean(text))
    for phrase in sorted(NO_PHRASES, key=len, reverse=True):
        if _starts_with(cleaned, phrase):
            rest = _rest(text, phrase)
            if _is_only_yes(rest):
                return ConfirmReading(answer=Answer.UNCLEAR, rest="")  # "no, that's right" is ambiguous
            return ConfirmReading(answer=Answer.NO, rest=rest)
    for phrase in sorted(YES_PHRASES, key=len, reverse=True):
        if _starts_with(cleaned, phrase):
            rest = _rest(text, phrase)  # "yeah, spot on" / "yep, that's the one": agreement twice, no correction
            return ConfirmReading(answer=Answer.YES, rest="" if _is_only_agreement(rest) else rest)
    return _anywhere(cleaned, text)


def _anywhere(cleaned: str, text: str) -> ConfirmReading:
    """E.g. "I think that's right" / "um that's wrong mate": a verdict phrase inside the sentence."""
    rest = cleaned
    for phrase in sorted((p for p in NO_PHRASES if " " in p or p == "wrong"), key=len, reverse=True):
        rest = re.sub(rf"\b{re.escape(phrase)}\b", "|", rest)
    said_no = rest != cleaned
    said_yes = any(re.search(rf"\b{re.escape(p)}\b", rest) for p in YES_PHRASES if " " in p)
    if said_no and not said_yes:
        return ConfirmReading(answer=Answer.NO, rest="")
    if said_yes and not said_no:
        return ConfirmReading(answer=Answer.YES, rest="")
    return ConfirmReading(answer=Answer.UNCLEAR, rest=text.strip())


_COURTESY = re.compile(r"(?:\s*\b(?:thanks|thank you|cheers|mate|please|ta)\b)+$")


def _is_only_agreement(rest: str) -> bool:
    """What follows a yes only agrees again ("spot on", "the one", "correct, thanks")."""
    cleaned = _COURTESY.sub("", _clean(rest)).strip()
    return not cleaned or _is_only_yes(cleaned)


def _is_only_yes(rest: str) -> bool:
    cleaned = _clean(rest)
    return bool(cleaned) and (cleaned in YES_PHRASES or any(cleaned == p.split(" ", 1)[-1] for p in YES_PHRASES))


def _rest(text: str, phrase: str, *, lead: bool = True) -> str:
    """The caller's own words after the leading verdict (fillers and "it's" trimmed, dots and dashes kept)."""
    cleaned = _clean(text)
    skipped = len(cleaned.split()) - len(_lead(cleaned).split()) if lead else 0
    drop = skipped + len(phrase.split())
    kept: list[str] = []
    for word in normalise(text.replace(",", ", ")).split():
        size = len(_clean(word).split())
        if drop > 0 and size:
            drop -= size
            continue
        if drop <= 0:
            kept.append(word)
    remainder = " ".join(kept).strip(" ,.!?;:")
    return _REST_FILLERS.sub("", remainder).strip(" ,.!?;:")


def is_decline(text: str) -> bool:
    """True when the caller declines to give an optional detail ("I don't have one", "rather not", "skip")."""
    cleaned = _clean(text)
    return any(p in cleaned + " " for p in _DECLINES) or cleaned in ("no", "nope", "nah", "no thanks")


_REPEAT = re.compile(
    r"\b(?:repeat|say (?:that|it) again|what was that|what did you say|pardon|come again|didn't (?:hear|catch)|"
    r"can't hear|sorry what|what's that)\b|^(?:what|sorry|huh|eh)$"
)
_HOLD = re.compile(
    r"\b(?:hang on|hold on|one sec|just a sec|a sec|one moment|just a moment|wait|let me (?:check|find|see))\b"
)
_PERSON = re.compile(
    r"\b(?:speak|talk|put me through) (?:to|with) (?:a |an |the )?(?:real |actual )?(?:person|human|someone|somebody|"
    r"operator|agent|manager|staff|receptionist)\b|\b(?:real person|human being|an operator)\b"
)


_REFUSAL = re.compile(
    r"\b(?:not (?:telling|giving|saying)|won't (?:tell|give|say)|(?:mind|none of) your (?:own )?business|forget it|"
    r"get lost|go away|leave me alone|stop asking|shut up|piss off|bugger off|rack off|get stuffed|stupid|useless|"
    r"idiot|ridiculous)\b"
)


def is_refusal(text: str) -> bool:
    """The caller refuses or abuses ("I'm not telling you that", "get lost, you stupid machine"): it answers
    nothing, so it never becomes a value or picks an option.
    """
    return bool(_REFUSAL.search(_clean(text)))


def is_repeat_request(text: str) -> bool:
    """The caller asks to hear the question again ("sorry, what was that?", "can you repeat that")."""
    return bool(_REPEAT.search(_clean(text)))


def is_hold(text: str) -> bool:
    """The caller needs a moment ("hang on, let me check")."""
    return bool(_HOLD.search(_clean(text)))


def wants_person(text: str) -> bool:
    """The caller asks for a human ("can I speak to a real person?")."""
    return bool(_PERSON.search(_clean(text)))
