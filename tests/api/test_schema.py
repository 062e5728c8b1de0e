"""GET /api/schema serves config/openapi.yaml as JSON, and the description keeps up with the
URL configuration: every URL under /api/ is described, every described path resolves to a
view that answers the methods described."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from config.api_schema import openapi_description

HTTP_METHODS = {"get", "post", "put", "patch", "delete", "head", "options"}


def _routes(patterns: list[Any], prefix: str = "") -> list[str]:
    routes: list[str] = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            routes += _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            routes.append(route)
    return routes


def test_schema_is_served_as_json(client: Any) -> None:
    """The view answers the YAML file's content, parsed, as application/json."""
    response = client.get("/api/schema")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == openapi_description()
    assert response.json()["openapi"] == "3.1.0"


def test_schema_is_a_valid_openapi_3_1_document() -> None:
    """The description passes the OpenAPI 3.1 meta-schema (schemathesis' validator)."""
    import schemathesis

    schemathesis.openapi.from_dict(openapi_description()).validate()


def test_schema_refuses_other_methods(client: Any) -> None:
    """Only GET is served."""
    assert client.post("/api/schema").status_code == 405


def test_every_api_url_is_described() -> None:
    """Each URL pattern under api/ appears in paths (the API has no path parameters)."""
    api_routes = {
        "/" + route for route in _routes(get_resolver().url_patterns) if route.startswith("api/")
    }

    assert api_routes == set(openapi_description()["paths"])
    assert api_routes == {
        "/api/schema",
        "/api/search",
        "/api/search/suggest",
        "/api/recommendations",
        "/api/chat",
        "/api/chat/updates",
        "/api/reviews/translation",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("path", sorted(openapi_description()["paths"]))
def test_every_described_path_resolves_to_the_methods_described(client: Any, path: str) -> None:
    """Each described path resolves to a view; the described methods reach it, the others
    are refused with 405."""
    described = {m for m in openapi_description()["paths"][path] if m in HTTP_METHODS}
    resolve(path)

    refused = {
        method
        for method in ("get", "post", "put", "patch", "delete")
        if getattr(client, method)(path).status_code == 405
    }

    assert described
    assert refused == {"get", "post", "put", "patch", "delete"} - described
