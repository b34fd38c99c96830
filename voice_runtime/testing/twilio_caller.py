"""Twilio's side of Media Streams, for the simulated caller: the messages Twilio sends, and ours parsed back."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass


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
