"""The difference between two configuration versions, path by path, as an operator reads it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

Change = Literal["added", "removed", "changed"]
ABSENT = object()


@dataclass(frozen=True)
class DiffLine:
    """One value that differs: its path (`business.hours.mon`), what it was and what it is (JSON text)."""

    path: str
    change: Change
    before: str | None
    after: str | None


def _text(value: Any) -> str | None:
    return None if value is ABSENT else json.dumps(value, sort_keys=True, ensure_ascii=False)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _walk(path: str, a: Any, b: Any) -> Iterator[DiffLine]:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            yield from _walk(_join(path, str(key)), a.get(key, ABSENT), b.get(key, ABSENT))
        return
    if _ids(a) and _ids(b):  # objectives: compared by id, so inserting one is one line, not a cascade
        left, right = {o["id"]: o for o in a}, {o["id"]: o for o in b}
        for key in list(left) + [k for k in right if k not in left]:
            yield from _walk(f"{path}[{key}]", left.get(key, ABSENT), right.get(key, ABSENT))
        return
    if a == b:
        return
    change: Change = "added" if a is ABSENT else "removed" if b is ABSENT else "changed"
    yield DiffLine(path=path or "$", change=change, before=_text(a), after=_text(b))


def _ids(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(o, dict) and "id" in o for o in value)


def diff_documents(before: dict[str, Any], after: dict[str, Any]) -> list[DiffLine]:
    """Every leaf that was added, removed or changed from `before` to `after`, in path order."""
    return list(_walk("", before, after))
