"""The project's own description of the Pressluft Wave 5 contract: JSON Schemas and an OpenAPI document."""
from __future__ import annotations

import json
from pathlib import Path

CONTRACT_DIR = Path(__file__).resolve().parent
SCHEMA_DIR = CONTRACT_DIR / "schemas"

# OpenAPI component name -> schema file
COMPONENTS = {
    "Error": "error", "JobResponse": "job_response", "Node": "node", "Job": "job", "Site": "site",
    "Environment": "environment", "Backup": "backup", "ProviderConnection": "provider_connection",
    "Success": "success", "JobControl": "job_control", "Metrics": "metrics",
}


def load_schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{name}.json").read_text())


def load_openapi() -> dict:
    """The OpenAPI document with every resource schema inlined under components.schemas."""
    import yaml

    document = yaml.safe_load((CONTRACT_DIR / "openapi.yaml").read_text())
    schemas = {}
    for component, name in COMPONENTS.items():
        schema = load_schema(name)
        schema.pop("$schema", None)
        schema.pop("$id", None)
        defs = schema.pop("$defs", {})
        text = json.dumps(schema)
        for def_name, definition in defs.items():  # lift local $defs to components
            schemas[def_name] = definition
            text = text.replace(f"#/$defs/{def_name}", f"#/components/schemas/{def_name}")
        schemas[component] = json.loads(text)
    document["components"]["schemas"] = schemas
    return document
