"""Name capture: "my name is ...", spelled names ("S M I T H"), first/last corrections, title-cased.

Takes what a caller says and what a recogniser writes: "Sorry, hi there. My name is Sam Taylor.", "It's Sam. Sam
Taylor.", "Smith, S-M-I-T-H.", "It's Smyth with a y."
"""

from __future__ import annotations

import difflib
import re

from domain.voice.name_spelling import Respelling, find_respelling, respell, split_dashed
from domain.voice.spoken import DIGIT_WORDS, PREAMBLE, ParseResult, failure, normalise, strip_preamble, success

_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")
_INTROS = (
    "my full name is", "my first name is", "my last name is", "my surname is", "my name is", "my name's",
    "the name is", "the name's", "name is", "name's", "last name is", "last name's", "surname is", "surname's",
    "you're speaking with", "you're speaking to", "you're talking to", "you can call me", "they call me", "call me",
    "i'm called", "it's", "it is", "its", "this is", "i'm", "im", "i am", "it was", "that's", "that is",
)  # fmt: skip
_LEADS = {"hi", "hello", "hey", "g'day", "gday", "g-day", "yeah", "yes", "yep", "um", "umm", "uh", "er", "erm", "ah",
          "oh", "sure", "ok", "okay", "well", "so", "no", "nope", "nah", "sorry", "mate", "actually", "just", "mr",
          "mrs", "ms", "miss", "dr"}  # fmt: skip
# A sentence ends after a word of two letters or more: "J. Smith" is one sentence, "It's Sam. Sam Taylor." two.
_SENTENCE = re.compile(r"(?<=[^\W\d_][^\W\d_])[.!?\u2026]+(?=\s|$)")
_TRAILS = {"speaking", "here", "thanks", "thank", "you", "please", "mate", "cheers"}
_SPELLING_WORDS = {"spelled", "spelt", "spelling"}
_JOINERS = {"that's", "thats", "as", "in", "a", "an", "and", "is", "it's", "its"}
STOP_WORDS = frozenset(
    """yes no yeah yep nope nah what who why how when where which sorry pardon hello hi hey um uh er the is are
    was were am be been being you he she it we they me my your our their this that there here and or but not do does
    did have has had can could would should shall want need just know think okay ok please thanks thank phone number
    email address call calling speak speaking talk about for with from on in at to of by booking book appointment
    quote help job today tomorrow name first last surname again repeat said say didn't don't dont can't cant wrong
    right correct mobile hang up bye goodbye still there hear hearing anyone someone person human operator agent let's
    robot machine all some any if then than so too very really actually like gonna wanna yes please one two three
    four five six seven eight nine zero oh its it's i'm im i'd that's name's thats hi g'day gday urgent emergency
    important serious quick regarding concerning""".split()
)
_MAX_WORDS = 4
_FILLERS = frozenset(p for p in PREAMBLE if " " not in p)  # "Mm" spelled "m m" is no name
_CUT_AT = {"and", "with", "on", "my", "number", "phone", "mobile", "email", "from", "calling", "at", "about", "ringing",
           "i", "i've", "ive", "i'm", "we", "we've", "we're", "need", "got"}  # "Sam Taylor, I've got a leak"
_BOTH = re.compile(
    r"first name(?: is|'s)? ([^\W\d_]+)\W+(?:and )?(?:my )?(?:last name|surname)(?: is|'s)? ([^\W\d_'-]+)"
)


def title_case_name(word: str) -> str:
    """E.g. "o'brien" -> "O'Brien", "mary-jane" -> "Mary-Jane", "mcdonald" -> "McDonald"."""
    parts = re.split(r"(['-])", word.lower())
    out = [p if p in ("'", "-", "s") else p[:1].title() + p[1:] for p in parts]  # "Nick's" keeps its 's"
    cased = "".join(out)
    if re.match(r"^Mc[a-z]", cased):
        cased = "Mc" + cased[2].upper() + cased[3:]
    return cased


def _strip(words: list[str]) -> list[str]:
    """Without the lead-in ("yeah, so it's", "um, my name is") and the trail ("speaking", "here", "thanks")."""
    before: list[str] | None = None
    while words != before:
        before = words
        while words and words[0] in _LEADS:
            words = words[1:]
        joined = " ".join(words)
        intro = next((i for i in _INTROS if joined == i or joined.startswith(i + " ")), "")
        words = words[len(intro.split()) :] if intro else words
    while words and words[-1] in _TRAILS:
        words = words[:-1]
    return words


