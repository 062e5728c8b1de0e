"""schemathesis sends generated requests, valid and invalid, to every operation of
/api/schema through the project's WSGI application (in process, on the test database with a
small indexed catalog) and checks each answer: never a 5xx, and the status code, content type,
headers and body are the ones the description gives.

Bounded and derandomised, so CI sees the same requests every run: 40 examples per operation
and phase. The rate limits are left as the test settings have them (off, except the chat's
per-visitor limit, which the description covers with its 429)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application

# Any 32 letters are a valid CSRF secret; sent as cookie and header, they pass the check as a
# browser's would (the chat widget sends the cookie's token in X-CSRFToken).
CSRF_TOKEN = "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz"

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def serving_in_test_transaction() -> Iterator[None]:
    """A real server closes the database connection around each request; here that would end
    the test's transaction, so the signal handlers that do it are off meanwhile (as Django's
    test client does)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# Loaded from the served endpoint, so the test also reads what clients read. (pytest 9.2
# breaks schemathesis.pytest.from_fixture, which renames test nodes through a private
# attribute; the schema view needs no database, so loading at collection is fine.)
schema = schemathesis.openapi.from_wsgi("/api/schema", application)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_answers_as_described(
    case: Any, api_catalog: dict[str, Any], serving_in_test_transaction: None
) -> None:
    """No 5xx; status codes, content types, headers and bodies conform to the description."""
    case.call_and_validate(
        checks=CHECKS,
        headers={"X-CSRFToken": CSRF_TOKEN},
        cookies={"csrftoken": CSRF_TOKEN},
    )
