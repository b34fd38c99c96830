"""The API's input guard: each kind of bad input is answered with its 4xx and code before a handler runs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request

from api.input_guard import InputGuard

LIMIT = 512 * 1024


@pytest.fixture
async def client() -> AsyncIterator[tuple[httpx.AsyncClient, list[Any]]]:
    seen: list[Any] = []
    app = FastAPI()

    @app.post("/echo/{name}")
    async def echo(name: str, request: Request) -> dict[str, Any]:
        body = await request.body()
        seen.append((name, dict(request.query_params), body))
        return {"name": name, "bytes": len(body)}

    app.add_middleware(InputGuard, max_body_bytes=LIMIT)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        yield c, seen


async def _post(c: httpx.AsyncClient, content: bytes, path: str = "/echo/x",
                content_type: str = "application/json") -> httpx.Response:
    return await c.post(path, content=content, headers={"content-type": content_type})


async def test_good_body_reaches_the_handler_unchanged(client) -> None:
    c, seen = client
    body = '{"name": "Zoë 😀", "pair": "\\ud83d\\ude00", "n": 9223372036854775807}'.encode()
    r = await _post(c, body)
    assert r.status_code == 200 and r.json()["bytes"] == len(body)
    assert seen == [("x", {}, body)]


@pytest.mark.parametrize(("body", "code", "path"), [
    (b'{"raw_payload": {"note": "a\\u0000b"}}', "nul_character", "body.raw_payload.note"),
    (b'{"raw_payload": {"note": "\\ud800"}}', "unpaired_surrogate", "body.raw_payload.note"),
    (b'{"a": ["\\udfff x"]}', "unpaired_surrogate", "body.a[0]"),
    (b'{"k\\u0000": 1}', "nul_character", "body"),
    (b'{"n": 99999999999999999999}', "number_out_of_range", "body"),
    (b'{"n": NaN}', "number_out_of_range", "body"),
    (b'{"n": -Infinity}', "number_out_of_range", "body"),
    (b'{"n": 1e999}', "number_out_of_range", "body.n"),
    (b'{"s": "' + b"x" * 70_000 + b'"}', "text_too_long", "body.s"),
    (b"[" * 40 + b"]" * 40, "body_too_deep", "body" + "[0]" * 33),
    (b"[" * 50_000 + b"]" * 50_000, "body_too_deep", "body"),
])
async def test_bad_json_is_refused_with_its_code(client, body: bytes, code: str, path: str) -> None:
    c, seen = client
    r = await _post(c, body)
    assert r.status_code == 422, r.text
    assert r.json()["code"] == code and r.json()["path"] == path
    assert seen == []


async def test_invalid_utf8_body(client) -> None:
    c, seen = client
    # the second is an encoded surrogate, which UTF-8 does not allow
    for body in (b'{"name": "\xff"}', b'{"name": "\xed\xa0\x80"}', b'{"name": "\xc3"}'):
        r = await _post(c, body)
        assert (r.status_code, r.json()["code"]) == (400, "invalid_utf8"), body
    r = await _post(c, b'{"name": "\xff"}', content_type="")
    assert r.status_code == 400  # no media type is read as JSON, as FastAPI does
    assert seen == []


async def test_not_json_is_left_to_the_route(client) -> None:
    c, seen = client
    assert (await _post(c, b"{not json")).status_code == 200  # the route's own parser answers it (422 in FastAPI)
    assert len(seen) == 1


async def test_form_and_text_bodies(client) -> None:
    c, seen = client
    r = await _post(c, b"To=%2B61%00&From=x", content_type="application/x-www-form-urlencoded")
    assert (r.status_code, r.json()["code"]) == (422, "nul_character")
    r = await _post(c, b"To=%ff", content_type="application/x-www-form-urlencoded")
    assert (r.status_code, r.json()["code"]) == (400, "invalid_utf8")
    r = await _post(c, b"line\x00", content_type="text/plain")
    assert (r.status_code, r.json()["code"]) == (422, "nul_character")
    assert seen == []


async def test_path_and_query(client) -> None:
    c, seen = client
    cases = [("/echo/a%00b", 422, "nul_character"), ("/echo/%ff", 400, "invalid_utf8"),
             ("/echo/x?week=2026%00", 422, "nul_character"), ("/echo/x?w%ffk=1", 400, "invalid_utf8"),
             ("/echo/x?w=%ed%a0%80", 400, "invalid_utf8")]
    for url, status, code in cases:
        r = await c.post(url, content=b"{}", headers={"content-type": "application/json"})
        assert (r.status_code, r.json()["code"]) == (status, code), url
    assert seen == []


async def test_absurd_size_declared_or_streamed(client) -> None:
    c, seen = client
    big = b'{"s": "' + b"x" * LIMIT + b'"}'
    r = await _post(c, big)
    assert (r.status_code, r.json()["code"]) == (413, "payload_too_large")

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"s": "'
        for _ in range(LIMIT // 1024 + 1):
            yield b"x" * 1024
        yield b'"}'

    r = await c.post("/echo/x", content=chunks(), headers={"content-type": "application/json"})
    assert (r.status_code, r.json()["code"]) == (413, "payload_too_large")
    assert seen == []
