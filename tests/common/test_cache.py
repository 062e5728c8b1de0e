"""common.cache.FailOpenRedisCache: an unavailable Redis reads as an empty cache."""

from __future__ import annotations

import logging
import uuid

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from common import cache as fail_open
from common.cache import FailOpenRedisCache

DEAD = "redis://127.0.0.1:1/0"  # nothing listens on port 1
LIVE = "redis://127.0.0.1:6379/0"
TIMEOUTS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}


@pytest.fixture(autouse=True)
def _fresh_outages():
    fail_open.reset_outages()
    yield
    fail_open.reset_outages()


def backend(location: str) -> FailOpenRedisCache:
    # A prefix of its own: tests against the real Redis never touch other keys.
    return FailOpenRedisCache(
        location, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}", "OPTIONS": TIMEOUTS}
    )


def test_dead_redis_reads_miss_writes_are_dropped_and_one_warning_is_logged(caplog):
    cache = backend(DEAD)

    with caplog.at_level(logging.WARNING, logger="common.cache"):
        answers = [
            cache.get("k", "default"),
            cache.set("k", 1),
            cache.get_many(["k", "j"]),
            cache.has_key("k"),
            cache.delete("k"),
            cache.touch("k"),
            cache.set_many({"a": 1, "b": 2}),
            cache.get_or_set("k", 7),
        ]

    assert answers == ["default", None, {}, False, False, False, ["a", "b"], 7]
    assert [r.getMessage() for r in caplog.records] == [
        "Cache unavailable, serving without it: ConnectionError: Error 111 connecting to "
        "127.0.0.1:1. Connection refused."
    ]


def test_dead_redis_counters_count_in_this_process():
    """add/incr (the rate limits' window and count) go on counting locally; incr of an
    unknown key still raises ValueError, as on Redis."""
    cache = backend(DEAD)

    assert cache.add("hits", 0) is True
    assert [cache.incr("hits") for _ in range(3)] == [1, 2, 3]
    assert cache.decr("hits") == 2
    with pytest.raises(ValueError, match="not found"):
        cache.incr("never-added")
    # Counters are never read back as cached values.
    assert cache.get("hits") is None


def test_ping_raises_while_redis_is_down():
    with pytest.raises(RedisConnectionError):
        backend(DEAD).ping()


def test_live_redis_round_trip_and_recovery_is_logged(caplog):
    """After an outage the next successful call closes it (and says so); values round-trip."""
    cache = backend(LIVE)
    try:
        cache.ping()
    except RedisConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    outage = fail_open.outage_for(LIVE)
    outage.failed(RedisConnectionError("Connection refused."))
    assert outage.skipping() is True
    assert cache.get("k", "skipped") == "skipped"

    with caplog.at_level(logging.WARNING, logger="common.cache"):
        cache.ping()
    try:
        cache.set("k", {"value": 1}, 30)
        assert cache.get("k") == {"value": 1}
    finally:
        cache.delete("k")

    assert outage.down_since is None
    assert caplog.records[-1].getMessage() == "Cache available again after 0 s"
