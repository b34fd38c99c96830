"""The published OpenAPI document says what the API really answers: every error it can give, and its links.

FastAPI documents a 422 of its own shape and no other error; this API answers every refusal as
`{code, message, ...}` (api/errors.py, api/input_guard.py) with 400, 401, 403, 404, 409, 413, 422 or
503, so each /v1 operation documents those with the `Error` schema (next to a contract's own error
shape where a route has one). The links (OpenAPI 3 `links`) say which response's ids feed which
request, so a client, or a fuzzer, can walk from a tenant to its products, campaigns, experiments,
leads and logins with real ids.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["code", "message"],
    "properties": {
        "code": {"type": "string", "description": "machine-readable reason"},
        "message": {"type": "string"},
        "path": {"type": "string", "description": "where in the request the refused value is"},
        "details": {"type": "object"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_STATUSES = {
    "400": "malformed request (e.g. not UTF-8)",
    "401": "missing or unknown API key",
    "403": "this role or tenant may not do this",
    "404": "the named thing does not exist",
    "409": "refused in the current state",
    "413": "request body too large",
    "422": "invalid input, with the refused fields",
    "503": "a service the request needs is not answering; retry later",
}

ID = "$response.body#/id"
# source operation -> (status, target operation, link definition without operationId)
LINKS: dict[str, list[tuple[str, str, dict[str, Any]]]] = {
    "POST /v1/tenants": [
        ("201", "GET /v1/tenants/{tenant_id}", {"parameters": {"path.tenant_id": ID}}),
        ("201", "GET /v1/streams/{stream}/events", {"parameters": {"path.stream": "tenant:{$response.body#/id}"}}),
        ("201", "POST /v1/products", {"requestBody": {"tenant_id": ID}}),
        ("201", "GET /v1/products", {"parameters": {"query.tenant_id": ID}}),
        ("201", "POST /v1/tenants/{tenant_id}/phone-numbers", {"parameters": {"path.tenant_id": ID}}),
        ("201", "GET /v1/tenants/{tenant_id}/phone-numbers", {"parameters": {"path.tenant_id": ID}}),
        ("201", "PUT /v1/kernel/tenants/{tenant_id}/policy", {"parameters": {"path.tenant_id": ID}}),
        ("201", "POST /v1/kernel/tenants/{tenant_id}/cycles", {"parameters": {"path.tenant_id": ID}}),
        ("201", "POST /v1/metrics", {"requestBody": {"tenant_id": ID}}),
        ("201", "POST /v1/revenue-events", {"requestBody": {"tenant_id": ID}}),
        ("201", "POST /v1/opportunities", {"requestBody": {"tenant_id": ID}}),
        ("201", "POST /v1/kernel/action-results", {"requestBody": {"tenant_id": ID}}),
    ],
    "POST /v1/products": [
        ("201", "GET /v1/products/{product_id}", {"parameters": {"path.product_id": ID}}),
        ("201", "POST /v1/campaigns", {"requestBody": {"product_id": ID}}),
        ("201", "GET /v1/campaigns", {"parameters": {"query.product_id": ID}}),
    ],
    "POST /v1/campaigns": [
        ("201", "GET /v1/campaigns/{campaign_id}", {"parameters": {"path.campaign_id": ID}}),
        ("201", "POST /v1/campaigns/{campaign_id}/status", {"parameters": {"path.campaign_id": ID}}),
        ("201", "POST /v1/campaigns/{campaign_id}/cost-sources", {"parameters": {"path.campaign_id": ID}}),
        ("201", "POST /v1/experiments", {"requestBody": {"campaign_id": ID}}),
        ("201", "GET /v1/experiments", {"parameters": {"query.campaign_id": ID}}),
        ("201", "POST /v1/leads", {"requestBody": {"campaign_id": ID}}),
        ("201", "GET /v1/leads", {"parameters": {"query.campaign_id": ID}}),
        ("201", "POST /v1/team", {"requestBody": {"campaign_id": ID}}),
        ("201", "GET /v1/team", {"parameters": {"query.campaign_id": ID}}),
    ],
    "POST /v1/experiments": [
        *[("201", f"{method} /v1/experiments/{{experiment_id}}{tail}", {"parameters": {"path.experiment_id": ID}})
          for method, tail in [("GET", ""), ("POST", "/start"), ("POST", "/pause"), ("POST", "/complete"),
                               ("POST", "/terminate"), ("POST", "/evaluation-trigger"), ("POST", "/evaluations"),
                               ("GET", "/evaluations"), ("POST", "/override"), ("GET", "/signals")]],
        ("201", "GET /v1/bonuses", {"parameters": {"query.experiment_id": ID}}),
        ("201", "GET /v1/streams/{stream}/events",
         {"parameters": {"path.stream": "experiment:{$response.body#/id}"}}),
    ],
    "POST /v1/experiments/{experiment_id}/evaluations": [
        ("201", "POST /v1/experiments/{experiment_id}/override",
         {"parameters": {"path.experiment_id": "$request.path.experiment_id"},
          "requestBody": {"evaluation_id": ID}}),
    ],
    "POST /v1/leads": [
        ("201", "GET /v1/leads/{lead_id}", {"parameters": {"path.lead_id": ID}}),
        ("201", "POST /v1/leads/{lead_id}/terminal", {"parameters": {"path.lead_id": ID}}),
        ("201", "POST /v1/performance-events", {"requestBody": {"lead_id": ID}}),
    ],
    "POST /v1/team": [("201", "POST /v1/team/hours", {"requestBody": {"login_id": ID}})],
    "POST /v1/issues": [
        (status, "GET /v1/issues/{issue_id}", {"parameters": {"path.issue_id": ID}}) for status in ("200", "201")
    ],
    "POST /v1/governance-signals": [
        ("201", "DELETE /v1/governance-signals/{signal_id}", {"parameters": {"path.signal_id": ID}}),
    ],
    "POST /v1/kernel/cycles": [
        ("200", "GET /v1/kernel/cycles/{cycle_id}", {"parameters": {"path.cycle_id": "$response.body#/cycle_id"}}),
    ],
}


def _operations(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f"{method.upper()} {path}": op for path, item in schema["paths"].items() for method, op in item.items()}


def _document_errors(op: dict[str, Any]) -> None:
    responses = op.setdefault("responses", {})
    for status, description in ERROR_STATUSES.items():
        existing = responses.get(status, {}).get("content", {}).get("application/json", {}).get("schema")
        if existing is None or existing.get("$ref", "").endswith("/HTTPValidationError"):
            responses[status] = {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}
        elif existing != ERROR_REF:  # a contract's own error shape: either may answer
            responses[status]["content"]["application/json"]["schema"] = {"anyOf": [existing, ERROR_REF]}


def _add_links(ops: dict[str, dict[str, Any]]) -> None:
    for source, links in LINKS.items():
        for status, target, definition in links:
            if source not in ops or target not in ops:
                raise RuntimeError(f"OpenAPI link {source} -> {target} names an operation the app does not have")
            response = ops[source]["responses"].setdefault(status, {"description": "success"})
            name = target.replace(" ", "").replace("/", "_").replace("{", "").replace("}", "")
            response.setdefault("links", {})[name] = {"operationId": ops[target]["operationId"], **definition}


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with the API's error responses and its links."""
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ops = _operations(schema)
    for key, op in ops.items():
        if key.split(" ", 1)[1].startswith("/v1"):
            _document_errors(op)
    _add_links(ops)
    return schema


def install_openapi(app: FastAPI) -> None:
    """Serve `build_openapi` at /openapi.json (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
