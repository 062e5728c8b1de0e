"""The catalog's cache version: one number that, when bumped, orphans every cached entry.

Kept apart from selectors so that services (writes) can invalidate without importing the
read side.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache

VERSION_KEY = "catalog:version"


def _cache_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # A time-based start keeps an evicted counter from reviving entries of an old version.
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY) or 0
    return version


# Process-local copies of the small structures every page needs (tree, schemas, brands), so a
# request does not unpickle them again. Keys carry the shared version, so an invalidation in
# any process is seen here at the next lookup; entries also expire like their shared copies.
_local: dict[str, tuple[float, Any]] = {}
LOCAL_LIMIT = 512


def cached(key: str, build: Any, timeout: int) -> Any:
    """``build()``'s value under ``key`` (a :func:`versioned_key`), from this process, then
    the shared cache, else built and stored in both for ``timeout`` seconds."""
    now = time.monotonic()
    hit = _local.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout)
    if len(_local) >= LOCAL_LIMIT:
        _local.clear()
    _local[key] = (now + timeout, value)
    return value


def catalog_version() -> int:
    """The current cache version; changes on every :func:`invalidate_catalog_cache`."""
    return _cache_version()


def versioned_key(*parts: object) -> str:
    """A cache key that every :func:`invalidate_catalog_cache` orphans."""
    return ":".join(["catalog", f"v{_cache_version()}", *map(str, parts)])


def invalidate_catalog_cache() -> None:
    """Forget cached navigation, schemas, brands and listings after a catalog write.

    Cheap and safe to call often (one cache increment); call it after the surrounding
    transaction commits so a concurrent request cannot re-cache the old data.
    """
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), None)
    _local.clear()
