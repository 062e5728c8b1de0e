"""With Redis down, the storefront serves from the database and /healthz says "degraded"."""

from __future__ import annotations

from typing import Any

import pytest

from common import cache as fail_open

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: every connection is refused, as with a stopped Redis.
DEAD_REDIS = {
    "default": {
        "BACKEND": "common.cache.FailOpenRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "KEY_PREFIX": "shop",
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
    }
}


@pytest.fixture
def redis_down(settings: Any) -> None:
    fail_open.reset_outages()
    settings.CACHES = DEAD_REDIS
    yield
    fail_open.reset_outages()


def test_storefront_pages_answer_200_with_redis_down(
    client: Any, build_shop_index: Any, small_shop: Any, redis_down: None
) -> None:
    """Home, a product page, the search page and the search API are built from the database."""
    build_shop_index()
    road = small_shop["products"]["road"]

    home = client.get("/en/")
    product = client.get(f"/en/p/{road.slug}/")
    search = client.get("/en/search/", {"q": "running shoe"})
    api = client.get("/api/search", {"q": "running shoe"})

    assert [r.status_code for r in (home, product, search, api)] == [200, 200, 200, 200]
    assert road.title in product.content.decode()
    assert road.pk in [hit["id"] for hit in api.json()["results"]]


def test_rate_limits_still_count_with_redis_down(
    client: Any, settings: Any, small_shop: Any, redis_down: None
) -> None:
    """During an outage the search limit counts in this process: neither every request
    refused nor the limit switched off."""
    settings.SEARCH_RATE_LIMIT = "2/m"

    statuses = [client.get("/api/search", {"q": "shoe"}).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_healthz_says_degraded_with_the_cache_down(
    client: Any, redis_down: None, settings: Any
) -> None:
    """A cache that fails open and is down degrades the process (200), it does not stop it."""
    settings.HEALTHZ_SHOW_DETAIL = True
    response = client.get("/healthz")
    body = response.json()

    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["cache"]["state"] == "down"
    assert "Connection refused" in body["checks"]["cache"]["detail"]
    assert body["checks"]["database"]["state"] == "ok"


def test_healthz_is_an_error_when_a_cache_that_does_not_fail_open_is_down(
    client: Any, settings: Any
) -> None:
    """Django's own RedisCache raises on every page when Redis is down: that is still a 503."""
    settings.CACHES = {
        "default": {
            **DEAD_REDIS["default"],
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    assert (response.json()["status"], response.json()["checks"]["cache"]["state"]) == (
        "error",
        "down",
    )


def test_healthz_shows_the_interaction_buffer_counters(client: Any) -> None:
    body = client.get("/healthz").json()

    assert set(body["interactions"]) == {"pending", "dropped_overflow", "dropped_rejected"}
    assert body["status"] == "ok"
