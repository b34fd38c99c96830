"""Twilio Media Streams, exactly: parse what Twilio sends, build what we send back.

In: connected, start, media (base64 mu-law 8 kHz), dtmf, mark, stop. Out: media, mark, clear.
The simulated caller uses the `caller_*` builders to speak the protocol from Twilio's side.
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


@dataclass(frozen=True)
class Outbound:
    """A message the worker sent, as the simulated caller parses it."""

    event: str
    payload: bytes = b""
    name: str = ""


def parse_outbound(text: str | bytes) -> Outbound:
    """Parse a message the voice worker sent (for the simulated caller)."""
    data = json.loads(text)
    event = str(data["event"])
    if event == "media":
        return Outbound(event, payload=base64.b64decode(data["media"]["payload"]))
    if event == "mark":
        return Outbound(event, name=str(data["mark"]["name"]))
    return Outbound(event)


# --- what Twilio sends (the simulated caller) ---------------------------------------------------


def caller_connected() -> str:
    """Twilio's first message."""
    return json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"})


def caller_start(stream_sid: str, call_sid: str, params: dict[str, str], seq: int = 1) -> str:
    """Twilio's `start` message."""
    return json.dumps({
        "event": "start", "sequenceNumber": str(seq), "streamSid": stream_sid,
        "start": {"accountSid": "AC" + "0" * 32, "streamSid": stream_sid, "callSid": call_sid,
                  "tracks": ["inbound"], "customParameters": params,
                  "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1}},
    })


def caller_media(stream_sid: str, mulaw: bytes, chunk: int, timestamp_ms: int, seq: int) -> str:
    """One 20 ms chunk of the caller's audio."""
    return json.dumps({"event": "media", "sequenceNumber": str(seq), "streamSid": stream_sid,
                       "media": {"track": "inbound", "chunk": str(chunk), "timestamp": str(timestamp_ms),
                                 "payload": base64.b64encode(mulaw).decode("ascii")}})


def caller_dtmf(stream_sid: str, digit: str, seq: int) -> str:
    """A key press."""
    return json.dumps({"event": "dtmf", "streamSid": stream_sid, "sequenceNumber": str(seq),
                       "dtmf": {"track": "inbound_track", "digit": digit}})


def caller_mark(stream_sid: str, name: str, seq: int) -> str:
    """Twilio's echo of a mark once the audio before it has played."""
    return json.dumps({"event": "mark", "sequenceNumber": str(seq), "streamSid": stream_sid, "mark": {"name": name}})


def caller_stop(stream_sid: str, call_sid: str, seq: int) -> str:
    """The caller hung up."""
    return json.dumps({"event": "stop", "sequenceNumber": str(seq), "streamSid": stream_sid,
                       "stop": {"accountSid": "AC" + "0" * 32, "callSid": call_sid}})
