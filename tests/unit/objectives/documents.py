"""The documents the objective tests start from: the issue's configuration exactly as written, and helpers."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from domain.objectives import ConfigError, ConfigInvalid, compile_document, parse_document

# Issue 11's core document, verbatim (comments included).
ISSUE_YAML = """\
business:
  name: Harbour Plumbing
  timezone: Australia/Sydney
  hours: {mon: ["07:00-17:00"], tue: ["07:00-17:00"], wed: ["07:00-17:00"], thu: ["07:00-17:00"],
          fri: ["07:00-15:00"], sat: ["08:00-12:00"]}        # a day that is absent is closed
  holidays: ["2026-12-25", "2026-12-26"]
  service_area: ["Sydney"]
numbers: ["+61290000001"]                                     # E.164, unique across tenants
escalation:
  transfer_to: "+61290000002"
notifications:
  emails: ["office@harbour.example"]
objectives:                 # the graph; the first is the entry; `next` defaults to the following objective
  - id: name
    type: capture_name
  - id: service
    type: choice
    prompt_topic: "what you need help with"                  # fills a fixed Voice Core phrase, not a prompt
    options:
      emergency: ["burst pipe", "flooding", "no water", "emergency"]
      quote: ["quote", "price", "estimate"]
      other: []                                              # anything else
    next:
      - when: {service: emergency}
        goto: transfer
      - goto: phone
  - id: phone
    type: capture_phone
  - id: email
    type: capture_email
    required: false                                          # the caller may decline; the graph goes on
  - id: visit
    type: capture_datetime
    when_closed: skip                                        # after hours this objective is skipped
  - id: wrap_up
    type: end
  - id: transfer
    type: transfer
    to: escalation
"""

# Issue 12's integrations section, verbatim.
INTEGRATIONS_YAML = """\
integrations:
  - id: crm
    type: webhook                    # POST JSON to any CRM or automation tool
    url: "https://hooks.example/revos"
    secret: crm_signing              # the name of a stored tenant secret, never the secret itself
    on: [lead.captured, call.ended]
  - id: owner_sms
    type: sms
    to: "+61400000003"
    on: [lead.captured]
  - id: office_email
    type: email
    to: ["office@harbour.example"]
    on: [call.ended]
  - id: bookings
    type: calendar
    on: [appointment.requested]
"""

_PLUMBER = parse_document(ISSUE_YAML + INTEGRATIONS_YAML)


def plumber() -> dict[str, Any]:
    """A fresh copy of the issue's document with issue 12's integrations."""
    return copy.deepcopy(_PLUMBER)


def refusals(document: dict[str, Any], **kwargs: Any) -> list[ConfigError]:
    """The errors compiling `document` raises (fails the test when it compiles)."""
    try:
        compile_document(document, **kwargs)
    except ConfigInvalid as exc:
        return exc.errors
    raise AssertionError("the document compiled")


def mutated(change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    """The plumber document after `change` (which edits it in place)."""
    document = plumber()
    change(document)
    return document


def objective(document: dict[str, Any], objective_id: str) -> dict[str, Any]:
    """The objective with this id in a document."""
    return next(o for o in document["objectives"] if o["id"] == objective_id)
