"""The database's refusals as domain refusals: one helper for constraint and guard violations.

A unique index, a check constraint or a guard trigger is a business rule the database enforces; code
that can run into one names the constraint (or the SQLSTATE a trigger raises) and the refusal it means.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError

from domain.errors import DomainError, Unavailable

CHECK_VIOLATION = "23514"  # also what the guard triggers raise (USING ERRCODE = 'check_violation')
UNIQUE_VIOLATION = "23505"


@dataclass(frozen=True)
class Violation:
    """What the database refused: its SQLSTATE, the constraint (when one is named) and its message."""

    sqlstate: str | None
    constraint: str | None
    message: str


Refusal = DomainError | Callable[[Violation], DomainError]


def violation_of(error: DBAPIError) -> Violation:
    """The SQLSTATE, constraint name and server message behind a driver error."""
    adapted = error.orig
    driver = getattr(adapted, "orig", None) or adapted
    return Violation(sqlstate=getattr(adapted, "sqlstate", None), constraint=getattr(driver, "constraint_name", None),
                     message=str(driver))


@contextmanager
def refusing(refusals: Mapping[str, Refusal]) -> Iterator[None]:
    """Raise the refusal named by the violated constraint (or SQLSTATE) instead of the driver error.

    A refusal is a DomainError, or a function of the Violation when the database's own message is the reason.
    Violations not named here propagate unchanged.
    """
    try:
        yield
    except DBAPIError as error:
        found = violation_of(error)
        refusal = refusals.get(found.constraint or "") or refusals.get(found.sqlstate or "")
        if refusal is None:
            raise
        raise (refusal if isinstance(refusal, DomainError) else refusal(found)) from error


# SQLSTATEs that mean "the database is not there right now", not "the request is wrong": connection
# exceptions (class 08), and a server shutting down, crashed or starting up (57P01, 57P02, 57P03).
_UNAVAILABLE_STATES = ("08", "57P01", "57P02", "57P03")


def _driver_error(error: BaseException) -> BaseException:
    adapted = getattr(error, "orig", None) or error
    return getattr(adapted, "orig", None) or adapted


def database_unavailable(error: BaseException) -> Unavailable | None:
    """The retryable refusal for an error that means the database cannot be reached now, or None.

    A restart of Postgres shows as a refused or reset connection (OSError), a connection the pool had
    that is gone (asyncpg's ConnectionDoesNotExistError, SQLAlchemy's invalidated connection), or the
    server saying it is shutting down or starting up.
    """
    driver = _driver_error(error)
    sqlstate = str(getattr(getattr(error, "orig", None), "sqlstate", None) or getattr(driver, "sqlstate", "") or "")
    gone = (isinstance(driver, (OSError, asyncio.TimeoutError))
            or type(driver).__name__ == "ConnectionDoesNotExistError"
            or (type(driver).__name__ == "InterfaceError" and "closed" in str(driver))
            or bool(getattr(error, "connection_invalidated", False))
            or any(sqlstate.startswith(state) for state in _UNAVAILABLE_STATES))
    if not gone:
        return None
    return Unavailable("the database is not answering right now; retry shortly", code="database_unavailable",
                       details={"retry_after_seconds": RETRY_AFTER_SECONDS})


RETRY_AFTER_SECONDS = 1
