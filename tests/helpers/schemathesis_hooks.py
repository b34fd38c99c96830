"""Schemathesis hooks (loaded by the CLI through SCHEMATHESIS_HOOKS): the role check.

`REVOS_ST_ROLE` names the role whose key the run sends; `REVOS_ST_ROLES_FILE` is a JSON map of
`"METHOD /path/{template}"` -> the roles that route admits (read from the app's dependencies).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import schemathesis

ROLE = os.environ.get("REVOS_ST_ROLE", "")
ADMITTED: dict[str, list[str]] = json.loads(Path(os.environ["REVOS_ST_ROLES_FILE"]).read_text()) \
    if os.environ.get("REVOS_ST_ROLES_FILE") else {}


@schemathesis.check
def refused_role_gets_no_2xx(ctx: Any, response: Any, case: Any) -> bool | None:
    """A route that refuses this role answers it with no 2xx, ever."""
    key = f"{case.method.upper()} {case.operation.path}"
    admitted = ADMITTED.get(key)
    if admitted is not None and ROLE not in admitted and 200 <= response.status_code < 300:
        raise AssertionError(f"{key} admits only {admitted} but answered {response.status_code} to {ROLE}")
    return None


@schemathesis.check
def no_server_error(ctx: Any, response: Any, case: Any) -> bool | None:
    """No input earns a 5xx. The readiness probe's documented 503 is not an answer to the input: it reports the
    environment (a dev server slow to answer its health check on a loaded machine)."""
    readiness = case.operation.path == "/readyz" and response.status_code == 503
    if response.status_code >= 500 and not readiness:
        raise AssertionError(f"{case.method.upper()} {case.operation.path} answered {response.status_code}")
    return None
