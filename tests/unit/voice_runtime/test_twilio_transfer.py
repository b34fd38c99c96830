"""Cold and warm transfer through the Twilio REST API (the real SDK) against a local server speaking its shape."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs

import pytest

from voice_runtime.transfer import LocalTransfer, TwilioTransfer

SID = "AC" + "0" * 32


class FakeTwilio(BaseHTTPRequestHandler):
    status = 200
    seen: list[tuple[str, dict[str, list[str]]]] = []

    def do_POST(self) -> None:  # noqa: N802
        body = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        FakeTwilio.seen.append((self.path, body))
        payload: dict[str, object]
        if FakeTwilio.status == 200:
            payload = {"sid": "CA1", "account_sid": SID, "status": "in-progress"}
        else:
            payload = {"code": 21220, "message": "Call is not in-progress. Cannot redirect.", "status": 400}
        data = json.dumps(payload).encode()
        self.send_response(FakeTwilio.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def twilio_url() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), FakeTwilio)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeTwilio.seen.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


async def test_cold_transfer_updates_the_live_call_with_dial(twilio_url: str) -> None:
    FakeTwilio.status = 200
    result = await TwilioTransfer(SID, "token", base_url=twilio_url).cold_transfer("CA1", "+61298765000")
    assert result.ok
    ((path, body),) = FakeTwilio.seen
    assert path == f"/2010-04-01/Accounts/{SID}/Calls/CA1.json"
    assert body["Twiml"] == ['<?xml version="1.0" encoding="UTF-8"?><Response><Dial>+61298765000</Dial></Response>']


async def test_a_refused_transfer_is_a_failed_result_not_an_exception(twilio_url: str) -> None:
    FakeTwilio.status = 400
    result = await TwilioTransfer(SID, "token", base_url=twilio_url).cold_transfer("CA1", "+61298765000")
    assert not result.ok and result.error and "21220" in result.error


async def test_invalid_targets_are_refused_before_any_request(twilio_url: str) -> None:
    assert not (await TwilioTransfer(SID, "token", base_url=twilio_url).cold_transfer("CA1", "123")).ok
    assert not FakeTwilio.seen
    local = LocalTransfer(unreachable={"+61298765000"})
    assert not (await local.cold_transfer("CA1", "+61298765000")).ok
    assert (await local.cold_transfer("CA1", "+61298765001")).ok and len(local.requests) == 2


async def test_warm_transfer_briefs_the_target_in_a_conference_then_moves_the_caller(twilio_url: str) -> None:
    FakeTwilio.status = 200
    result = await TwilioTransfer(SID, "token", base_url=twilio_url).warm_transfer(
        "CA1", "+61298765000", whisper="A caller on +61412345678 asked for a person.", caller_id="+61290000000")
    assert result.ok
    (create_path, create), (update_path, update) = FakeTwilio.seen
    assert create_path == f"/2010-04-01/Accounts/{SID}/Calls.json"
    assert create["To"] == ["+61298765000"] and create["From"] == ["+61290000000"]
    assert "<Say language=\"en-AU\">A caller on +61412345678 asked for a person.</Say>" in create["Twiml"][0]
    assert ">revos-CA1</Conference>" in create["Twiml"][0]
    assert update_path == f"/2010-04-01/Accounts/{SID}/Calls/CA1.json"
    assert ">revos-CA1</Conference>" in update["Twiml"][0] and "<Say" not in update["Twiml"][0]


async def test_a_failed_warm_transfer_never_moves_the_caller(twilio_url: str) -> None:
    FakeTwilio.status = 400
    result = await TwilioTransfer(SID, "token", base_url=twilio_url).warm_transfer(
        "CA1", "+61298765000", whisper="hi", caller_id="+61290000000")
    assert not result.ok
    assert [path for path, _ in FakeTwilio.seen] == [f"/2010-04-01/Accounts/{SID}/Calls.json"]
