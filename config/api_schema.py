"""GET /api/schema: the OpenAPI description of the JSON API (config/openapi.yaml) as JSON."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

SCHEMA_FILE = Path(__file__).with_name("openapi.yaml")


@functools.cache
def openapi_description() -> dict[str, Any]:
    """The description, read once per process on first use (never at import)."""
    with SCHEMA_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@require_GET
def api_schema(request: HttpRequest) -> JsonResponse:
    return JsonResponse(openapi_description(), json_dumps_params={"ensure_ascii": False})
