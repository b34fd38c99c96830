"""Write the kernel contract's JSON Schemas to domain/kernel/schemas/*.json (`revos kernel-schemas`)."""

from __future__ import annotations

import json
from pathlib import Path

from domain.kernel.json_schemas import contract_schemas

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "domain" / "kernel" / "schemas"


def render(schema: dict[str, object]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def write_schemas(directory: Path = SCHEMA_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in contract_schemas().items():
        path = directory / f"{name}.json"
        path.write_text(render(schema))
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write_schemas():
        print(p)
