"""The compiler's refusals: every problem as a coded error with its JSON path, all reported at once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from domain.errors import DomainError, InvalidInput

# Every refusal code, with what it means. Stable: clients and tests match on them.
CODES: dict[str, str] = {
    "parse_error": "the text is not JSON or plain YAML (or uses YAML anchors, aliases or tags)",
    "too_large": "the document is over the size limit",
    "duplicate_key": "a key appears twice in one mapping",
    "unknown_key": "a key the schema does not have",
    "unknown_type": "an objective or integration type that does not exist",
    "missing_key": "a required key is absent",
    "wrong_type": "a value of the wrong JSON type (text where a list belongs, ...)",
    "invalid_value": "a value outside the allowed set",
    "too_short": "a list or text shorter than allowed (no numbers, no objectives, ...)",
    "too_long": "a list or text longer than allowed",
    "invalid_id": "an id that is not lowercase letters, digits and _",
    "reserved_id": "an objective id the conditions reserve (`business`)",
    "duplicate_id": "two objectives (or two integrations) with one id",
    "goto_unknown": "a `goto` to an objective that does not exist",
    "cycle": "the objectives loop back on themselves",
    "unreachable": "an objective no path from the first one reaches",
    "no_terminal": "a path that runs off the end without reaching an `end` or `transfer`",
    "no_default_next": "a `next` list whose last entry has a `when` (nothing to do when no condition holds)",
    "edge_after_default": "a `next` entry after the unconditional one (it can never be taken)",
    "invalid_condition": "a `when` that is empty, or `business:` other than open/closed",
    "when_unknown_objective": "a `when` naming an objective that does not exist",
    "when_not_choice": "a `when` naming an objective that is not a `choice`",
    "when_unknown_option": "a `when` naming an option the choice does not have",
    "when_not_before": "a `when` naming a choice that is not on every path before it",
    "choice_without_options": "a `choice` with no options",
    "catch_all_twice": "a `choice` with more than one catch-all option (`[]`)",
    "option_phrase_ambiguous": "one phrase listed under two options",
    "invalid_phrase": "a topic or phrase that is not plain words",
    "invalid_name": "a business name that is not one line of printable text",
    "transfer_no_number": "a `transfer` to the escalation number when there is none",
    "transfer_loop": "a transfer to a number that routes to an AI agent (this tenant's or another's)",
    "invalid_timezone": "a timezone that is not an IANA zone",
    "hours_malformed": "an opening range that is not HH:MM-HH:MM with the start before the end",
    "hours_overlap": "opening ranges on one day that overlap",
    "holiday_not_date": "a holiday that is not a date YYYY-MM-DD",
    "not_e164": "a phone number that is not valid or not written in E.164",
    "duplicate_number": "a number listed twice",
    "number_taken": "a number already bound to another tenant",
    "invalid_email": "an e-mail address that is not one",
    "invalid_url": "a webhook URL that is not http(s) with a host",
    "host_refused": "a webhook host that resolves to a loopback, private or link-local address",
    "host_unchecked": "a webhook host the caller did not check",
    "invalid_secret_name": "a secret name that is not lowercase letters, digits and _",
    "secret_unknown": "a webhook secret the tenant has not stored",
    "no_events": "an integration with no events in `on`",
    "duplicate_value": "a value listed twice",
    "too_many_errors": "more errors than are shown",
}
MAX_REPORTED = 500  # a pathological document must not produce a response the size of itself


class ConfigError(BaseModel):
    """One refusal: where in the document (`$.objectives[2].next[0].goto`), a stable code and a sentence."""

    model_config = ConfigDict(frozen=True)

    path: str
    code: str
    message: str


class ConfigInvalid(InvalidInput):
    """The tenant configuration is refused; `errors` lists every problem found (HTTP 422, `config_invalid`)."""

    code = "config_invalid"

    def __init__(self, errors: Sequence[ConfigError]):
        shown = list(errors[:MAX_REPORTED])
        if len(errors) > MAX_REPORTED:
            shown.append(ConfigError(path="$", code="too_many_errors",
                                     message=f"{len(errors) - MAX_REPORTED} more errors not shown"))
        first = shown[0] if shown else ConfigError(path="$", code="invalid", message="invalid configuration")
        count = len(errors)
        summary = f"{count} error{'s' if count != 1 else ''} in the configuration; first: {first.path}: {first.message}"
        super().__init__(summary, details={"errors": [e.model_dump() for e in shown]})
        self.errors: list[ConfigError] = shown


class WalkError(DomainError):
    """An outcome that does not fit where the walk is (a runtime or replay bug, never a caller's doing)."""

    code = "objective_outcome_invalid"


def json_path(loc: Sequence[Any]) -> str:
    """A JSONPath for a location: `("objectives", 2, "id")` -> `$.objectives[2].id`."""
    out = "$"
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and part.isidentifier():
            out += f".{part}"
        else:
            escaped = str(part).replace("\\", "\\\\").replace("'", "\\'")
            out += f"['{escaped}']"
    return out


def error(loc: Sequence[Any], code: str, message: str) -> ConfigError:
    """A refusal at `loc` (a sequence of keys and indexes from the document's root)."""
    return ConfigError(path=json_path(loc), code=code, message=message)
