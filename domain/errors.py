"""Errors defined once; each edge (API, activities, update validators) translates them."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A business refusal with a machine-readable code."""

    code: str = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details or {}


class InvalidInput(DomainError):
    """The request is well-formed but its content is refused (HTTP 422)."""

    code = "invalid_input"


class NotFound(DomainError):
    """The named thing does not exist (HTTP 404)."""

    code = "not_found"


class Conflict(DomainError):
    """The request conflicts with the current state (HTTP 409)."""

    code = "conflict"


class ConcurrencyConflict(Conflict):
    """An append expected a stream version that is no longer current (HTTP 409)."""

    code = "concurrency_conflict"


class Unauthenticated(DomainError):
    """No valid API key (HTTP 401)."""

    code = "unauthenticated"


class PermissionDenied(DomainError):
    """A valid principal whose role or tenant does not allow this (HTTP 403)."""

    code = "forbidden"


class Unavailable(DomainError):
    """A service the request needs is not answering; retry later (HTTP 503)."""

    code = "unavailable"
