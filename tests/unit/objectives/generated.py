"""Hypothesis strategies for objective graphs an operator could write (every one of them must compile).

A spine of objectives (each one's fallback is the next), with conditional jumps forward to later objectives or to
extra transfer and end objectives, conditions on the business state and on choices made on every path before.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.unit.objectives.documents import plumber

STEP_TYPES = ["capture_name", "capture_phone", "capture_email", "capture_address", "capture_datetime", "message",
              "choice", "choice"]
OPTION_NAMES = ["emergency", "quote", "booking", "repair", "other", "sales"]
BUSINESS = plumber()["business"]


@st.composite
def _options(draw: st.DrawFn) -> dict[str, list[str]]:
    names = draw(st.lists(st.sampled_from(OPTION_NAMES), min_size=1, max_size=4, unique=True))
    catch_all = draw(st.sampled_from([None, *names]))
    return {name: [] if name == catch_all else [f"{name} please", name] for name in names}


def _dominating_choices(i: int, choices: dict[int, list[str]], jumps: list[tuple[int, int]]) -> list[int]:
    """Choices on every path to spine objective i: i itself, or an earlier one no jump passes over to reach i."""
    return [c for c in choices if c == i or (c < i and not any(a < c < b <= i for a, b in jumps))]


@st.composite
def _condition(draw, i: int, choices: dict[int, list[str]], jumps: list[tuple[int, int]],
               ids: list[str]) -> dict[str, Any]:
    when: dict[str, Any] = {}
    candidates = _dominating_choices(i, choices, jumps)
    if candidates and draw(st.booleans()):
        c = draw(st.sampled_from(candidates))
        when[ids[c]] = draw(st.lists(st.sampled_from(choices[c]), min_size=1, max_size=2, unique=True))
    if not when or draw(st.booleans()):
        when["business"] = draw(st.sampled_from(["open", "closed"]))
    return when


def _terminal(kind: str, objective_id: str, explicit_number: bool) -> dict[str, Any]:
    if kind == "end":
        return {"id": objective_id, "type": "end"}
    return {"id": objective_id, "type": "transfer", "to": "+61290000003" if explicit_number else "escalation"}


@st.composite
def documents(draw) -> dict[str, Any]:
    n = draw(st.integers(min_value=2, max_value=24))
    extras = [f"t{k}" for k in range(3)]
    ids = [f"o{i}" for i in range(n)] + extras
    types = [draw(st.sampled_from(STEP_TYPES)) for _ in range(n - 1)]
    option_lists = {i: draw(_options()) for i, t in enumerate(types) if t == "choice"}
    choices = {i: list(options) for i, options in option_lists.items()}
    jumps: list[tuple[int, int]] = []
    objectives: list[dict[str, Any]] = []
    for i, kind in enumerate(types):
        objective: dict[str, Any] = {"id": ids[i], "type": kind, "required": draw(st.booleans()),
                                     "when_closed": draw(st.sampled_from(["ask", "skip"]))}
        if kind == "choice":
            objective["options"] = option_lists[i]
        edges = []
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            target = draw(st.integers(min_value=i + 1, max_value=len(ids) - 1))
            edges.append({"when": draw(_condition(i, choices, jumps, ids)), "goto": ids[target]})
        jumps.extend((i, ids.index(e["goto"])) for e in edges)
        if edges or draw(st.booleans()):
            objective["next"] = [*edges, {"goto": ids[i + 1]}]
        objectives.append(objective)
    last = draw(st.sampled_from(["end", "transfer"]))
    objectives.append(_terminal(last, ids[n - 1], draw(st.booleans())))
    targeted = {b for _, b in jumps if b >= n}
    objectives += [_terminal(draw(st.sampled_from(["end", "transfer"])), ids[b], draw(st.booleans()))
                   for b in sorted(targeted)]
    return {"business": BUSINESS, "numbers": ["+61290000001"],
            "escalation": {"transfer_to": "+61290000002",
                           "after_hours": draw(st.sampled_from(["call_back", "transfer"]))},
            "optional_objectives": draw(st.sampled_from(["on", "off"])), "objectives": objectives}
