"""schemathesis sends generated requests, valid and invalid, to every operation of
/api/schema through the project's WSGI application (in process, on the test database with a
small indexed catalog) and checks each answer: never a 5xx, and the status code, content type,
headers and body are the ones the description gives.

Bounded and derandomised, so CI sees the same requests every run: 40 examples per operation,
once asking for JSON and once not (the chat then streams). The test settings switch the
search, recommendation and review translation rate limits off; a separate test turns each
limit down to one request and checks the 429 it then answers against the description."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
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
@pytest.mark.parametrize("accept", ["application/json", "*/*"])
@schema.parametrize()
@hypothesis_settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_answers_as_described(
    case: Any, accept: str, api_catalog: dict[str, Any], serving_in_test_transaction: None
) -> None:
    """No 5xx; status codes, content types, headers and bodies conform to the description.
    Twice: asking for JSON, and as a browser's EventSource or a plain client would (the
    chat then streams)."""
    case.call_and_validate(
        checks=CHECKS,
        headers={"Accept": accept, "X-CSRFToken": CSRF_TOKEN},
        cookies={"csrftoken": CSRF_TOKEN},
    )


RATE_LIMITED = {
    ("GET", "/api/search"): ("SEARCH_RATE_LIMIT", {"q": "shoe"}),
    ("GET", "/api/search/suggest"): ("SEARCH_SUGGEST_RATE_LIMIT", {"q": "st"}),
    ("GET", "/api/recommendations"): ("RECOMMEND_RATE_LIMIT", {"surface": "home"}),
    ("POST", "/api/chat"): ("SUPPORT_CHAT_RATE_LIMIT", None),
    # The review's id is filled in from api_catalog.
    ("GET", "/api/reviews/translation"): ("TRANSLATION_REVIEW_RATE_LIMIT", {"lang": "en"}),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), sorted(RATE_LIMITED))
def test_rate_limited_answers_are_described(
    settings: Any,
    api_catalog: dict[str, Any],
    serving_in_test_transaction: None,
    method: str,
    path: str,
) -> None:
    """Over its limit each rate-limited operation answers the described 429 (JSON body and a
    Retry-After header)."""
    setting, query = RATE_LIMITED[(method, path)]
    if path == "/api/reviews/translation":
        query = {**query, "review": api_catalog["review"].pk}
    setattr(settings, setting, 1 if setting == "SUPPORT_CHAT_RATE_LIMIT" else "1/m")
    operation = schema[path][method]
    if method == "POST":
        case = operation.Case(body={"message": "hello", "conversation": None})
    else:
        case = operation.Case(query=query)
    kwargs = {
        "headers": {"Accept": "application/json", "X-CSRFToken": CSRF_TOKEN},
        "cookies": {"csrftoken": CSRF_TOKEN, "sessionid": "fuzz"},
    }

    # Each chat request starts a new session here, so the chat's limit is the client
    # address's: ADDRESS_SHARE (10) times the per-visitor one.
    allowed = 10 if method == "POST" else 1
    answers = [case.call_and_validate(checks=CHECKS, **kwargs) for _ in range(allowed + 1)]

    assert [answer.status_code for answer in answers] == [200] * allowed + [429]
    assert int(answers[-1].headers["retry-after"][0]) >= 1
