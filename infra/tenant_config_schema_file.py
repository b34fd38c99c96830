"""Write the tenant configuration's JSON Schema to domain/objectives/tenant-config.schema.json (`revos config schema
--write`)."""

from __future__ import annotations

from pathlib import Path

from domain.objectives.schema import SCHEMA_FILE, schema_text


def write_schema(path: Path = SCHEMA_FILE) -> Path:
    path.write_text(schema_text(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write_schema())
