"""build_engines picks the engines per deployment from settings alone."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr

from infra.settings import Settings
from voice_runtime.engines import build_engines, build_vad
from voice_runtime.stt.deepgram_stt import DeepgramStt
from voice_runtime.stt.pocketsphinx_stt import PocketsphinxStt
from voice_runtime.tts.elevenlabs_tts import ElevenLabsTts
from voice_runtime.tts.piper_tts import PiperTts


def _settings(**kwargs: Any) -> Settings:
    return Settings(_env_file=None, **kwargs)  # type: ignore[call-arg]


def test_local_engines_without_keys() -> None:
    stt, tts = build_engines(_settings(deepgram_api_key=None, elevenlabs_api_key=None))
    assert isinstance(stt, PocketsphinxStt) and isinstance(tts, PiperTts)
    assert (stt.name, tts.name) == ("pocketsphinx", "piper")


def test_cloud_engines_with_keys_and_configured_urls() -> None:
    settings = _settings(
        deepgram_api_key=SecretStr("dg"),
        elevenlabs_api_key=SecretStr("el"),
        deepgram_url="ws://127.0.0.1:1",
        elevenlabs_url="http://127.0.0.1:2",
        elevenlabs_voice_id="v",
    )
    stt, tts = build_engines(settings)
    assert isinstance(stt, DeepgramStt) and isinstance(tts, ElevenLabsTts)
    assert stt._client._client_wrapper.get_environment().production == "ws://127.0.0.1:1"
    assert tts._client._client_wrapper.get_base_url() == "http://127.0.0.1:2"
    assert tts.voice_id == "v"


def test_one_key_each_way() -> None:
    stt, tts = build_engines(_settings(deepgram_api_key=SecretStr("dg"), elevenlabs_api_key=None))
    assert isinstance(stt, DeepgramStt) and isinstance(tts, PiperTts)
    stt, tts = build_engines(_settings(deepgram_api_key=SecretStr(""), elevenlabs_api_key=SecretStr("el")))
    assert isinstance(stt, PocketsphinxStt) and isinstance(tts, ElevenLabsTts)


def test_vad_thresholds_come_from_settings() -> None:
    vad = build_vad(_settings(vad_min_rms=123.0, vad_hangover_ms=250, vad_start_ms=40))
    assert (vad.min_rms, vad.hangover_ms, vad.start_ms) == (123.0, 250, 40)


def test_invalid_endpointer_settings_fail_at_build_time() -> None:
    with pytest.raises(ValueError, match="invalid pocketsphinx endpointer settings"):
        build_engines(_settings(pocketsphinx_endpoint_window_seconds=0.05))
