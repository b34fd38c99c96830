r"""Text and JSON a Postgres column can hold, and a person could have meant (pure).

Postgres TEXT and JSONB refuse the NUL character and lone UTF-16 surrogates (a JSON `\ud800` with
no partner decodes to one in Python); numbers past 64 bits, non-finite floats, absurdly long strings
and absurdly deep nesting are not facts anyone sends on purpose. `find_bad_value` names the first such
value in a decoded JSON document; the API's input guard runs it on every request body, and `SafeText`,
`RequiredText`, `SafeId` and `SafeJson` carry the same rule into pydantic models (workflow and update payloads,
inputs that do not come over HTTP), with the same codes as their error types.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

MAX_DEPTH = 32
MAX_STRING_CHARS = 65_536
MAX_INT = 2**63 - 1
_SURROGATE = re.compile("[\ud800-\udfff]")


class TextProblem(StrEnum):
    """Why a value is refused; each is the machine-readable code of its refusal."""

    NUL = "nul_character"
    SURROGATE = "unpaired_surrogate"
    TOO_LONG = "text_too_long"
    TOO_DEEP = "body_too_deep"
    NUMBER = "number_out_of_range"


MESSAGES = {
    TextProblem.NUL: "contains a NUL character (\\u0000), which text cannot hold",
    TextProblem.SURROGATE: "contains an unpaired UTF-16 surrogate, which is not a character",
    TextProblem.TOO_LONG: f"is longer than {MAX_STRING_CHARS} characters",
    TextProblem.TOO_DEEP: f"nests deeper than {MAX_DEPTH} levels",
    TextProblem.NUMBER: f"is not a finite number within +/-{MAX_INT}",
}


@dataclass(frozen=True)
class BadValue:
    """The first refused value of a document: where it is (`a.b[2]`, empty for the root) and why."""

    path: str
    problem: TextProblem

    @property
    def message(self) -> str:
        return f"{self.path or 'the body'} {MESSAGES[self.problem]}"


def text_problem(value: str, max_chars: int = MAX_STRING_CHARS) -> TextProblem | None:
    """Why `value` cannot be stored as text, or None."""
    if "\x00" in value:
        return TextProblem.NUL
    if _SURROGATE.search(value):
        return TextProblem.SURROGATE
    if len(value) > max_chars:
        return TextProblem.TOO_LONG
    return None


def _number_problem(value: object) -> TextProblem | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and abs(value) > MAX_INT:
        return TextProblem.NUMBER
    if isinstance(value, float) and not math.isfinite(value):
        return TextProblem.NUMBER
    return None


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _children(value: object, path: str) -> list[tuple[str, object, bool]]:
    """(path, child, is_key) for a container's keys and values, in document order."""
    if isinstance(value, dict):
        out: list[tuple[str, object, bool]] = []
        for key, item in value.items():
            out.append((path, key, True))
            out.append((_join(path, str(key)), item, False))
        return out
    if isinstance(value, list):
        return [(_join(path, i), item, False) for i, item in enumerate(value)]
    return []


def find_bad_value(document: object, max_depth: int = MAX_DEPTH) -> BadValue | None:
    """The first string (key or value), number or nesting level in a decoded JSON document that is refused.

    Iterative (a hostile document cannot exhaust the stack) and in document order, so the same
    document always names the same path.
    """
    stack: list[tuple[str, object, int]] = [("", document, 0)]
    while stack:
        path, value, depth = stack.pop()
        if depth > max_depth:
            return BadValue(path, TextProblem.TOO_DEEP)
        problem = text_problem(value) if isinstance(value, str) else _number_problem(value)
        if problem is not None:
            return BadValue(path, problem)
        children = _children(value, path)
        stack.extend((p, child, depth if is_key else depth + 1) for p, child, is_key in reversed(children))
    return None


MAX_JSON_CHARS = 64_000  # a payload stored whole (an issue's raw payload, a change set): about 64 KB of JSON
_SHORT_DEPTH = 16  # payloads stored as one JSONB value nest far less than a request body may


def check_text(value: str) -> str:
    """`value` unchanged, or a PydanticCustomError whose type is the TextProblem code."""
    problem = text_problem(value)
    if problem is not None:
        raise PydanticCustomError(problem.value, "text " + MESSAGES[problem])
    return value


def _json_size(value: Any) -> int:
    """About the JSON length of a document that already passed `find_bad_value`."""
    if isinstance(value, str):
        return len(value) + 2
    if isinstance(value, dict):
        return 2 + sum(len(str(k)) + 3 + _json_size(v) for k, v in value.items())
    if isinstance(value, list):
        return 2 + sum(_json_size(v) + 1 for v in value)
    return len(repr(value))


def check_json(value: Any) -> Any:
    """`value` unchanged, or a PydanticCustomError: a refused value anywhere, or more than MAX_JSON_CHARS."""
    bad = find_bad_value(value, max_depth=_SHORT_DEPTH)
    if bad is not None:
        raise PydanticCustomError(bad.problem.value, bad.message)
    size = _json_size(value)
    if size > MAX_JSON_CHARS:
        raise PydanticCustomError("json_too_large", "the payload is {size} characters; at most {limit}",
                                  {"size": size, "limit": MAX_JSON_CHARS})
    return value


SafeText = Annotated[str, Field(max_length=2000), AfterValidator(check_text)]
"""Free text from outside (a reason, a question, a note): bounded, and storable."""

RequiredText = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(check_text)]
"""A non-empty SafeText."""

SafeId = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(check_text)]
"""An identifier-like string from outside (an external id): short, storable."""

SafeJson = Annotated[dict[str, Any], AfterValidator(check_json)]
"""A JSON object from outside, stored whole: every string, number and nesting level passes, and it is bounded."""
