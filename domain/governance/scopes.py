"""A capability instance's state as its executor reports it: what audit compares and rollback restores."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, JsonValue


class ScopeState(BaseModel):
    """`values` by key (what changes may set and audit compares); `revision` is the executor's own handle
    on that state (a configuration version to re-activate), opaque to governance.
    """

    model_config = ConfigDict(frozen=True)

    values: dict[str, JsonValue] = Field(default_factory=dict)
    revision: JsonValue = None
