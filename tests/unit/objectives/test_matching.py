"""Which option a caller's words select."""

from __future__ import annotations

import pytest

from domain.objectives import compile_document, match_option
from tests.unit.objectives.documents import plumber

SERVICE = compile_document(plumber()).graph.node("service")


@pytest.mark.parametrize(("said", "option"), [
    ("I've got a burst pipe in the kitchen", "emergency"),
    ("Burst pipe!", "emergency"),
    ("just after a quote for a new hot water system", "quote"),
    ("how much is the price for that", "quote"),
    ("my tap is dripping", "other"),  # anything else is the catch-all
    ("", None),  # nothing said: ask again
])
def test_phrases_select_options(said: str, option: str | None) -> None:
    assert match_option(SERVICE, said) == option


def test_phrases_match_whole_words_only() -> None:
    assert match_option(SERVICE, "unquoted") == "other"


def test_without_a_catch_all_unmatched_words_select_nothing() -> None:
    document = plumber()
    del document["objectives"][1]["options"]["other"]
    node = compile_document(document).graph.node("service")
    assert match_option(node, "my tap is dripping") is None
