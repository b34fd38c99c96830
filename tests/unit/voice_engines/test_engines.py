"""build_engines picks the engines per deployment from settings alone."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr

from infra.settings import Settings
from voice_runtime.context import VoiceConfig
from voice_runtime.engines.factory import build_engines, build_vad
from voice_runtime.silero_vad import SileroVad
from voice_runtime.stt.deepgram_stt import DeepgramStt
from voice_runtime.stt.pocketsphinx_stt import PocketsphinxStt
from voice_runtime.stt.whisper_stt import WhisperStt
from voice_runtime.tts.elevenlabs_tts import ElevenLabsTts
from voice_runtime.tts.piper_tts import PiperTts
from voice_runtime.vad import Vad


def _settings(**kwargs: Any) -> Settings:
    return Settings(_env_file=None, **kwargs)  # type: ignore[call-arg]


def test_local_engines_without_keys_are_whisper_and_piper() -> None:
    stt, tts = build_engines(_settings(deepgram_api_key=None, elevenlabs_api_key=None))
    assert isinstance(stt, WhisperStt) and isinstance(tts, PiperTts)
    assert (stt.name, tts.name) == ("whisper", "piper")
    stt.close()


def test_whisper_tuning_comes_from_settings() -> None:
    stt = build_engines(_settings(whisper_beam_size=2, whisper_window_pad_seconds=30.0, whisper_decode_workers=3))[0]
    assert isinstance(stt, WhisperStt)
    assert (stt.options.beam_size, stt.options.window_pad_s, stt.key.workers) == (2, 30.0, 3)
    stt.close()


def test_pocketsphinx_when_chosen() -> None:
    stt, _ = build_engines(_settings(stt_engine="pocketsphinx"))
    assert isinstance(stt, PocketsphinxStt)


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
    stt, tts = build_engines(_settings(deepgram_api_key=SecretStr("dg"), elevenlabs_api_key=None, stt_engine="whisper"))
    assert isinstance(stt, DeepgramStt) and isinstance(tts, PiperTts)
    stt, tts = build_engines(_settings(deepgram_api_key=SecretStr(""), elevenlabs_api_key=SecretStr("el")))
    assert isinstance(stt, WhisperStt) and isinstance(tts, ElevenLabsTts)
    stt.close()


def test_the_call_vad_is_silero_at_8k_with_the_settings_thresholds() -> None:
    config = VoiceConfig.from_settings(_settings(vad_min_rms=123.0, vad_hangover_ms=250, vad_start_ms=40,
                                                 silero_vad_threshold=0.6))
    vad = build_vad(config)
    assert isinstance(vad, SileroVad)
    assert (vad.sample_rate, vad.threshold, vad.min_rms, vad.hangover_ms, vad.start_ms) == (8000, 0.6, 123.0, 250, 40)
    vad.close()


def test_energy_vad_when_chosen() -> None:
    vad = build_vad(VoiceConfig.from_settings(_settings(vad_engine="energy", vad_min_rms=123.0, vad_hangover_ms=250,
                                                        vad_start_ms=40)))
    assert isinstance(vad, Vad)
    assert (vad.min_rms, vad.hangover_ms, vad.start_ms) == (123.0, 250, 40)


def test_unknown_engine_names_are_refused() -> None:
    with pytest.raises(ValueError, match="stt_engine"):
        _settings(stt_engine="vosk")
    with pytest.raises(ValueError, match="vad_engine"):
        _settings(vad_engine="webrtc")


def test_invalid_endpointer_settings_fail_at_build_time() -> None:
    with pytest.raises(ValueError, match="invalid pocketsphinx endpointer settings"):
        build_engines(_settings(stt_engine="pocketsphinx", pocketsphinx_endpoint_window_seconds=0.05))
