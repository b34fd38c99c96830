"""The API's one error mapping: every error leaves as JSON `{code, message}` with its HTTP status.

Domain refusals map by kind (STATUS_BY_ERROR); a Temporal failure is first turned back into the domain
refusal it carries (infra.temporal.errors), so a refusal inside a workflow or an activity answers the
same status and code as one raised in a handler. Bad input is never a 500.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from temporalio.exceptions import TemporalError

from domain.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Unauthenticated,
    Unavailable,
)
from infra.db.violations import RETRY_AFTER_SECONDS, database_unavailable
from infra.temporal.errors import domain_error_from

log = logging.getLogger(__name__)

STATUS_BY_ERROR: list[tuple[type[DomainError], int]] = [
    (Unauthenticated, 401),
    (PermissionDenied, 403),
    (NotFound, 404),
    (Conflict, 409),
    (InvalidInput, 422),
    (Unavailable, 503),
]

HTTP_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type",
              422: "validation_error", 429: "too_many_requests", 503: "unavailable"}


def status_for(error: DomainError) -> int:
    for kind, status in STATUS_BY_ERROR:
        if isinstance(error, kind):
            return status
    return 400


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"code": code, "message": message, **{k: v for k, v in extra.items() if v}}


def _field_path(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc)


def domain_response(error: DomainError) -> JSONResponse:
    status = status_for(error)
    if error.code == "config_invalid" and "errors" in error.details:  # the compiler's list, one level up
        return JSONResponse(error_body(error.code, error.message, errors=error.details["errors"]), status)
    # A 503 is a "come back soon": say when, so well-behaved clients retry instead of giving up.
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if status == 503 else None
    return JSONResponse(error_body(error.code, error.message, details=error.details), status, headers=headers)


def internal_error(request: Request, exc: BaseException) -> JSONResponse:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(error_body("internal_error", "unexpected server error"), 500)


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        return domain_response(exc)

    @app.exception_handler(TemporalError)
    async def _temporal(request: Request, exc: TemporalError) -> JSONResponse:
        refusal = domain_error_from(exc)
        return internal_error(request, exc) if refusal is None else domain_response(refusal)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"path": _field_path(tuple(e.get("loc", ()))), "message": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        fields = ", ".join(e["path"] for e in errors)
        return JSONResponse(error_body("validation_error", f"invalid fields: {fields}", errors=errors), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else "request refused"
        code = HTTP_CODES.get(exc.status_code, "http_error")
        return JSONResponse(error_body(code, detail), exc.status_code, headers=getattr(exc, "headers", None))

    async def _database(request: Request, exc: Exception) -> JSONResponse:
        unavailable = database_unavailable(exc)
        if unavailable is None:
            return internal_error(request, exc)
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
        return domain_response(unavailable)

    # Handled here, not by the last-resort handler: a database restart is an answer (503), not a crash.
    app.add_exception_handler(DBAPIError, _database)
    app.add_exception_handler(OSError, _database)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        return await _database(request, exc)
