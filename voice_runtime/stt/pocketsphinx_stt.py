"""Local streaming STT on pocketsphinx (the en-US model ships in the wheel; nothing is downloaded).

Each session owns a pocketsphinx `Decoder` (borrowed from a pool: loading one costs ~0.3 s) and an
`Endpointer` (pocketsphinx's WebRTC-style VAD). Audio is queued by `send` and recognised on a
dedicated thread pool, one batch at a time per session, so the event loop never blocks. While the
endpointer is in speech the session emits partials; when it leaves speech (or on `finalize`) the
utterance is closed and its hypothesis becomes a final. Hints switch the decoder to a JSGF grammar
over the hinted phrases.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from voice_runtime.stt.base import STT_SAMPLE_RATE, Transcript
from voice_runtime.stt.grammar import grammar_key, hint_phrases, jsgf_for

_DEFAULT_SEARCH = "_default"
# Added to every hinted grammar so a caller's "no, it's ..." is not forced into digits ("no" -> "oh").
DEFAULT_CARRIER_PHRASES = ("yes", "yeah", "no", "it's", "it is", "my number is", "that's right", "correct")


class PocketsphinxStt:
    """`SpeechToText` on pocketsphinx; one per process, sessions are cheap after the pool warms."""

    name = "pocketsphinx"

    def __init__(
        self,
        *,
        workers: int = 2,
        endpoint_window_s: float = 0.3,
        endpoint_ratio: float = 0.9,
        vad_mode: int = 0,
        partial_interval_ms: int = 200,
        max_idle_decoders: int = 8,
        carrier_phrases: Sequence[str] = DEFAULT_CARRIER_PHRASES,
        word_insertion_penalty: float = 0.01,
        preroll_ms: int = 150,
    ) -> None:
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pocketsphinx")
        self.endpoint_window_s = endpoint_window_s
        self.endpoint_ratio = endpoint_ratio
        self.vad_mode = vad_mode
        self.partial_interval_ms = partial_interval_ms
        self._max_idle = max_idle_decoders
        self.carrier_phrases = list(carrier_phrases)
        # Below pocketsphinx's 0.65: on phone audio the decoder otherwise inserts stray short digits.
        self.word_insertion_penalty = word_insertion_penalty
        self.preroll_ms = preroll_ms
        self._idle: list[_PooledDecoder] = []
        self._lock = threading.Lock()

    async def open(self, *, hints: Sequence[str] | None = None) -> PocketsphinxStream:
        """Start a session; `hints` (if any are in the dictionary) constrain it to a grammar."""
        loop = asyncio.get_running_loop()
        decoder = await loop.run_in_executor(self._executor, self._acquire, list(hints or []))
        return PocketsphinxStream(self, decoder)

    async def warm_up(self, count: int = 1) -> None:
        """Load `count` decoders ahead of the first calls."""
        loop = asyncio.get_running_loop()
        decoders = [await loop.run_in_executor(self._executor, self._acquire, []) for _ in range(count)]
        for decoder in decoders:
            self.release(decoder)

    def close(self) -> None:
        """Stop the recognition threads."""
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _acquire(self, hints: list[str]) -> _PooledDecoder:
        with self._lock:
            pooled = self._idle.pop() if self._idle else None
        pooled = pooled or _PooledDecoder(self.word_insertion_penalty)
        pooled.activate(hints, self.carrier_phrases)
        return pooled

    def release(self, pooled: _PooledDecoder) -> None:
        """Return a decoder to the pool (called by a closing session)."""
        with self._lock:
            if len(self._idle) < self._max_idle:
                self._idle.append(pooled)

    def new_endpointer(self) -> Any:
        """A fresh endpointer with this engine's settings."""
        from pocketsphinx import Endpointer

        return Endpointer(
            window=self.endpoint_window_s,
            ratio=self.endpoint_ratio,
            vad_mode=self.vad_mode,
            sample_rate=STT_SAMPLE_RATE,
        )

    async def run(self, fn: Any, *args: Any) -> Any:
        """Run blocking recognition work on the engine's threads."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)


class _PooledDecoder:
    """A decoder plus the grammar searches already compiled into it."""

    def __init__(self, word_insertion_penalty: float) -> None:
        from pocketsphinx import Decoder

        self.decoder = Decoder(samprate=STT_SAMPLE_RATE, wip=word_insertion_penalty, loglevel="FATAL")
        self.searches = {_DEFAULT_SEARCH}

    def activate(self, hints: list[str], carriers: list[str]) -> None:
        def known(word: str) -> bool:
            return self.decoder.lookup_word(word) is not None

        phrases = hint_phrases(hints, known)
        leads = hint_phrases(carriers, known) if phrases else []
        name = grammar_key(phrases, leads) if phrases else _DEFAULT_SEARCH
        if name not in self.searches:
            self.decoder.add_jsgf_string(name, jsgf_for(phrases, leads))
            self.searches.add(name)
        self.decoder.activate_search(name)


class PocketsphinxStream:
    """One session: `send` queues audio; a worker task feeds it to the decoder off the event loop."""

    def __init__(self, engine: PocketsphinxStt, pooled: _PooledDecoder) -> None:
        self._engine = engine
        self._pooled = pooled
        self._decoder = pooled.decoder
        self._endpointer = engine.new_endpointer()
        self._frame_bytes: int = self._endpointer.frame_bytes
        self._results: asyncio.Queue[Transcript | None] = asyncio.Queue()
        self._commands: deque[bytes | asyncio.Future[None] | None] = deque()
        self._wake = asyncio.Event()
        self._pending = b""  # audio shorter than one endpointer frame
        self._offset_s = 0.0  # stream time at which the current endpointer started
        self._consumed_s = 0.0
        self._in_utt = False
        self._history: deque[tuple[float, bytes]] = deque(maxlen=20)  # (stream time, raw frame)
        self._utt_start_s = 0.0
        self._last_partial = ""
        self._since_partial_s = 0.0
        self._closed = False
        self._worker = asyncio.create_task(self._work())

    async def send(self, pcm16: bytes) -> None:
        """Queue 16 kHz PCM16; returns at once."""
        if not self._closed:
            self._push(pcm16)

    async def results(self) -> AsyncIterator[Transcript]:
        """Partials and finals until `close`."""
        while (item := await self._results.get()) is not None:
            yield item

    async def finalize(self) -> None:
        """Close the utterance in progress; its final is queued before this returns."""
        if self._closed:
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._push(done)
        await asyncio.shield(done)

    async def close(self) -> None:
        """End the session and return the decoder to the pool."""
        if self._closed:
            return
        self._closed = True
        self._push(None)
        await asyncio.shield(self._worker)

    def _push(self, command: bytes | asyncio.Future[None] | None) -> None:
        self._commands.append(command)
        self._wake.set()

    async def _next(self) -> bytes | asyncio.Future[None] | None:
        """The next command; consecutive audio chunks are coalesced into one batch."""
        while not self._commands:
            self._wake.clear()
            await self._wake.wait()
        command = self._commands.popleft()
        if isinstance(command, bytes):
            audio = bytearray(command)
            while self._commands and isinstance(self._commands[0], bytes):
                audio += self._commands.popleft()  # type: ignore[operator,arg-type]
            return bytes(audio)
        return command

    async def _work(self) -> None:
        try:
            while (command := await self._next()) is not None:
                if isinstance(command, bytes):
                    self._emit(await self._engine.run(self._feed, command))
                else:
                    self._emit(await self._engine.run(self._flush))
                    command.set_result(None)
        finally:
            await self._engine.run(self._reset)
            self._engine.release(self._pooled)
            self._results.put_nowait(None)

    def _emit(self, transcripts: list[Transcript]) -> None:
        for transcript in transcripts:
            self._results.put_nowait(transcript)

    def _feed(self, audio: bytes) -> list[Transcript]:
        """Blocking: run whole endpointer frames through VAD and, in speech, the decoder."""
        out: list[Transcript] = []
        data = self._pending + audio
        usable = len(data) - len(data) % self._frame_bytes
        self._pending = data[usable:]
        for start in range(0, usable, self._frame_bytes):
            frame = data[start : start + self._frame_bytes]
            was_in_speech = self._endpointer.in_speech
            speech = self._endpointer.process(frame)
            self._history.append((self._consumed_s, frame))
            self._consumed_s += self._frame_bytes / 2 / STT_SAMPLE_RATE
            if speech is None:
                continue
            if not was_in_speech and not self._in_utt:
                self._start_utterance()
            self._decoder.process_raw(speech)
            self._since_partial_s += len(speech) / 2 / STT_SAMPLE_RATE
            if not self._endpointer.in_speech:
                out.extend(self._end_utterance(self._offset_s + self._endpointer.speech_end))
            elif self._since_partial_s * 1000 >= self._engine.partial_interval_ms:
                out.extend(self._partial())
        return out

    def _start_utterance(self) -> None:
        """Open an utterance, feeding the pre-roll: audio just before the endpointer's speech start.

        A soft onset ("zero" starts with a fricative the VAD scores as silence) would otherwise be
        clipped and misheard.
        """
        self._decoder.start_utt()
        self._in_utt, self._last_partial = True, ""
        speech_start = self._offset_s + self._endpointer.speech_start
        preroll = self._engine.preroll_ms / 1000
        frames = [f for t, f in self._history if speech_start - preroll - 1e-6 <= t < speech_start - 1e-6]
        if frames:
            self._decoder.process_raw(b"".join(frames))
        self._utt_start_s = speech_start - len(frames) * self._frame_bytes / 2 / STT_SAMPLE_RATE

    def _partial(self) -> list[Transcript]:
        self._since_partial_s = 0.0
        hyp = self._decoder.hyp()
        text = hyp.hypstr.strip() if hyp is not None else ""
        if not text or text == self._last_partial:
            return []
        self._last_partial = text
        start = int(self._utt_start_s * 1000)
        return [Transcript(text, False, None, start, int(self._consumed_s * 1000))]

    def _end_utterance(self, end_s: float) -> list[Transcript]:
        self._decoder.end_utt()
        self._in_utt = False
        hyp = self._decoder.hyp()
        text = hyp.hypstr.strip() if hyp is not None else ""
        # pocketsphinx computes no posterior without a lattice pass: report no confidence rather than a fake one.
        return [Transcript(text, True, None, int(self._utt_start_s * 1000), int(end_s * 1000))]

    def _flush(self) -> list[Transcript]:
        """Blocking: whatever has been heard becomes a final; the endpointer starts afresh."""
        out: list[Transcript] = []
        if self._in_utt:
            if self._endpointer.in_speech:
                tail = self._endpointer.end_stream(self._pending[: self._frame_bytes])
                if tail:
                    self._decoder.process_raw(tail)
            out = self._end_utterance(self._consumed_s)
        self._pending = b""
        self._endpointer = self._engine.new_endpointer()
        self._offset_s = self._consumed_s
        return out

    def _reset(self) -> None:
        if self._in_utt:
            self._decoder.end_utt()
            self._in_utt = False
