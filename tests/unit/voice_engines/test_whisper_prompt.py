"""Whisper's prompt from the capture's hints: number words for a phone number, the providers for an e-mail."""

from __future__ import annotations

import pytest

from domain.voice.hints import stt_hints
from voice_runtime.stt.whisper_prompt import prompt_for


def test_a_phone_capture_prompts_the_number_words() -> None:
    expected = "zero, oh, one, two, three, four, five, six, seven, eight, nine, double, triple"
    assert prompt_for(stt_hints("phone")) == expected


def test_an_email_capture_prompts_the_common_providers_and_the_com_au_form() -> None:
    prompt = prompt_for(stt_hints("email"))
    assert prompt.startswith("gmail.com, outlook.com, hotmail.com, bigpond.com")
    assert "optusnet.com.au" in prompt and prompt.endswith(".com.au")
    assert " a," not in prompt  # the spelling alphabet is for grammar engines


@pytest.mark.parametrize("kind", ["name", "address", "date_time", "confirm"])
def test_other_captures_decode_without_a_prompt(kind: str) -> None:
    assert prompt_for(stt_hints(kind)) == ""


def test_choice_phrases_are_not_a_prompt() -> None:
    assert prompt_for(["a leak", "a blocked drain", "yes", "no"]) == ""
