"""domain.text: each kind of text or JSON a Postgres column cannot hold is named, with its path."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel, ValidationError

from domain.text import (
    MAX_DEPTH,
    MAX_INT,
    MAX_STRING_CHARS,
    SafeJson,
    SafeText,
    TextProblem,
    find_bad_value,
    text_problem,
)


def test_ordinary_text_passes() -> None:
    for value in ["", "Acme Plumbing", "Zoë's café – 10% off", "名前", "emoji 😀 (a surrogate pair in JSON)"]:
        assert text_problem(value) is None


def test_nul_character() -> None:
    assert text_problem("abc\x00def") is TextProblem.NUL
    assert find_bad_value(json.loads('{"a": {"b": ["ok", "x\\u0000"]}}')).path == "a.b[1]"  # type: ignore[union-attr]


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "x\\ud83d", "\\ude00y", "\\ude00\\ud83d"])
def test_unpaired_surrogate(escape: str) -> None:
    value = json.loads(f'"{escape}"')
    assert text_problem(value) is TextProblem.SURROGATE


def test_paired_surrogates_are_one_character() -> None:
    assert text_problem(json.loads('"\\ud83d\\ude00"')) is None


def test_absurd_length() -> None:
    assert text_problem("x" * MAX_STRING_CHARS) is None
    assert text_problem("x" * (MAX_STRING_CHARS + 1)) is TextProblem.TOO_LONG


def test_keys_are_checked_too() -> None:
    bad = find_bad_value({"fine": 1, "nested": {"k\x00": "v"}})
    assert bad is not None and bad.problem is TextProblem.NUL and bad.path == "nested"


def test_numbers_past_64_bits_or_not_finite() -> None:
    assert find_bad_value({"n": MAX_INT}) is None
    assert find_bad_value({"n": -MAX_INT}) is None
    for number in (MAX_INT + 1, -(MAX_INT + 1), float("inf"), float("-inf"), float("nan")):
        bad = find_bad_value({"n": [number]})
        assert bad is not None and bad.problem is TextProblem.NUMBER and bad.path == "n[0]"
    assert find_bad_value({"flag": True, "f": 1.5e300}) is None


def test_absurd_depth_without_recursion() -> None:
    ok: object = "leaf"
    for _ in range(MAX_DEPTH):
        ok = [ok]
    assert find_bad_value(ok) is None
    deep: object = "leaf"
    for _ in range(100_000):  # far past the interpreter's recursion limit
        deep = {"a": deep}
    bad = find_bad_value(deep)
    assert bad is not None and bad.problem is TextProblem.TOO_DEEP


def test_first_bad_value_in_document_order() -> None:
    bad = find_bad_value({"a": "ok", "b": "\x00", "c": "\ud800"})
    assert bad is not None and bad.path == "b" and bad.problem is TextProblem.NUL
    assert "NUL" in bad.message


class _Model(BaseModel):
    name: SafeText
    payload: SafeJson


def test_pydantic_types_refuse_with_the_code() -> None:
    assert _Model(name="Acme", payload={"a": ["b"]}).name == "Acme"
    with pytest.raises(ValidationError, match="nul_character"):
        _Model(name="A\x00", payload={})
    with pytest.raises(ValidationError, match="unpaired_surrogate"):
        _Model(name="A", payload={"x": "\udc00"})
