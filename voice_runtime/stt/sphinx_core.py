"""pocketsphinx recognition, synchronous: runs inside the STT worker processes (see `sphinx_worker`).

pocketsphinx holds the GIL in its C calls (a partial `hyp()` on a long utterance takes ~0.25 s),
so it must not share a process with the event loop. This module has no asyncio in it.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from voice_runtime.stt.base import STT_SAMPLE_RATE, Transcript
from voice_runtime.stt.grammar import plan_grammar

_DEFAULT_SEARCH = "_default"
# Added (leading only) to every grammar so "no, it's ..." is not forced into digits ("no" -> "oh").
DEFAULT_CARRIER_PHRASES = (
    "yes", "yeah", "no", "it's", "it is", "my number is", "that's right", "correct", "the", "sorry", "actually",
)  # fmt: skip


@dataclass(frozen=True)
class SphinxConfig:
    """Recogniser tuning (deployment settings)."""

    endpoint_window_s: float = 0.3
    endpoint_ratio: float = 0.9
    vad_mode: int = 0
    partial_interval_ms: int = 200
    # Below pocketsphinx's 0.65: on phone audio the decoder otherwise inserts stray short digits.
    word_insertion_penalty: float = 0.01
    preroll_ms: int = 150
    carrier_phrases: tuple[str, ...] = DEFAULT_CARRIER_PHRASES
    max_idle_decoders: int = 8
    # Initial cepstral mean for live CMN. pocketsphinx's default (40,3,-1) is a wideband mean; a phone
    # line (8 kHz mu-law, nothing above 4 kHz) sits far from it, and the first seconds of every fresh
    # decoder were garbage ("my name is jane" -> "when hm"). Measured on piper speech via mu-law.
    cmn_init: str = "49.1,28.8,-36.7,40.3,-18.8,-0.3,1.5,-13.8,3.6,-2.9,5.1,-2.6,-2.8"
    dither: bool = True


@dataclass
class DecoderPool:
    """Loaded decoders (~0.6 s each to load), kept per kind, with the grammar searches compiled into each.

    Grammar decoders skip the lattice best-path pass: on a JSGF search it costs ~0.4 s per final and
    does not help accuracy (measured); the open language model keeps it.
    """

    config: SphinxConfig
    idle: dict[bool, list[tuple[Any, set[str]]]] = field(default_factory=lambda: {True: [], False: []})

    def acquire(self, hints: list[str]) -> tuple[Any, set[str], bool]:
        from pocketsphinx import Decoder

        words = _dictionary()
        plan = plan_grammar(hints, self.config.carrier_phrases, words.__contains__)
        grammar = plan is not None
        if self.idle[grammar]:
            decoder, searches = self.idle[grammar].pop()
        else:
            decoder = Decoder(
                samprate=STT_SAMPLE_RATE,
                wip=self.config.word_insertion_penalty,
                bestpath=not grammar,
                cmninit=self.config.cmn_init,
                dither=self.config.dither,
                loglevel="FATAL",
            )
            searches = {_DEFAULT_SEARCH}
        name = plan.key if plan is not None else _DEFAULT_SEARCH
        if plan is not None and name not in searches:
            decoder.add_jsgf_string(name, plan.jsgf())
            searches.add(name)
        decoder.activate_search(name)
        return decoder, searches, grammar

    def release(self, entry: tuple[Any, set[str], bool]) -> None:
        decoder, searches, grammar = entry
        if len(self.idle[grammar]) < self.config.max_idle_decoders:
            self.idle[grammar].append((decoder, searches))


_WORDS: set[str] = set()


def _dictionary() -> set[str]:
    """The words of the bundled en-US pronunciation dictionary (read once per worker process)."""
    if not _WORDS:
        from pocketsphinx import get_model_path

        with open(get_model_path("en-us/cmudict-en-us.dict"), encoding="utf-8") as lines:
            _WORDS.update(line.split(" ", 1)[0] for line in lines if line.strip())
    return _WORDS


class SphinxSession:
    """One caller's recognition: endpointer-gated decoding, partials while in speech, a final per utterance."""

    def __init__(self, pool: DecoderPool, hints: list[str]) -> None:
        self.pool = pool
        self.config = pool.config
        self.entry = pool.acquire(hints)
        self.decoder = self.entry[0]
        self.endpointer = self._new_endpointer()
        self.frame_bytes: int = self.endpointer.frame_bytes
        self.pending = b""  # audio shorter than one endpointer frame
        self.offset_s = 0.0  # stream time at which the current endpointer started
        self.consumed_s = 0.0
        self.in_utt = False
        self.history: deque[tuple[float, bytes]] = deque(maxlen=20)  # (stream time, raw frame) for pre-roll
        self.utt_start_s = 0.0
        self.last_partial = ""
        self.until_partial_s = self.config.partial_interval_ms / 1000

    def _new_endpointer(self) -> Any:
        from pocketsphinx import Endpointer

        return Endpointer(
            window=self.config.endpoint_window_s,
            ratio=self.config.endpoint_ratio,
            vad_mode=self.config.vad_mode,
            sample_rate=STT_SAMPLE_RATE,
        )

    def feed(self, audio: bytes) -> list[Transcript]:
        """Run whole endpointer frames through the VAD and, in speech, the decoder."""
        out: list[Transcript] = []
        data = self.pending + audio
        usable = len(data) - len(data) % self.frame_bytes
        self.pending = data[usable:]
        for start in range(0, usable, self.frame_bytes):
            frame = data[start : start + self.frame_bytes]
            was_in_speech = self.endpointer.in_speech
            speech = self.endpointer.process(frame)
            self.history.append((self.consumed_s, frame))
            self.consumed_s += self.frame_bytes / 2 / STT_SAMPLE_RATE
            if speech is None:
                continue
            if not was_in_speech and not self.in_utt:
                self._start_utterance()
            self.decoder.process_raw(speech)
            self.until_partial_s -= len(speech) / 2 / STT_SAMPLE_RATE
            if not self.endpointer.in_speech:
                out.extend(self._end_utterance(self.offset_s + self.endpointer.speech_end))
            elif self.until_partial_s <= 0:
                out.extend(self._partial())
        return out

    def _start_utterance(self) -> None:
        """Open an utterance, feeding the pre-roll: audio just before the endpointer's speech start.

        A soft onset ("zero" starts with a fricative the VAD scores as silence) would otherwise be
        clipped and misheard as "two".
        """
        self.decoder.start_utt()
        self.in_utt, self.last_partial = True, ""
        speech_start = self.offset_s + self.endpointer.speech_start
        earliest = max(self.offset_s, speech_start - self.config.preroll_ms / 1000) - 1e-6  # not before a flush
        frames = [f for t, f in self.history if earliest <= t < speech_start - 1e-6]
        if frames:
            self.decoder.process_raw(b"".join(frames))
        self.utt_start_s = speech_start - len(frames) * self.frame_bytes / 2 / STT_SAMPLE_RATE

    def _partial(self) -> list[Transcript]:
        started = time.perf_counter()
        hyp = self.decoder.hyp()
        # A partial costs more as the utterance grows: keep it under ~1/4 of the audio it covers.
        self.until_partial_s = max(self.config.partial_interval_ms / 1000, 4 * (time.perf_counter() - started))
        text = hyp.hypstr.strip() if hyp is not None else ""
        if not text or text == self.last_partial:
            return []
        self.last_partial = text
        return [Transcript(text, False, None, int(self.utt_start_s * 1000), int(self.consumed_s * 1000))]

    def _end_utterance(self, end_s: float) -> list[Transcript]:
        self.decoder.end_utt()
        self.in_utt = False
        hyp = self.decoder.hyp()
        text = hyp.hypstr.strip() if hyp is not None else ""
        # pocketsphinx computes no posterior without a lattice pass: no confidence rather than a fake one.
        return [Transcript(text, True, None, int(self.utt_start_s * 1000), int(end_s * 1000))]

    def flush(self) -> list[Transcript]:
        """Whatever has been heard becomes a final; the endpointer starts afresh."""
        out: list[Transcript] = []
        if self.in_utt:
            if self.endpointer.in_speech:
                # end_stream releases the speech the endpointer still holds; it rejects an empty buffer.
                tail = self.endpointer.end_stream(self.pending[: self.frame_bytes] or b"\0\0")
                if tail:
                    self.decoder.process_raw(tail)
            out = self._end_utterance(self.consumed_s)
        self.pending = b""
        self.endpointer = self._new_endpointer()
        self.offset_s = self.consumed_s
        return out

    def close(self) -> None:
        """End any utterance and give the decoder back to the pool."""
        if self.in_utt:
            self.decoder.end_utt()
            self.in_utt = False
        self.pool.release(self.entry)
