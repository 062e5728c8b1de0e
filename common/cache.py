"""A Redis cache that fails open: when Redis is down, pages are served from the database.

Django's ``RedisCache`` raises ``ConnectionError`` from every ``get`` and ``set`` once Redis
stops answering, which made every storefront page a 500. :class:`FailOpenRedisCache` catches
Redis's connection and timeout errors (nothing else: a wrong value type is still a bug) and
answers as an empty cache would: reads miss (``get`` returns the default, ``get_many`` an empty
dict), writes and deletes are dropped. Each failure opens a short circuit: for
``RETRY_SECONDS`` this process does not try Redis at all, so a Redis that times out costs one
request one socket timeout, not every cache call of every request. The outage is logged once
per ``LOG_INTERVAL_SECONDS``, and ``/healthz`` reports the cache "down" and the process
"degraded" (:meth:`FailOpenRedisCache.ping`).

Counters are the exception: ``add``, ``incr`` and ``decr`` go to a local-memory cache of this
process during an outage. The request limits (``common.ratelimit``: ``add`` starts a window,
``incr`` counts) then keep counting per process, so a Redis outage neither refuses every
request (an ``incr`` that always failed would) nor switches the limits off (an ``incr`` that
always started a new window would); a deployment of N processes allows up to N times each
limit until Redis is back. Nothing reads those local counters back through ``get``: a value
cached for pages must never come from one process's memory, where another process's
invalidation (the catalog version) cannot reach it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What "Redis is unavailable" looks like; BusyLoadingError (Redis restarting) is a
# ConnectionError too.
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_SECONDS = 5.0
LOG_INTERVAL_SECONDS = 60.0


class Outage:
    """One Redis location's state in this process, shared by every thread's cache object
    (Django builds one cache object per thread)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self.down_since: float | None = None
        self.error = ""
        self._retry_at = 0.0
        self._logged_at: float | None = None

    def skipping(self) -> bool:
        """Whether calls should not even try Redis now (a failure less than RETRY_SECONDS ago)."""
        return self.down_since is not None and self._clock() < self._retry_at

    def failed(self, exc: Exception) -> None:
        now = self._clock()
        with self._lock:
            if self.down_since is None:
                self.down_since = now
            self._retry_at = now + RETRY_SECONDS
            self.error = f"{type(exc).__name__}: {exc}"[:200]
            if self._logged_at is not None and now - self._logged_at < LOG_INTERVAL_SECONDS:
                return
            self._logged_at = now
        # The error names the host and port, never the URL (which may hold a password).
        logger.warning("Cache unavailable, serving without it: %s", self.error)

    def recovered(self) -> None:
        if self.down_since is None:
            return
        with self._lock:
            if self.down_since is None:
                return
            seconds = self._clock() - self.down_since
            self.down_since, self.error, self._logged_at = None, "", None
        logger.warning("Cache available again after %.0f s", seconds)


_outages: dict[str, Outage] = {}
_outages_lock = threading.Lock()


def outage_for(location: str) -> Outage:
    with _outages_lock:
        return _outages.setdefault(location, Outage())


def reset_outages() -> None:
    """Forget every location's outage (tests)."""
    with _outages_lock:
        _outages.clear()


class FailOpenRedisCache(RedisCache):
    """``RedisCache`` that answers like an empty cache while Redis is unavailable.

    Configure it like ``django.core.cache.backends.redis.RedisCache``; give ``OPTIONS``
    short ``socket_connect_timeout`` and ``socket_timeout`` so an unreachable Redis does not
    stall requests (config/settings/base.py).
    """

    #: Read by /healthz: an outage of this cache degrades the process instead of stopping it.
    fails_open = True

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._outage = outage_for(str(server))
        # Shared by the threads of this process (LocMemCache keeps its data by name).
        self._counters = LocMemCache(f"fail-open-counters:{server}", {})

    def _guarded(self, fallback: Callable[[], Any], operation: Callable[..., Any], *args: Any):
        if self._outage.skipping():
            return fallback()
        try:
            result = operation(*args)
        except UNAVAILABLE as exc:
            self._outage.failed(exc)
            return fallback()
        self._outage.recovered()
        return result

    def ping(self) -> None:
        """Ask Redis, past any open circuit; raises Redis's error when it does not answer."""
        try:
            self._cache.get_client(write=True).ping()
        except UNAVAILABLE as exc:
            self._outage.failed(exc)
            raise
        self._outage.recovered()

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None):
        return self._guarded(
            lambda: self._counters.add(key, value, timeout, version),
            super().add,
            key,
            value,
            timeout,
            version,
        )

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._guarded(lambda: default, super().get, key, default, version)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None):
        return self._guarded(lambda: None, super().set, key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._guarded(lambda: False, super().touch, key, timeout, version)

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._guarded(lambda: False, super().delete, key, version)

    def get_many(self, keys: Any, version: Any = None) -> dict:
        return self._guarded(dict, super().get_many, keys, version)

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._guarded(lambda: False, super().has_key, key, version)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        # The local counter raises ValueError for a key it never saw, as Redis's incr does.
        return self._guarded(
            lambda: self._counters.incr(key, delta, version), super().incr, key, delta, version
        )

    def set_many(self, data: dict, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> list:
        return self._guarded(lambda: list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys: Any, version: Any = None) -> None:
        return self._guarded(lambda: None, super().delete_many, keys, version)

    def clear(self) -> None:
        self._counters.clear()
        return self._guarded(lambda: None, super().clear)
