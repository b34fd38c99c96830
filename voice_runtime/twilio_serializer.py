"""Twilio Media Streams, exactly: parse what Twilio sends, build what we send back.

In: connected, start, media (base64 mu-law 8 kHz), dtmf, mark, stop. Out: media, mark, clear.
Twilio's side of the protocol (for the simulated caller) is `voice_runtime/testing/twilio_caller.py`.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any


class ProtocolError(ValueError):
    """A message that is not valid Twilio Media Streams."""


@dataclass(frozen=True)
class Connected:
    """First message of a stream."""

    protocol: str


@dataclass(frozen=True)
class Start:
    """Stream metadata: ids, tracks, format and our <Parameter> values."""

    stream_sid: str
    call_sid: str
    account_sid: str
    custom_parameters: dict[str, str] = field(default_factory=dict)
    encoding: str = "audio/x-mulaw"
    sample_rate: int = 8000


@dataclass(frozen=True)
class Media:
    """One chunk of caller audio."""

    payload: bytes
    chunk: int
    timestamp_ms: int


@dataclass(frozen=True)
class Dtmf:
    """A key press."""

    digit: str


@dataclass(frozen=True)
class Mark:
    """A mark we sent has been played (or cleared)."""

    name: str


@dataclass(frozen=True)
class Stop:
    """The stream ended."""

    call_sid: str


TwilioMessage = Connected | Start | Media | Dtmf | Mark | Stop


def parse(text: str | bytes) -> TwilioMessage:
    """Parse one message from Twilio; raises ProtocolError on anything malformed."""
    try:
        data = json.loads(text)
        event = data["event"]
        if event == "media":
            media = data["media"]
            return Media(base64.b64decode(media["payload"], validate=True), int(media.get("chunk", 0)),
                         int(media.get("timestamp", 0)))
        if event == "dtmf":
            return Dtmf(str(data["dtmf"]["digit"]))
        if event == "mark":
            return Mark(str(data["mark"]["name"]))
        if event == "start":
            return _start(data)
        if event == "connected":
            return Connected(str(data.get("protocol", "")))
        if event == "stop":
            return Stop(str(data.get("stop", {}).get("callSid", "")))
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise ProtocolError(f"malformed Twilio message: {exc!r}") from exc
    raise ProtocolError(f"unknown Twilio event {event!r}")


def _start(data: dict[str, Any]) -> Start:
    start = data["start"]
    fmt = start.get("mediaFormat", {})
    params = {str(k): str(v) for k, v in (start.get("customParameters") or {}).items()}
    return Start(stream_sid=str(start.get("streamSid") or data["streamSid"]), call_sid=str(start["callSid"]),
                 account_sid=str(start.get("accountSid", "")), custom_parameters=params,
                 encoding=str(fmt.get("encoding", "audio/x-mulaw")), sample_rate=int(fmt.get("sampleRate", 8000)))


# --- what the voice worker sends ---------------------------------------------------------------


def media(stream_sid: str, mulaw: bytes) -> str:
    """Agent audio for Twilio to play."""
    payload = base64.b64encode(mulaw).decode("ascii")
    return json.dumps({"event": "media", "streamSid": stream_sid, "media": {"payload": payload}})


def mark(stream_sid: str, name: str) -> str:
    """Ask Twilio to tell us when the audio sent so far has been played."""
    return json.dumps({"event": "mark", "streamSid": stream_sid, "mark": {"name": name}})


def clear(stream_sid: str) -> str:
    """Drop every buffered audio frame (barge-in)."""
    return json.dumps({"event": "clear", "streamSid": stream_sid})
