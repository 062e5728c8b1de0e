"""Per-address request limits on the search page, /api/search and suggestions."""

from __future__ import annotations

from typing import Any

import pytest

from common import ratelimit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limits(settings: Any, monkeypatch: Any) -> None:
    """Test settings lift the limits; these tests lower them, with the clock 20 s into a
    minute so Retry-After is exact."""
    settings.SEARCH_RATE_LIMIT = "2/m"
    settings.SEARCH_SUGGEST_RATE_LIMIT = "2/m"
    settings.TRUSTED_PROXY_COUNT = 0
    monkeypatch.setattr(ratelimit.time, "time", lambda: 6_000_020.0)


def test_search_page_over_the_limit_answers_a_friendly_429(client: Any, small_shop: Any) -> None:
    """Two searches a minute pass; the third gets a 429 page with Retry-After, no results."""
    statuses = [client.get("/en/search/", {"q": "headphones"}).status_code for _ in range(2)]
    refused = client.get("/en/search/", {"q": "headphones"})
    page = refused.content.decode()

    assert statuses == [200, 200]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"
    assert "You have searched a lot in a short time. Please try again in 40 seconds." in page
    assert 'class="error-code"' in page
    assert "data-degraded" not in page


def test_search_page_429_speaks_chinese(client: Any, small_shop: Any) -> None:
    for _ in range(2):
        client.get("/zh-hans/search/", {"q": "耳机"})
    refused = client.get("/zh-hans/search/", {"q": "耳机"})

    assert refused.status_code == 429
    assert "您的搜索过于频繁，请 40 秒后再试。" in refused.content.decode()


def test_api_shares_the_pages_budget_and_answers_json(client: Any, small_shop: Any) -> None:
    """The page and /api/search count against one budget; over it the API answers JSON."""
    client.get("/en/search/", {"q": "headphones"})
    allowed = client.get("/api/search", {"q": "headphones"})
    refused = client.get("/api/search", {"q": "headphones"})

    assert allowed.status_code == 200
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"
    assert refused.json() == {
        "error": "Too many requests. Try again in 40 seconds.",
        "retry_after": 40,
    }


def test_suggestions_have_their_own_budget(client: Any, small_shop: Any) -> None:
    for _ in range(3):
        client.get("/api/search", {"q": "headphones"})
    statuses = [client.get("/api/search/suggest", {"q": "hea"}).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_limits_are_per_address_and_ignore_a_forged_forwarded_for(
    client: Any, small_shop: Any
) -> None:
    """Another address has its own budget; X-Forwarded-For changes nothing while no proxy
    is trusted (TRUSTED_PROXY_COUNT = 0)."""
    for _ in range(2):
        client.get("/api/search", {"q": "headphones"}, REMOTE_ADDR="10.0.0.1")
    forged = client.get(
        "/api/search",
        {"q": "headphones"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    other = client.get("/api/search", {"q": "headphones"}, REMOTE_ADDR="10.0.0.2")

    assert forged.status_code == 429
    assert other.status_code == 200


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(
    client: Any, settings: Any, small_shop: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(2):
        client.get(
            "/api/search", {"q": "x"}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1"
        )
    same_client = client.get(
        "/api/search", {"q": "x"}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1"
    )
    next_client = client.get(
        "/api/search", {"q": "x"}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="2.2.2.2"
    )

    assert (same_client.status_code, next_client.status_code) == (429, 200)
