"""The per-address request limit on /api/recommendations."""

from __future__ import annotations

import pytest

from common import ratelimit

pytestmark = pytest.mark.django_db

API = "/api/recommendations"


def test_api_over_the_limit_answers_429_json_with_retry_after(client, settings, monkeypatch, shop):
    settings.RECOMMEND_RATE_LIMIT = "2/m"
    monkeypatch.setattr(ratelimit.time, "time", lambda: 6_000_045.0)
    statuses = [client.get(API, {"surface": "home"}).status_code for _ in range(2)]
    refused = client.get(API, {"surface": "home"})
    other_address = client.get(API, {"surface": "home"}, REMOTE_ADDR="10.0.0.2")

    assert statuses == [200, 200]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "15"
    assert refused.json() == {
        "error": "Too many requests. Try again in 15 seconds.",
        "retry_after": 15,
    }
    assert other_address.status_code == 200
