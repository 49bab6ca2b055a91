"""JSON Schemas of the catalogue, committed in the repository beside this module."""

from __future__ import annotations

import json
from pathlib import Path

from shared.events.catalogue import CATALOGUE

SCHEMA_DIR = Path(__file__).with_name("json_schemas")


def schema_of(event_type: str) -> dict[str, object]:
    schema = CATALOGUE[event_type].model_json_schema()
    schema["$id"] = f"https://claimline.example/schemas/{event_type}.json"
    schema["title"] = event_type
    return schema


def rendered(event_type: str) -> str:
    return json.dumps(schema_of(event_type), indent=2, sort_keys=True) + "\n"


def schema_path(event_type: str) -> Path:
    return SCHEMA_DIR / f"{event_type}.json"


def write_schemas() -> list[Path]:
    SCHEMA_DIR.mkdir(exist_ok=True)
    paths = []
    for event_type in CATALOGUE:
        path = schema_path(event_type)
        path.write_text(rendered(event_type))
        paths.append(path)
    return paths


def stale_schemas() -> list[str]:
    """Event types whose committed schema differs from the model (empty when all agree)."""
    return [
        t for t in CATALOGUE
        if not schema_path(t).exists() or schema_path(t).read_text() != rendered(t)
    ]


def committed_schema(event_type: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(schema_path(event_type).read_text())
    return loaded
