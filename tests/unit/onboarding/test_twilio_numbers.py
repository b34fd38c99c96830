"""Pointing a number at the webhook through the real Twilio SDK, against a local server speaking Twilio's REST."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from pydantic import SecretStr

from activities.phone_numbers import LocalNumbers, TwilioNumbers, build_number_provider
from domain.errors import Conflict, InvalidInput
from infra.settings import Settings

SID = "AC" + "1" * 32
NUMBER, HOOK = "+61290000001", "https://voice.example.com/twilio/voice"
BASE = f"/2010-04-01/Accounts/{SID}/IncomingPhoneNumbers"


class FakeTwilio(BaseHTTPRequestHandler):
    numbers: dict[str, dict[str, Any]] = {}
    seen: list[tuple[str, str, dict[str, list[str]]]] = []

    def _send(self, payload: dict[str, Any], status: int = 200) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802
        url = urlparse(self.path)
        query = parse_qs(url.query)
        FakeTwilio.seen.append(("GET", url.path, query))
        wanted = query.get("PhoneNumber", [""])[0]
        found = [n for n in FakeTwilio.numbers.values() if n["phone_number"] == wanted]
        self._send({"incoming_phone_numbers": found, "next_page_uri": None, "page": 0, "page_size": 2,
                    "uri": url.path, "first_page_uri": url.path, "previous_page_uri": None})

    def do_POST(self) -> None:  # noqa: N802
        body = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        FakeTwilio.seen.append(("POST", self.path, body))
        sid = self.path.rsplit("/", 1)[1].removesuffix(".json")
        record = FakeTwilio.numbers[sid]
        record.update(voice_url=body["VoiceUrl"][0], voice_method=body["VoiceMethod"][0])
        self._send(record)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def twilio_url() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), FakeTwilio)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    FakeTwilio.seen.clear()
    FakeTwilio.numbers = {"PN1": {"sid": "PN1", "account_sid": SID, "phone_number": NUMBER,
                                  "voice_url": "https://old.example/x", "voice_method": "GET"}}
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


async def test_the_number_is_found_and_its_voice_url_set_once(twilio_url: str) -> None:
    twilio = TwilioNumbers(SID, "token", HOOK, base_url=twilio_url)
    pointed = await twilio.point(NUMBER)
    assert (pointed.provider, pointed.voice_url, pointed.sid) == ("twilio", HOOK, "PN1")
    (get, path, query), (post, update_path, body) = FakeTwilio.seen
    assert (get, path, query["PhoneNumber"]) == ("GET", f"{BASE}.json", [NUMBER])
    assert (post, update_path) == ("POST", f"{BASE}/PN1.json")
    assert body == {"VoiceUrl": [HOOK], "VoiceMethod": ["POST"]}
    await twilio.point(NUMBER)  # already pointed: looked up, not updated again
    assert [method for method, _, _ in FakeTwilio.seen] == ["GET", "POST", "GET"]


async def test_a_number_outside_the_account_is_refused(twilio_url: str) -> None:
    with pytest.raises(Conflict) as refused:
        await TwilioNumbers(SID, "token", HOOK, base_url=twilio_url).point("+61290000009")
    assert refused.value.code == "twilio_number_not_found"


async def test_twilio_keys_choose_twilio_and_need_the_public_url(twilio_url: str) -> None:
    assert isinstance(build_number_provider(Settings(twilio_account_sid=None)), LocalNumbers)
    keyed = Settings(twilio_account_sid=SID, twilio_auth_token=SecretStr("t"), twilio_api_base_url=twilio_url)
    with pytest.raises(InvalidInput) as missing:
        await build_number_provider(keyed).point(NUMBER)
    assert missing.value.code == "public_base_url_missing"
    public = keyed.model_copy(update={"public_base_url": "https://voice.example.com"})
    assert (await build_number_provider(public).point(NUMBER)).voice_url == HOOK
