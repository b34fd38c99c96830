"""Twilio Media Streams messages, both directions, exactly as Twilio documents them."""

from __future__ import annotations

import base64
import json

import pytest

from voice_runtime import twilio_serializer as tw
from voice_runtime.testing import twilio_caller as caller


def test_inbound_messages_round_trip() -> None:
    start = tw.parse(caller.caller_start("MZ1", "CA1", {"tenant_id": "t"}))
    assert start == tw.Start(stream_sid="MZ1", call_sid="CA1", account_sid="AC" + "0" * 32,
                             custom_parameters={"tenant_id": "t"})
    media = tw.parse(caller.caller_media("MZ1", b"\x00\xff", 3, 40, 4))
    assert media == tw.Media(b"\x00\xff", 3, 40)
    assert tw.parse(caller.caller_dtmf("MZ1", "7", 5)) == tw.Dtmf("7")
    assert tw.parse(caller.caller_mark("MZ1", "u1:5", 6)) == tw.Mark("u1:5")
    assert tw.parse(caller.caller_stop("MZ1", "CA1", 7)) == tw.Stop("CA1")
    assert tw.parse(caller.caller_connected()) == tw.Connected("Call")


def test_outbound_messages_have_twilios_shape() -> None:
    assert json.loads(tw.media("MZ1", b"\x01")) == {"event": "media", "streamSid": "MZ1",
                                                   "media": {"payload": base64.b64encode(b"\x01").decode()}}
    assert json.loads(tw.mark("MZ1", "m")) == {"event": "mark", "streamSid": "MZ1", "mark": {"name": "m"}}
    assert json.loads(tw.clear("MZ1")) == {"event": "clear", "streamSid": "MZ1"}


def test_the_simulated_caller_reads_what_the_worker_sends() -> None:
    assert caller.parse_outbound(tw.media("MZ1", b"\x01\x02")) == caller.Outbound("media", payload=b"\x01\x02")
    assert caller.parse_outbound(tw.mark("MZ1", "u1:5")) == caller.Outbound("mark", name="u1:5")
    assert caller.parse_outbound(tw.clear("MZ1")) == caller.Outbound("clear")


@pytest.mark.parametrize("raw", ["{", "[]", '{"event": "media"}', '{"event": "media", "media": {"payload": "%%"}}',
                                 '{"event": "nope"}', '{"event": "dtmf", "dtmf": 3}'])
def test_malformed_messages_raise_protocol_error(raw: str) -> None:
    with pytest.raises(tw.ProtocolError):
        tw.parse(raw)
