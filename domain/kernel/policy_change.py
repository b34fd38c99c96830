"""A tenant's kernel policy as governed change sees it: flat `section.field` values, one change at a time.

Every change is applied to the whole policy and the result must still be a KernelPolicy, so a change the
kernel's own model refuses is refused here (a 422 at the draft, a refused step at execution), not stored.
A policy the model accepts can still stop the kernel (rule 5: no allowed levers): that is health's call.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, JsonValue, ValidationError

from domain.errors import InvalidInput
from domain.kernel.assembly import KernelPolicy
from domain.kernel.inputs import CfoGuardrails, Guardrails, KernelConfig, Targets

SECTIONS: dict[str, type[BaseModel]] = {"targets": Targets, "guardrails": Guardrails, "cfo_guardrails": CfoGuardrails,
                             "config": KernelConfig}


def policy_keys() -> list[str]:
    """Every key a change may name: `section.field`."""
    return [f"{section}.{field}" for section, model in SECTIONS.items() for field in model.model_fields]


def key_problem(key: str) -> str | None:
    """Why `key` names no policy field, or None."""
    section, _, field = key.partition(".")
    model = SECTIONS.get(section)
    if model is None or field not in model.model_fields:
        return f"{key} is not a kernel policy field (one of {', '.join(SECTIONS)} then a field)"
    return None


def flatten(policy: dict[str, Any] | None) -> dict[str, JsonValue]:
    """{section.field: value} of a stored policy (absent fields are absent)."""
    flat: dict[str, JsonValue] = {}
    for section in SECTIONS:
        for field, value in ((policy or {}).get(section) or {}).items():
            flat[f"{section}.{field}"] = value
    return flat


def unflatten(values: dict[str, JsonValue]) -> dict[str, Any]:
    """The stored policy shape of flat values."""
    policy: dict[str, Any] = {}
    for key, value in values.items():
        section, _, field = key.partition(".")
        policy.setdefault(section, {})[field] = value
    return policy


def validated(policy: dict[str, Any]) -> dict[str, Any]:
    """The policy as the kernel stores it, or InvalidInput naming every problem."""
    try:
        return KernelPolicy.model_validate(policy).model_dump(mode="json", exclude_none=True)
    except (ValidationError, ValueError) as exc:
        errors = exc.errors() if isinstance(exc, ValidationError) else [{"loc": (), "msg": str(exc)}]
        problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors]
        raise InvalidInput("the kernel policy would be invalid: " + "; ".join(problems),
                           code="invalid_policy_change", details={"problems": problems}) from None


def apply_change(policy: dict[str, Any] | None, key: str, value: JsonValue) -> dict[str, Any]:
    """The whole policy with one field changed (None removes it), validated as a KernelPolicy."""
    problem = key_problem(key)
    if problem is not None:
        raise InvalidInput(problem, code="invalid_policy_change")
    flat = flatten(policy)
    if value is None:
        flat.pop(key, None)
    else:
        flat[key] = value
    return validated(unflatten(flat))
