"""The published JSON Schema of the tenant configuration, generated from the models (`revos config schema`).

The committed copy is `tenant-config.schema.json` beside this module; a unit test keeps it equal to this output.
The schema describes the shape; the compiler's checks (graph, numbers, hours) go further than a schema can.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from domain.objectives.config import TenantConfig

SCHEMA_ID = "https://revenue-os.local/schemas/tenant-config.schema.json"
SCHEMA_FILE = Path(__file__).with_name("tenant-config.schema.json")


def config_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the tenant configuration document."""
    schema = TenantConfig.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "Revenue OS tenant configuration"
    return schema


def schema_text() -> str:
    """The schema as the committed file holds it (sorted keys, two-space indent, trailing newline)."""
    return json.dumps(config_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
