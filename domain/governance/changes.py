"""The shape of a proposed change: a JSON schema every draft's `proposed_changes` must satisfy."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from domain.errors import InvalidInput

JsonScalar = str | int | float | bool | None


class ProposedChange(BaseModel):
    """Set one key of one capability's state to a value."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    capability: str = Field(min_length=1, max_length=100, pattern=r"^[a-z][a-z0-9_.-]*$")
    key: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    value: JsonScalar


class ProposedChanges(BaseModel):
    """An ordered, non-empty list of changes; a (capability, key) appears at most once."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    changes: list[ProposedChange] = Field(min_length=1, max_length=50)

    def capabilities(self) -> list[str]:
        """The capabilities these changes touch, sorted."""
        return sorted({c.capability for c in self.changes})


_ADAPTER = TypeAdapter(ProposedChanges)
PROPOSED_CHANGES_SCHEMA: dict[str, Any] = _ADAPTER.json_schema()


def parse_changes(raw: Any) -> ProposedChanges:
    """Validate raw JSON against the schema; duplicates of (capability, key) are refused."""
    try:
        parsed = _ADAPTER.validate_python(raw)
    except ValidationError as exc:
        errors = [{"path": ".".join(map(str, e["loc"])), "message": e["msg"]} for e in exc.errors()]
        raise InvalidInput("proposed_changes does not match its schema", code="invalid_proposed_changes",
                           details={"errors": errors}) from exc
    seen: set[tuple[str, str]] = set()
    for change in parsed.changes:
        if (change.capability, change.key) in seen:
            raise InvalidInput(f"{change.capability}.{change.key} is changed twice",
                               code="invalid_proposed_changes")
        seen.add((change.capability, change.key))
    return parsed


def try_parse_changes(raw: Any) -> ProposedChanges | None:
    """The changes, or None when the raw value does not satisfy the schema."""
    try:
        return parse_changes(raw)
    except InvalidInput:
        return None
