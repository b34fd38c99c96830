"""Bad input on every route of the real app: a 4xx with a code, and the database never sees it.

Routes and their fields come from the app's own OpenAPI, so routes added later are covered without
editing this test. "Never sees it" is measured, not assumed: no connection is checked out of the
engine's pool while the bad requests are answered.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from infra.settings import Settings

pytestmark = pytest.mark.integration

# (name, the JSON text of a bad value, status, code)
BAD_VALUES: list[tuple[str, bytes, int, str]] = [
    ("nul", b'"crm \\u0000 note"', 422, "nul_character"),
    ("lone high surrogate", b'"\\ud800 note"', 422, "unpaired_surrogate"),
    ("lone low surrogate", b'"note \\udfff"', 422, "unpaired_surrogate"),
    ("invalid utf-8", b'"caf\xe9"', 400, "invalid_utf8"),
    ("absurd length", b'"' + b"x" * 70_000 + b'"', 422, "text_too_long"),
    ("absurd number", b"1" + b"0" * 30, 422, "number_out_of_range"),
    ("nul in a nested object", b'{"note": {"deep": ["\\u0000"]}}', 422, "nul_character"),
]


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = create_app(Settings(database_url="postgresql+asyncpg://unused/unused")).openapi()
    return [(method.upper(), path, op) for path, item in schema["paths"].items() for method, op in item.items()
            if path.startswith("/v1")]


def _body_fields(op: dict[str, Any], components: dict[str, Any]) -> list[str]:
    content = op.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return []
    body = content["schema"]
    for _ in range(3):
        if "$ref" in body:
            body = components[body["$ref"].rsplit("/", 1)[1]]
        elif "anyOf" in body:
            body = body["anyOf"][0]
    return sorted(body.get("properties", {})) or ["any"]


def _refusal(r: httpx.Response) -> tuple[int, str]:
    """(status, code); the kernel's contract route answers in its KernelError shape, the code in details."""
    body = r.json()
    if body.get("code") == "INVALID_INPUT" and r.request.url.path == "/v1/kernel/cycles":
        return 422 if body["details"]["code"] != "invalid_utf8" else 400, body["details"]["code"]
    return r.status_code, body["code"]


def _url(path: str) -> str:
    return "/".join(str(uuid.uuid4()) if p.startswith("{") else p for p in path.split("/"))


OPERATIONS = _operations()
COMPONENTS = create_app(Settings(database_url="postgresql+asyncpg://unused/unused")).openapi()["components"]["schemas"]


class Checkouts:
    def __init__(self, engine: AsyncEngine) -> None:
        self.count = 0
        event.listen(engine.sync_engine.pool, "checkout", self._on)

    def _on(self, *_: Any) -> None:
        self.count += 1


@pytest.fixture
def checkouts(engine: AsyncEngine, keys: Any) -> Checkouts:
    return Checkouts(engine)  # after the keys fixture has written its principals


def test_the_app_has_routes_with_bodies() -> None:
    with_body = [(m, p) for m, p, op in OPERATIONS if _body_fields(op, COMPONENTS)]
    assert len(with_body) > 20 and ("POST", "/v1/issues") in with_body


async def test_every_body_field_of_every_route_refuses_bad_text(api: httpx.AsyncClient, keys, checkouts) -> None:
    answered = 0
    for method, path, op in OPERATIONS:
        for field in _body_fields(op, COMPONENTS):
            for name, value, status, code in BAD_VALUES:
                body = b'{"' + field.encode() + b'": ' + value + b"}"
                for role in ("admin", "service"):
                    r = await api.request(method, _url(path), content=body, headers={
                        **keys.headers(role), "content-type": "application/json"})
                    assert _refusal(r) == (status, code), (method, path, field, name, r.text)
                    answered += 1
    assert answered > 300
    assert checkouts.count == 0, "a refused request reached the database"


async def test_every_path_and_query_refuses_bad_text(api: httpx.AsyncClient, keys, checkouts) -> None:
    for method, path, _ in OPERATIONS:
        url = _url(path)
        for bad, status, code in (("%00", 422, "nul_character"), ("%ff", 400, "invalid_utf8"),
                                  ("%ed%a0%80", 400, "invalid_utf8")):
            r = await api.request(method, f"{url}?week=2026{bad}", headers=keys.headers("admin"))
            assert _refusal(r) == (status, code), (method, path, r.text)
            if "{" in path:
                r = await api.request(method, url[:-4] + bad, headers=keys.headers("admin"))
                assert _refusal(r) == (status, code), (method, path, r.text)
    assert checkouts.count == 0
    await api.get(f"/v1/tenants/{uuid.uuid4()}", headers=keys.headers("admin"))
    assert checkouts.count > 0, "the probe counts a request that does reach the database"


async def test_absurd_size_is_refused_before_it_is_read(api: httpx.AsyncClient, keys, settings, checkouts) -> None:
    body = b'{"source": "crm_feedback", "raw_payload": {"note": "' + b"x" * settings.api_max_body_bytes + b'"}}'
    r = await api.post("/v1/issues", content=body, headers={**keys.headers("operator"),
                                                            "content-type": "application/json"})
    assert (r.status_code, r.json()["code"]) == (413, "payload_too_large")
    assert checkouts.count == 0


async def test_the_reported_500s_are_4xx(api: httpx.AsyncClient, keys) -> None:
    """The issue's cases: raw_payload with NUL and lone surrogates (operator and service keys)."""
    for role in ("operator", "service"):
        r = await api.post("/v1/issues", content=b'{"source": "crm_feedback", "raw_payload": '
                           b'{"text": "\\u0000\\ud83d\\udfff"}}', headers={**keys.headers(role),
                                                                         "content-type": "application/json"})
        assert (r.status_code, r.json()["code"]) == (422, "nul_character"), r.text
        assert r.json()["path"] == "body.raw_payload.text"


async def test_metrics_on_the_calendar_edge(api: httpx.AsyncClient, keys) -> None:
    """schemathesis seed 126414696624270713147811135018014388004: a metric dated in year 1 was a 500
    (the deviation check's trailing window reached before the calendar's first day)."""
    tenant = (await api.post("/v1/tenants", json={"name": "Edge"}, headers=keys.headers("admin"))).json()["id"]
    for day in ("0001-01-01", "0001-01-10", "9999-12-31"):
        r = await api.post("/v1/metrics", json={"tenant_id": tenant, "metrics": [
            {"metric_id": "leads", "value": 1.0, "date": day}]}, headers=keys.headers("service"))
        assert r.status_code == 201, r.text
    r = await api.get("/v1/reports/weekly", params={"week": "9999-W52"}, headers=keys.headers("admin"))
    assert (r.status_code, r.json()["code"]) == (422, "invalid_week"), r.text
