"""The contract's JSON Schemas, generated from the models; committed under domain/kernel/schemas/."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from domain.kernel.inputs import KernelInput
from domain.kernel.outputs import Action, DataQualityAction, KernelError, KernelOutput

CONTRACT_MODELS: dict[str, type[BaseModel]] = {
    "KernelInput": KernelInput,
    "KernelOutput": KernelOutput,
    "Action": Action,
    "DataQualityAction": DataQualityAction,
    "KernelError": KernelError,
}


def contract_schemas() -> dict[str, dict[str, Any]]:
    """File name (without .json) -> JSON Schema; inputs in validation mode, outputs as serialized."""
    out: dict[str, dict[str, Any]] = {}
    for name, model in CONTRACT_MODELS.items():
        schema = model.model_json_schema(mode="validation" if model is KernelInput else "serialization")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://revenue-os.local/schemas/kernel/revenue_os_v1.1/{name}.json"
        out[name] = schema
    return out
