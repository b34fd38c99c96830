"""The shape of a proposed change: a JSON schema every draft's `proposed_changes` must satisfy."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue, TypeAdapter, ValidationError

from domain.errors import InvalidInput

# A section and a field (`guardrails.max_daily_spend`) or one name (`budget_usd`).
KEY_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$"


class ProposedChange(BaseModel):
    """Set one key of one capability's state to a value; `target` names which instance (a tenant, a campaign)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    capability: str = Field(min_length=1, max_length=100, pattern=r"^[a-z][a-z0-9_.-]*$")
    target: str | None = Field(default=None, min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$")
    key: str = Field(min_length=1, max_length=100, pattern=KEY_PATTERN)
    value: JsonValue  # what the capability's executor accepts for `key` (a number, a list of dates, opening hours)

    @property
    def scope(self) -> str:
        """What this change touches, as contracts are serialized and audited: capability[:target]."""
        return scope_of(self.capability, self.target)


def scope_of(capability: str, target: str | None) -> str:
    """The scope key of a capability instance."""
    return capability if target is None else f"{capability}:{target}"


def split_scope(scope: str) -> tuple[str, str | None]:
    """(capability, target) of a scope key (a capability name never holds a colon)."""
    capability, _, target = scope.partition(":")
    return capability, target or None


class ProposedChanges(BaseModel):
    """An ordered, non-empty list of changes; a (capability, key) appears at most once."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    changes: list[ProposedChange] = Field(min_length=1, max_length=50)

    def capabilities(self) -> list[str]:
        """The capabilities these changes touch, sorted."""
        return sorted({c.capability for c in self.changes})

    def scopes(self) -> list[str]:
        """The capability instances these changes touch, sorted: all a contract may snapshot or restore."""
        return sorted({c.scope for c in self.changes})


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
        if (change.scope, change.key) in seen:
            raise InvalidInput(f"{change.scope}.{change.key} is changed twice", code="invalid_proposed_changes")
        seen.add((change.scope, change.key))
    return parsed


def try_parse_changes(raw: Any) -> ProposedChanges | None:
    """The changes, or None when the raw value does not satisfy the schema."""
    try:
        return parse_changes(raw)
    except InvalidInput:
        return None
