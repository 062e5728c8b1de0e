"""The shared fixed-window limiter: rates, client addresses, counting and the view decorator."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory

from common import ratelimit
from common.ratelimit import Rate, client_ip, hit, parse_rate, rate_limit


@pytest.fixture
def clock(monkeypatch):
    """time.time() as the limiter sees it, starting 10 s into a minute."""
    now = {"t": 6_000_010.0}
    monkeypatch.setattr(ratelimit.time, "time", lambda: now["t"])
    return now


@pytest.mark.parametrize(
    ("value", "expected"),
    [("60/m", Rate(60, 60)), ("60/min", Rate(60, 60)), ("5/s", Rate(5, 1)),
     ("100/hour", Rate(100, 3600)), ("1/d", Rate(1, 86400)), (None, None), ("", None)],
)  # fmt: skip
def test_parse_rate(value, expected):
    assert parse_rate(value) == expected


@pytest.mark.parametrize("value", ["60", "0/m", "-1/m", "x/m", "60/w", "60/"])
def test_parse_rate_rejects_malformed_rates(value):
    with pytest.raises(ImproperlyConfigured, match="is not '<count>/<s|m|h|d>'"):
        parse_rate(value)


def test_client_ip_ignores_forwarded_for_without_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(request) == "10.0.0.1"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        # The client forged the first entry; the one trusted proxy appended the real address.
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),
        (2, "1.2.3.4, 203.0.113.9, 10.0.0.5", "203.0.113.9"),
        # Fewer entries than proxies: the left-most is the closest thing to the client.
        (2, "203.0.113.9", "203.0.113.9"),
        (1, "", "10.0.0.1"),
        (1, "not-an-address", "10.0.0.1"),
    ],
)
def test_client_ip_reads_forwarded_for_as_far_as_proxies_are_trusted(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_hit_counts_per_scope_and_key_and_refuses_past_the_limit(clock):
    rate = Rate(limit=2, window=60)
    verdicts = [hit("search", "1.1.1.1", rate=rate) for _ in range(3)]
    assert verdicts == [
        ratelimit.Verdict(allowed=True, count=1, retry_after=0),
        ratelimit.Verdict(allowed=True, count=2, retry_after=0),
        # 10 s into the minute: 50 s until the window ends.
        ratelimit.Verdict(allowed=False, count=3, retry_after=50),
    ]
    assert hit("search", "2.2.2.2", rate=rate).allowed is True
    assert hit("recommend", "1.1.1.1", rate=rate).allowed is True


def test_hit_starts_a_new_window(clock):
    rate = Rate(limit=1, window=60)
    assert hit("search", "ip", rate=rate).allowed is True
    assert hit("search", "ip", rate=rate).allowed is False
    clock["t"] += 50
    assert hit("search", "ip", rate=rate) == ratelimit.Verdict(allowed=True, count=1, retry_after=0)


@rate_limit("demo", setting="DEMO_RATE_LIMIT")
def _view(request):
    return HttpResponse("ok")


def test_rate_limit_decorator_answers_429_with_retry_after(settings, clock):
    settings.DEMO_RATE_LIMIT = "2/m"
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1")
    statuses = [_view(request).status_code for _ in range(2)]
    refused = _view(request)
    assert statuses == [200, 200]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "50"
    assert json.loads(refused.content) == {
        "error": "Too many requests. Try again in 50 seconds.",
        "retry_after": 50,
    }
    # Another address has its own budget.
    assert _view(RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")).status_code == 200


def test_rate_limit_decorator_switched_off_by_none(settings, clock):
    settings.DEMO_RATE_LIMIT = None
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1")
    assert [_view(request).status_code for _ in range(5)] == [200] * 5


def test_rate_limit_decorator_uses_the_given_key_and_response(settings, clock):
    @rate_limit(
        "demo",
        setting="DEMO_RATE_LIMIT",
        key=lambda request: "everyone",
        response=lambda request, retry_after: HttpResponse(f"wait {retry_after}"),
    )
    def view(request):
        return HttpResponse("ok")

    settings.DEMO_RATE_LIMIT = "1/m"
    assert view(RequestFactory().get("/", REMOTE_ADDR="10.0.0.1")).status_code == 200
    refused = view(RequestFactory().get("/", REMOTE_ADDR="10.0.0.2"))
    assert (refused.status_code, refused.content, refused["Retry-After"]) == (429, b"wait 50", "50")
