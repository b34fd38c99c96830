"""How callers spell a name in passing: "S-M-I-T-H", "Smyth with a y", "Taylor with an o-r", "Brown with an e"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.voice.spoken import spelled_letter

_DASHED = re.compile(r"^[^\W\d_](?:-[^\W\d_])+$|^no-[^\W\d_]$")
_VOWELS = "aeiouy"
_SWAPS = {"k": "c", "c": "k", "z": "s", "s": "z"}
_REPEAT = {"double": 2, "triple": 3}
# "with an e" heard as "with a knee", "with an o r" as "with a no r": the n of "an" joined to the letter.
_LIAISON = {"knee": "e", "nee": "e", "no": "o", "nay": "a", "nell": "l", "nem": "m", "ness": "s", "nex": "x"}
_ARTICLES = ("a", "an", "the")
# What may follow the letters: "Brown with an e at the end", "with a y not an i"; any other word ("Sam with a knee
# injury") means the phrase was not a spelling.
_AFTER_LETTERS = {"not", "instead", "rather", "and", "at", "on", "please", "thanks", "thank", "cheers", "mate", "too"}


def split_dashed(words: list[str]) -> list[str]:
    """A recogniser writes a spelling as "s-m-i-t-h": one word per letter ("Jean-Luc" is left alone)."""
    out: list[str] = []
    for word in words:
        out.extend(word.split("-") if _DASHED.match(word) else [word])
    return out


@dataclass(frozen=True)
class Respelling:
    """A "<word> with a <letters> [not an <old>]" phrase; `at` indexes the word it spells (None: said alone)."""

    at: int | None
    letters: str
    old: str = ""


def _letters_at(words: list[str], i: int) -> tuple[str, int]:
    """The letters named from words[i] on ("y", "o r", "double l", "why"); a short token ("or", "ph") if none."""
    letters: list[str] = []
    if i > 0 and words[i - 1] == "a" and i < len(words) and words[i] in _LIAISON:
        letters.append(_LIAISON[words[i]])
        i += 1
    while i < len(words):
        word = words[i]
        nxt = spelled_letter(words[i + 1]) if i + 1 < len(words) else None
        if word in _REPEAT and nxt is not None:
            letters.append(nxt * _REPEAT[word])
            i += 2
        elif (letter := spelled_letter(word)) is not None:
            letters.append(letter)
            i += 1
        else:
            break
    if not letters and i < len(words) and len(words[i]) == 2 and words[i].isalpha():
        return words[i], i + 1
    return "".join(letters), i


def find_respelling(words: list[str]) -> tuple[list[str], Respelling | None]:
    """The words without a "with a y (not an i)" phrase, and what that phrase asks for."""
    for i in range(len(words) - 2):
        if words[i] != "with" or words[i + 1] not in _ARTICLES:
            continue
        letters, end = _letters_at(words, i + 2)
        if not letters or (end < len(words) and words[end] not in _AFTER_LETTERS):
            continue
        old = ""
        if end < len(words) and words[end] in ("not", "instead", "rather"):
            start = end + 1 + (words[end + 1 : end + 2] in (["of"], ["than"]))
            start += words[start : start + 1] in (["a"], ["an"], ["the"])
            old, end = _letters_at(words, start)
        if words[end : end + 3] == ["at", "the", "end"]:
            end += 3
        return words[:i] + words[end:], Respelling(at=i - 1 if i > 0 else None, letters=letters, old=old)
    return words, None


def respell(word: str, hint: Respelling) -> str:
    """`word` spelled the way the caller said: "smith" + y -> "smyth", "brown" + e -> "browne", "jon" + h -> "john"."""
    word, letters = word.lower(), hint.letters
    if hint.old and hint.old in word:
        return word.replace(hint.old, letters, 1)
    if letters in word:
        return word
    if letters == "e":
        return word + "e"
    if letters == "h":
        first_vowel = next((k for k, ch in enumerate(word) if ch in _VOWELS), len(word) - 1)
        return word + "h" if word[-1] in _VOWELS else word[: first_vowel + 1] + "h" + word[first_vowel + 1 :]
    if letters == "v" and "ph" in word:
        return word.replace("ph", "v", 1)
    if len(letters) == 1 and letters in _VOWELS:
        vowels = [k for k in range(1, len(word)) if word[k] in _VOWELS]
        return word[: vowels[-1]] + letters + word[vowels[-1] + 1 :] if vowels else word
    if len(letters) == 1 and _SWAPS.get(letters, "") in word:
        return word.replace(_SWAPS[letters], letters, 1)
    if letters == "ph" and (m := re.search("[fv]", word)):
        return word[: m.start()] + "ph" + word[m.end() :]
    if len(letters) >= 2 and len(word) > len(letters) and word[-1] == letters[-1]:
        return word[: -len(letters)] + letters
    return word
