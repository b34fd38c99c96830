"""Settings a tenant (or governed change) may change without an operator: a new document from the active one.

`PATCH /v1/tenants/{id}/settings` changes business hours, holidays, the escalation number and notification
e-mails; governed change also switches optional objectives on or off. The result is a new document, compiled and
onboarded like any other version.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from domain.objectives.business import STRICT, Hours
from domain.objectives.config import TenantConfig
from domain.objectives.errors import ConfigInvalid
from domain.objectives.structure import structural_errors
from domain.objectives.values import E164, Email, IsoDate


class SettingsChange(BaseModel):
    """The keys present are changed; `transfer_to: null` removes the escalation number."""

    model_config = STRICT

    hours: Hours | None = None
    holidays: list[IsoDate] | None = None
    transfer_to: E164 | None = None
    emails: list[Email] | None = None
    optional_objectives: Literal["on", "off"] | None = None


def parse_settings_change(data: Mapping[str, Any]) -> SettingsChange:
    """The change, or ConfigInvalid with every problem (same codes and paths as the compiler)."""
    try:
        return SettingsChange.model_validate(data)
    except ValidationError as exc:
        raise ConfigInvalid(structural_errors(exc)) from None


def derive_document(config: TenantConfig, change: SettingsChange) -> dict[str, Any]:
    """The active document with the change applied (compile it to get the new version)."""
    document = config.model_dump(mode="json")
    given = change.model_fields_set
    if "hours" in given and change.hours is not None:
        document["business"]["hours"] = change.hours.model_dump(mode="json")
    if "holidays" in given and change.holidays is not None:
        document["business"]["holidays"] = list(change.holidays)
    if "transfer_to" in given:
        document["escalation"]["transfer_to"] = change.transfer_to
    if "emails" in given and change.emails is not None:
        document["notifications"]["emails"] = list(change.emails)
    if "optional_objectives" in given and change.optional_objectives is not None:
        document["optional_objectives"] = change.optional_objectives
    return document
