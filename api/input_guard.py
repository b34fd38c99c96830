"""The API's input guard: every request's path, query and body checked once, before any handler runs.

What Postgres cannot store, or nobody sends on purpose, is refused here with a 4xx and a code, so no
route can pass it on to the database (domain/text.py has the rule): bytes that are not UTF-8 (400
`invalid_utf8`), NUL characters, lone surrogates, strings past MAX_STRING_CHARS, numbers past 64 bits
or not finite, nesting past MAX_DEPTH (422, the problem's code, and the field's path), and bodies past
the size limit (413 `payload_too_large`). A body that passes is handed on unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_body
from domain.text import MAX_INT, MESSAGES, BadValue, TextProblem, find_bad_value, text_problem

_INT_DIGITS = len(str(MAX_INT))


class Refusal(Exception):
    """A request the guard answers itself."""

    def __init__(self, status: int, code: str, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.path = status, code, message, path

    def response(self) -> JSONResponse:
        return JSONResponse(error_body(self.code, self.message, path=self.path), self.status)


# A route whose contract fixes its own error shape (the kernel's KernelError) renders the guard's refusals.
RefusalRenderer = Callable[[Refusal], Response]


def _refuse_bad(bad: BadValue, where: str) -> Refusal:
    path = where + ("" if not bad.path or bad.path.startswith("[") else ".") + bad.path
    return Refusal(422, bad.problem.value, f"{path} {MESSAGES[bad.problem]}", path)


def check_text(raw: bytes, where: str) -> str:
    """Decode bytes as UTF-8 and check the text (a path, a query value, a form value)."""
    try:
        value = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refusal(400, "invalid_utf8", f"{where} is not valid UTF-8 (byte {exc.start})", where) from exc
    problem = text_problem(value)
    if problem is not None:
        raise _refuse_bad(BadValue("", problem), where)
    return value


def check_pairs(raw: bytes, where: str) -> None:
    """An urlencoded query string or form body: every name and value."""
    for pair in raw.split(b"&"):
        if not pair:
            continue
        name, _, value = pair.partition(b"=")
        name, value = unquote_to_bytes(name.replace(b"+", b" ")), unquote_to_bytes(value.replace(b"+", b" "))
        label = check_text(name, f"{where} parameter")
        check_text(value, f"{where} parameter {label}")


def _no_constant(token: str) -> Any:
    raise Refusal(422, TextProblem.NUMBER.value, f"body holds {token}, which is not a JSON number", "body")


def _int(token: str) -> int:
    if len(token.lstrip("-")) > _INT_DIGITS:
        raise Refusal(422, TextProblem.NUMBER.value, f"body holds an integer of {len(token)} digits", "body")
    return int(token)


def check_json(raw: bytes) -> None:
    """A JSON body: UTF-8, then every key, string, number and level of nesting.

    A body that is not JSON at all is left to the route's own parser (its 422 names the position).
    """
    text = check_text_body(raw)
    try:
        document = json.loads(text, parse_constant=_no_constant, parse_int=_int)
    except RecursionError as exc:
        raise Refusal(422, TextProblem.TOO_DEEP.value, "body nests too deeply", "body") from exc
    except ValueError:
        return
    bad = find_bad_value(document)
    if bad is not None:
        raise _refuse_bad(bad, "body")


def check_text_body(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refusal(400, "invalid_utf8", f"body is not valid UTF-8 (byte {exc.start})", "body") from exc


def _content_type(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            return str(value.decode("latin-1").split(";")[0].strip().lower())
    return ""


def check_body(raw: bytes, content_type: str) -> None:
    """Route the body to its check by media type (no media type is read as JSON, as FastAPI does)."""
    if not raw:
        return
    if not content_type or content_type == "application/json" or content_type.endswith("+json"):
        check_json(raw)
    elif content_type == "application/x-www-form-urlencoded":
        check_pairs(raw, "form")
    elif content_type.startswith("text/") and "\x00" in check_text_body(raw):
        raise _refuse_bad(BadValue("", TextProblem.NUL), "body")


def check_target(scope: Scope) -> None:
    """The path (percent-decoded) and every query parameter."""
    raw_path = scope.get("raw_path") or scope.get("path", "").encode("utf-8", "surrogatepass")
    check_text(unquote_to_bytes(raw_path), "path")
    check_pairs(scope.get("query_string", b""), "query")


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class InputGuard:
    """Pure ASGI middleware: buffers the body (up to `max_body_bytes`), checks it, replays it."""

    def __init__(self, app: ASGIApp, max_body_bytes: int,
                 renderers: Mapping[tuple[str, str], RefusalRenderer] | None = None) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.renderers = dict(renderers or {})

    async def _read(self, scope: Scope, receive: Receive) -> bytes:
        declared = _declared_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            raise self._too_large()
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise self._too_large()
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    def _too_large(self) -> Refusal:
        return Refusal(413, "payload_too_large", f"the body is larger than {self.max_body_bytes} bytes", "body")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            check_target(scope)
            body = await self._read(scope, receive)
            check_body(body, _content_type(scope))
        except Refusal as refusal:
            render = self.renderers.get((scope.get("method", ""), scope.get("path", "")))
            await (render(refusal) if render else refusal.response())(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
