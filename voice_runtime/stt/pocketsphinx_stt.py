"""Local streaming STT on pocketsphinx (the en-US model ships in the wheel; nothing is downloaded).

Recognition runs in worker *processes* (`sphinx_worker`): pocketsphinx holds the GIL inside its
C calls (a partial hypothesis on a long utterance takes ~0.25 s), so threads would stall the event
loop. Sessions are spread over the workers (least loaded first, spawned on demand up to `workers`).
Each session has its own decoder (pooled in the worker) and pocketsphinx `Endpointer`: partials
while in speech, a final when the endpointer hears the end (or on `finalize`). Hints switch the
decoder to a JSGF grammar over the hinted phrases, optionally led by carrier phrases.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Sequence
from typing import Any

from voice_runtime.engines.errors import SpeechEngineError
from voice_runtime.stt.base import Transcript
from voice_runtime.stt.sphinx_core import DEFAULT_CARRIER_PHRASES, SphinxConfig
from voice_runtime.stt.sphinx_worker import SphinxWorker

__all__ = ["DEFAULT_CARRIER_PHRASES", "PocketsphinxStream", "PocketsphinxStt"]


class PocketsphinxStt:
    """`SpeechToText` on pocketsphinx; one per process. Call `warm_up` before the first call."""

    name = "pocketsphinx"
    supports_hints = True  # a grammar per question

    def __init__(
        self,
        *,
        workers: int = 2,
        endpoint_window_s: float = 0.3,
        endpoint_ratio: float = 0.9,
        vad_mode: int = 0,
        partial_interval_ms: int = 200,
        word_insertion_penalty: float = 0.01,
        preroll_ms: int = 150,
        carrier_phrases: Sequence[str] = DEFAULT_CARRIER_PHRASES,
        open_timeout_s: float = 30.0,
    ) -> None:
        self.config = SphinxConfig(
            endpoint_window_s=endpoint_window_s,
            endpoint_ratio=endpoint_ratio,
            vad_mode=vad_mode,
            partial_interval_ms=partial_interval_ms,
            word_insertion_penalty=word_insertion_penalty,
            preroll_ms=preroll_ms,
            carrier_phrases=tuple(carrier_phrases),
        )
        _check_endpointer(self.config)
        self.max_workers = workers
        self.open_timeout_s = open_timeout_s
        self._workers: list[SphinxWorker] = []
        self._ids = itertools.count(1)

    async def open(self, *, hints: Sequence[str] | None = None) -> PocketsphinxStream:
        """Start a session on the least-loaded worker; `hints` constrain it to a grammar."""
        stream = PocketsphinxStream(self._pick(), next(self._ids))
        await stream.start(list(hints or []), self.open_timeout_s)
        return stream

    async def warm_up(self, decoders_per_worker: int = 1) -> None:
        """Start every worker process and load decoders before the first calls (~1-2 s per worker)."""
        while len(self._live()) < self.max_workers:
            self._spawn()
        replies = []
        for worker in self._live():
            sid = next(self._ids)
            done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            worker.handlers[sid] = _resolver(done)
            worker.post("warm", sid, decoders_per_worker)
            replies.append((worker, sid, done))
        for worker, sid, done in replies:
            await asyncio.wait_for(done, self.open_timeout_s)
            worker.handlers.pop(sid, None)

    def close(self) -> None:
        """Stop the worker processes."""
        for worker in self._workers:
            worker.stop()
        self._workers.clear()

    def _live(self) -> list[SphinxWorker]:
        loop = asyncio.get_running_loop()
        stale = [w for w in self._workers if not w.alive or w.loop is not loop]
        for worker in stale:
            worker.stop()
            self._workers.remove(worker)
        return self._workers

    def _spawn(self) -> SphinxWorker:
        worker = SphinxWorker(self.config)
        self._workers.append(worker)
        return worker

    def _pick(self) -> SphinxWorker:
        live = self._live()
        idle = [w for w in live if w.load == 0]
        if not idle and len(live) < self.max_workers:
            return self._spawn()
        return min(live, key=lambda w: w.load) if live else self._spawn()


def _check_endpointer(config: SphinxConfig) -> None:
    """Fail at construction (a settings error), not on the first call inside a worker."""
    from pocketsphinx import Endpointer

    try:
        Endpointer(window=config.endpoint_window_s, ratio=config.endpoint_ratio, vad_mode=config.vad_mode)
    except ValueError as exc:
        raise ValueError(
            f"invalid pocketsphinx endpointer settings (window {config.endpoint_window_s} s, "
            f"ratio {config.endpoint_ratio}): {exc}"
        ) from exc


def _resolver(future: asyncio.Future[None]) -> Any:
    def resolve(kind: str, payload: Any) -> None:
        if future.done():
            return
        if kind in ("error", "died"):
            future.set_exception(SpeechEngineError("pocketsphinx", str(payload)))
        else:
            future.set_result(None)

    return resolve


class PocketsphinxStream:
    """One session; `send` posts audio to the worker and returns at once."""

    def __init__(self, worker: SphinxWorker, sid: int) -> None:
        self._worker = worker
        self._sid = sid
        loop = asyncio.get_running_loop()
        self._results: asyncio.Queue[Transcript | BaseException | None] = asyncio.Queue()
        self._opened: asyncio.Future[None] = loop.create_future()
        self._closed_ack: asyncio.Future[None] = loop.create_future()
        self._flushes: dict[int, asyncio.Future[None]] = {}
        self._tokens = itertools.count()
        self._closed = False
        worker.handlers[sid] = self._on_message

    async def start(self, hints: list[str], timeout_s: float) -> None:
        self._worker.post("open", self._sid, hints)
        try:
            await asyncio.wait_for(asyncio.shield(self._opened), timeout_s)
        except BaseException:
            self._worker.handlers.pop(self._sid, None)
            raise

    async def send(self, pcm16: bytes) -> None:
        """Queue 16 kHz PCM16 for recognition."""
        if not self._closed and pcm16:
            self._worker.post("audio", self._sid, pcm16)

    def results(self) -> AsyncIterator[Transcript]:
        """Partials and finals until `close`; raises `SpeechEngineError` if the worker failed."""
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Transcript]:
        while (item := await self._results.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item

    async def finalize(self) -> None:
        """Close the utterance in progress; its final is queued before this returns."""
        if self._closed or not self._worker.alive:
            return
        token = next(self._tokens)
        done = self._flushes[token] = asyncio.get_running_loop().create_future()
        self._worker.post("finalize", self._sid, token)
        await asyncio.shield(done)

    async def close(self) -> None:
        """End the session (the worker keeps the decoder for the next one)."""
        if self._closed:
            return
        self._closed = True
        if self._worker.alive:
            self._worker.post("close", self._sid)
            await asyncio.shield(self._closed_ack)
        self._worker.handlers.pop(self._sid, None)
        self._results.put_nowait(None)

    def _on_message(self, kind: str, payload: Any) -> None:
        if kind == "results":
            for transcript in payload:
                self._results.put_nowait(transcript)
        elif kind == "opened":
            self._opened.set_result(None)
        elif kind == "done":
            future = self._flushes.pop(payload, None)
            if future is not None and not future.done():
                future.set_result(None)
        elif kind == "closed":
            self._closed_ack.set_result(None)
        else:  # "error" or "died"
            self._fail(SpeechEngineError("pocketsphinx", str(payload)))

    def _fail(self, error: SpeechEngineError) -> None:
        for future in [self._opened, self._closed_ack, *self._flushes.values()]:
            if not future.done():
                future.set_exception(error) if future is self._opened else future.set_result(None)
        self._flushes.clear()
        self._results.put_nowait(error)
        if not self._closed:
            self._closed = True
            self._results.put_nowait(None)
