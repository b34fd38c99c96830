"""A pocketsphinx worker process and its parent-side handle.

The child owns decoders and sessions and answers messages in order over one pipe:
`("open", sid, hints)`, `("audio", sid, pcm)`, `("finalize", sid, token)`, `("close", sid, None)`,
`("warm", 0, count)`; replies are `(kind, sid, payload)`. In the parent, a writer thread and a
reader thread move messages so the event loop never blocks on the pipe; replies are handed to the
loop with `call_soon_threadsafe`.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import queue
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from voice_runtime.stt.sphinx_core import DecoderPool, SphinxConfig, SphinxSession

log = logging.getLogger(__name__)
Handler = Callable[[str, Any], None]


def worker_main(conn: Connection, config: SphinxConfig) -> None:
    """Child process entry point: serve messages until the pipe closes or `None` arrives."""
    pool = DecoderPool(config)
    sessions: dict[int, SphinxSession] = {}
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        kind, sid, payload = message
        try:
            reply = _serve(pool, sessions, kind, sid, payload)
        except Exception as exc:  # a bad session must not take the other calls down
            reply = [("error", sid, f"{type(exc).__name__}: {exc}")]
        for item in reply:
            conn.send(item)


def _serve(pool: DecoderPool, sessions: dict[int, SphinxSession], kind: str, sid: int, payload: Any) -> list[Any]:
    if kind == "audio":
        session = sessions.get(sid)
        results = session.feed(payload) if session is not None else []
        return [("results", sid, results)] if results else []
    if kind == "open":
        sessions[sid] = SphinxSession(pool, list(payload))
        return [("opened", sid, None)]
    if kind == "finalize":
        session = sessions.get(sid)
        results = session.flush() if session is not None else []
        return [("results", sid, results), ("done", sid, payload)] if results else [("done", sid, payload)]
    if kind == "close":
        session = sessions.pop(sid, None)
        if session is not None:
            session.close()
        return [("closed", sid, None)]
    if kind == "warm":
        # Both kinds: open language model and grammar decoders (see DecoderPool).
        entries = [pool.acquire(hints) for _ in range(int(payload)) for hints in ([], ["yes", "no"])]
        for entry in entries:
            pool.release(entry)
        return [("warmed", sid, None)]
    raise ValueError(f"unknown message {kind!r}")


class SphinxWorker:
    """Parent-side handle of one worker process; create it inside the running event loop."""

    def __init__(self, config: SphinxConfig) -> None:
        context = multiprocessing.get_context("spawn")  # never fork a process that runs threads
        self._conn, child = context.Pipe()
        self.process = context.Process(target=worker_main, args=(child, config), daemon=True, name="pocketsphinx")
        self.process.start()
        child.close()
        self.loop = asyncio.get_running_loop()
        self.handlers: dict[int, Handler] = {}
        self._outbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.alive = True
        threading.Thread(target=self._write, name="sphinx-writer", daemon=True).start()
        threading.Thread(target=self._read, name="sphinx-reader", daemon=True).start()

    @property
    def load(self) -> int:
        return len(self.handlers)

    def post(self, kind: str, sid: int, payload: Any = None) -> None:
        """Queue a message for the child; never blocks."""
        self._outbox.put((kind, sid, payload))

    def stop(self) -> None:
        """Ask the child to exit; it is a daemon, so it also dies with the parent."""
        self._outbox.put(None)

    def _write(self) -> None:
        while (message := self._outbox.get()) is not None:
            try:
                self._conn.send(message)
            except (OSError, ValueError):
                return
        try:
            self._conn.send(None)
        except (OSError, ValueError):
            pass

    def _read(self) -> None:
        while True:
            try:
                kind, sid, payload = self._conn.recv()
            except (EOFError, OSError):
                break
            self._call(self._dispatch, kind, sid, payload)
        self._call(self._died)

    def _call(self, fn: Callable[..., None], *args: Any) -> None:
        try:
            self.loop.call_soon_threadsafe(fn, *args)
        except RuntimeError:  # the loop is closed: nobody is listening any more
            pass

    def _dispatch(self, kind: str, sid: int, payload: Any) -> None:
        handler = self.handlers.get(sid)
        if handler is not None:
            handler(kind, payload)

    def _died(self) -> None:
        self.alive = False
        if self.handlers:
            log.error("pocketsphinx worker %s exited with %s", self.process.pid, self.process.exitcode)
        for handler in list(self.handlers.values()):
            handler("died", f"worker process exited ({self.process.exitcode})")
        self.handlers.clear()