def _merge_spelled(words: list[str]) -> list[str]:
    """Join spelled letters ("j o h n", "b e double l") into words; a spelling replaces the word it spells."""
    out: list[str] = []
    spelled_at: set[int] = set()
    i = 0
    while i < len(words):
        run, i = _letter_run(words, i)
        if len(run) >= 2:
            match = [k for k, w in enumerate(out) if k not in spelled_at and _spells(w, run)]
            if match:
                out[match[-1]] = run
                spelled_at.add(match[-1])
            else:
                out.append(run)
                spelled_at.add(len(out) - 1)
            continue
        word = run or words[i]
        if not run:
            i += 1
        nxt = words[i] if i < len(words) else ""
        if word in _SPELLING_WORDS or (word in _JOINERS and out and len(nxt) == 1):
            continue  # "Smith, that's S M I T H", "spelled J O N"
        out.append(word)
    return out


def _merged(words: list[str]) -> list[str]:
    """Merge spellings until nothing changes, so a parsed name parses back to itself
    ("aa a an a aa" leaves the letters "a a" side by side, which are a spelling the second time).
    """
    for _ in range(4):
        merged = _merge_spelled(words)
        if merged == words:
            break
        words = merged
    return words


def _letter_run(words: list[str], i: int) -> tuple[str, int]:
    letters: list[str] = []
    while i < len(words):
        w = words[i]
        if len(w) == 1 and w.isalpha():
            letters.append(w)
            i += 1
        elif w in ("double", "triple") and i + 1 < len(words) and len(words[i + 1]) == 1:
            letters.append(words[i + 1] * (2 if w == "double" else 3))
            i += 2
        else:
            break
    return "".join(letters), i


def _spells(word: str, run: str) -> bool:
    return word[:1] == run[:1] or difflib.SequenceMatcher(None, word, run).ratio() >= 0.5


def _cut_other_details(words: list[str]) -> list[str]:
    """E.g. "John Smith and my number is ...": keep the name, drop what follows it."""
    for i, word in enumerate(words):
        if i > 0 and (word in _CUT_AT or word in DIGIT_WORDS):
            return words[:i]
    return words


def _sentence_words(sentence: str) -> list[str]:
    said = normalise(strip_preamble(sentence))
    if m := _BOTH.search(said):
        said = f"{m.group(1)} {m.group(2)}"
    return _strip(split_dashed(_WORD.findall(said)))


def _said_name(text: str) -> list[str]:
    """The words of the name across sentences: the first one that names someone, and what restates or spells it."""
    picked: list[str] = []
    for words in filter(None, map(_sentence_words, _SENTENCE.split(text))):
        if not picked:
            picked = words
        elif all(len(w) == 1 for w in words):
            picked = [*picked, *words]  # "Smith. S-M-I-T-H."
        elif words[0] == picked[0]:
            picked = words if len(words) >= len(picked) else picked  # "It's Sam. Sam Taylor."
        elif len(picked) == 1 and len(words) == 1 and words[0] not in STOP_WORDS:
            picked = [*picked, *words]  # "It's Sam. Taylor."
        else:
            break
    words, hint = find_respelling(picked)
    if hint is not None and hint.at is not None:
        words[hint.at] = respell(words[hint.at], hint)
    return _restated(_cut_other_details(_merged(words)))


def _restated(words: list[str]) -> list[str]:
    """E.g. "Sam, Sam Taylor": a name said again (longer) keeps the last saying."""
    k = 1
    while k <= len(words) // 2:
        if words[k : 2 * k] == words[:k]:
            words, k = words[k:], 0
        k += 1
    return words


def parse_name(text: str) -> ParseResult:
    """A person's name, title-cased: "my name is john smith" -> "John Smith"; "j o h n" -> "John".

    Preambles and fillers are dropped ("Sorry, hi there, my name is ...", "Hang on... yeah, it's ...").
    """
    words = _said_name(re.split(r"\d", text, maxsplit=1)[0])
    if not words:
        return failure("no_name" if not re.search(r"\d", text) else "not_a_name")
    if len(words) > _MAX_WORDS:
        return _name_clause(text) or failure("too_long")
    if any(w in STOP_WORDS for w in words) or words[0] in _FILLERS or words[0] in _LEADS:
        return failure("not_a_name")
    if any(len(w) < 2 for w in (words[0], words[-1])) or sum(len(w) for w in words) > 60:
        return failure("not_a_name")
    value = " ".join(title_case_name(w) for w in words)
    return success(value, value)


