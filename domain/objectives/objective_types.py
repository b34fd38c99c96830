"""The objectives as an operator writes them: one model per type, told apart by `type`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from domain.objectives.business import STRICT
from domain.objectives.values import E164_PATTERN, Identifier, Phrase, check_e164


def _listify(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _edges(value: Any) -> Any:
    return [{"goto": value}] if isinstance(value, str) else value


ConditionValues = Annotated[
    list[str], BeforeValidator(_listify, json_schema_input_type=str | list[str]), Field(min_length=1, max_length=50)
]


class Edge(BaseModel):
    """Go to `goto` when every key of `when` holds: `{<choice id>: <option>}` or `{business: open|closed}`."""

    model_config = STRICT

    when: dict[str, ConditionValues] | None = None
    goto: Identifier


Next = Annotated[
    list[Edge], BeforeValidator(_edges, json_schema_input_type=str | list[Edge]), Field(min_length=1, max_length=50)
]


MAX_OPTIONS = 30


def _check_options(options: dict[str, list[str]]) -> dict[str, list[str]]:
    if not options:
        raise PydanticCustomError("choice_without_options", "a choice needs at least one option")
    if len(options) > MAX_OPTIONS:
        raise PydanticCustomError("too_long", "a choice has at most {n} options", {"n": MAX_OPTIONS})
    if sum(1 for phrases in options.values() if not phrases) > 1:
        raise PydanticCustomError("catch_all_twice", "only one option may be the catch-all (an empty list)")
    owner: dict[str, str] = {}
    for name, phrases in options.items():
        for phrase in phrases:
            other = owner.setdefault(phrase.lower(), name)
            if other != name:
                raise PydanticCustomError("option_phrase_ambiguous", "'{phrase}' is listed under both {a} and {b}",
                                          {"phrase": phrase, "a": other, "b": name})
    return options


Options = Annotated[
    dict[Identifier, Annotated[list[Phrase], Field(max_length=50)]],
    AfterValidator(_check_options), Field(json_schema_extra={"minProperties": 1, "maxProperties": MAX_OPTIONS}),
]


class _Step(BaseModel):
    model_config = STRICT

    id: Identifier
    next: Next | None = None
    required: bool = True
    when_closed: Literal["ask", "skip"] = "ask"


class CaptureName(_Step):
    """Capture the caller's name."""

    type: Literal["capture_name"]


class CapturePhone(_Step):
    """Capture a phone number."""

    type: Literal["capture_phone"]


class CaptureEmail(_Step):
    """Capture an e-mail address."""

    type: Literal["capture_email"]


class CaptureAddress(_Step):
    """Capture a street address."""

    type: Literal["capture_address"]


class CaptureDatetime(_Step):
    """Capture a date and time (a visit, an appointment)."""

    type: Literal["capture_datetime"]


class Message(_Step):
    """Take a free-text message; `prompt_topic` fills the Voice Core's fixed question ("your message for ...")."""

    type: Literal["message"]
    prompt_topic: Phrase | None = None


class Choice(_Step):
    """Ask the caller to pick one option; each option lists the phrases that select it, `[]` is anything else."""

    model_config = ConfigDict(**STRICT, json_schema_extra={"required": ["id", "type", "options"]})

    type: Literal["choice"]
    prompt_topic: Phrase | None = None
    options: Options = Field(default_factory=dict, validate_default=True)


def _check_target(value: str) -> str:
    return value if value == "escalation" else check_e164(value)


TransferTarget = Annotated[
    str, AfterValidator(_check_target),
    Field(json_schema_extra={"anyOf": [{"const": "escalation"}, {"pattern": E164_PATTERN}]}),
]


class Transfer(BaseModel):
    """Hand the call to a person: the escalation number, or the E.164 number given here. Ends the graph."""

    model_config = STRICT

    id: Identifier
    type: Literal["transfer"]
    to: TransferTarget = "escalation"


class End(BaseModel):
    """Close the call (the Voice Core's summary and goodbye). Ends the graph."""

    model_config = STRICT

    id: Identifier
    type: Literal["end"]


Objective = Annotated[
    CaptureName | CapturePhone | CaptureEmail | CaptureAddress | CaptureDatetime | Message | Choice | Transfer | End,
    Field(discriminator="type"),
]
Step = CaptureName | CapturePhone | CaptureEmail | CaptureAddress | CaptureDatetime | Message | Choice
TERMINAL_TYPES = frozenset({"transfer", "end"})
OBJECTIVE_TYPES = ("capture_name", "capture_phone", "capture_email", "capture_address", "capture_datetime",
                   "choice", "transfer", "message", "end")
