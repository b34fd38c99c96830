"""Pydantic's validation errors as the compiler's coded refusals (`unknown_key`, `unknown_type`, ...)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from domain.objectives.errors import CODES, ConfigError, error
from domain.objectives.objective_types import OBJECTIVE_TYPES

# pydantic's error types -> codes; the codes our validators raise (values.py, ...) pass through unchanged.
_BY_TYPE = {
    "extra_forbidden": "unknown_key",
    "union_tag_invalid": "unknown_type",
    "union_tag_not_found": "missing_key",
    "missing": "missing_key",
    "literal_error": "invalid_value",
    "too_short": "too_short",
    "string_too_short": "too_short",
    "too_long": "too_long",
    "string_too_long": "too_long",
}
_TAGGED_LISTS = ("objectives", "integrations")


def structural_errors(exc: ValidationError) -> list[ConfigError]:
    """Every problem pydantic found, each at its JSON path with a stable code."""
    return [_one(detail) for detail in exc.errors(include_url=False, include_context=True)]


def _one(detail: ErrorDetails) -> ConfigError:
    kind = detail["type"]
    loc, key_error = _clean(detail["loc"])
    code = kind if kind in CODES else _BY_TYPE.get(kind) or ("wrong_type" if kind.endswith("_type") else None)
    code = code or "invalid_value"
    if kind.startswith("union_tag"):
        loc = [*loc, "type"]
    message = _message(kind, loc, detail)
    if key_error:
        message = f"key {loc[-1]!r}: {message}"
    return error(loc, code, message)


def _clean(loc: Sequence[Any]) -> tuple[list[Any], bool]:
    """Drop the tag pydantic inserts for a tagged union, and its `[key]` marker for a bad mapping key."""
    out: list[Any] = []
    key_error = False
    for i, part in enumerate(loc):
        if part == "[key]":
            key_error = True
            continue
        if i >= 2 and isinstance(loc[i - 1], int) and loc[i - 2] in _TAGGED_LISTS and isinstance(part, str) and (
                part != "type" and _is_tag(part)):
            continue
        out.append(part)
    return out, key_error


def _is_tag(part: str) -> bool:
    return part in OBJECTIVE_TYPES or part in ("webhook", "sms", "email", "calendar")


def _message(kind: str, loc: list[Any], detail: ErrorDetails) -> str:
    if kind == "extra_forbidden":
        return f"unknown key {loc[-1]!r}" if loc else "unknown key"
    ctx = detail.get("ctx") or {}
    if kind == "union_tag_invalid":
        return f"unknown type {ctx.get('tag')!r}; the types are {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return "'type' is required"
    if kind == "missing":
        return f"{loc[-1]!r} is required" if loc else "required"
    if kind == "string_type" and isinstance(detail.get("input"), int | float):
        return "expected text; in YAML, quote numbers and times (\"+61290000001\")"
    if kind == "bool_type":
        return "expected true or false"
    return detail["msg"].removeprefix("Value error, ")