def _name_clause(text: str) -> ParseResult | None:
    """A name in one clause of a longer answer: "Hi, this is Sam Taylor, there's water everywhere"."""
    clauses = [c for c in text.split(",") if c.strip()]
    for clause in clauses if len(clauses) > 1 else []:
        found = parse_name(clause)
        if found.ok:
            return found
    return None


_FIRST = re.compile(r"\b(?:first|given|christian) name(?: is|'s)?\b(.*)")
_LAST = re.compile(r"\b(?:last|family|second) name(?: is|'s)?\b(.*)|\bsurname(?: is|'s)?\b(.*)")
_SPELL = re.compile(r"\b(?:spelled|spelt|spelling is|spell it)\b(.*)")


def repair_name(candidate: str, text: str) -> ParseResult:
    """A correction of `candidate`: "the last name is Smyth", "it's spelled S M Y T H", "Smyth with a y",
    "Taylor with an o-r", "no, Brown with an e", or a whole new name.
    """
    said = normalise(text)
    parts = candidate.split()
    if not parts:
        return parse_name(text)
    if respelled := _respelled(parts, said):
        return respelled
    if m := _FIRST.search(said):
        return _replace_part(parts, 0, m.group(1))
    if m := _LAST.search(said):
        return _replace_part(parts, len(parts) - 1 if len(parts) > 1 else 1, m.group(1) or m.group(2) or "")
    if m := _SPELL.search(said):
        fix = parse_name(m.group(1))
        if fix.ok and fix.value is not None and len(fix.value.split()) == 1:
            return _replace_part(parts, _closest(parts, fix.value), fix.value)
    full = parse_name(text)
    if full.ok and full.value is not None and len(full.value.split()) == 1 and len(parts) > 1:
        index = _closest(parts, full.value)
        if difflib.SequenceMatcher(None, parts[index].lower(), full.value.lower()).ratio() >= 0.5:
            return _replace_part(parts, index, full.value)  # "no, Jon" keeps the surname
    return full


def _respelled(parts: list[str], said: str) -> ParseResult | None:
    """E.g. "Smyth with a y" or "no, with a y": the letters go into the part of the name they spell."""
    words, hint = find_respelling(_strip(split_dashed(_WORD.findall(said))))
    if hint is None:
        return None
    heard = words[hint.at] if hint.at is not None and hint.at < len(words) else None
    if heard is None:
        changed = [k for k, p in enumerate(parts) if respell(p, hint) != p.lower()]
        index = changed[-1] if changed else None
    else:
        index = _closest(parts, heard)
        if difflib.SequenceMatcher(None, parts[index].lower(), heard).ratio() < 0.5:
            return None
    if index is None:
        return failure("unclear_correction")
    return _respell_part(parts, index, heard, hint)


def _respell_part(parts: list[str], index: int, heard: str | None, hint: Respelling) -> ParseResult:
    fixed = respell(parts[index], hint)
    if fixed == parts[index].lower() and heard is not None:
        fixed = respell(heard, hint)  # the caller's own word, when the letters do not change the one read back
    if fixed == parts[index].lower():
        return failure("no_change")
    return _replace_part(parts, index, fixed)


def _closest(parts: list[str], word: str) -> int:
    scores = [difflib.SequenceMatcher(None, p.lower(), word.lower()).ratio() for p in parts]
    return max(range(len(parts)), key=lambda i: (scores[i], i))


def _replace_part(parts: list[str], index: int, fragment: str) -> ParseResult:
    fix = parse_name(fragment)
    if not fix.ok or fix.value is None:
        return fix
    new = list(parts)
    if index >= len(new):
        new.append(fix.value)
    else:
        new[index : index + 1] = fix.value.split()
    value = " ".join(new)
    if len(new) > _MAX_WORDS:
        return failure("too_long")
    return success(value, value)


def readback_name(value: str) -> str:
    """The name as it is read back."""
    return value
