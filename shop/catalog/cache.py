"""The catalog's cache version: one number that, when bumped, orphans every cached entry.

Kept apart from selectors so that services (writes) can invalidate without importing the
read side.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

VERSION_KEY = "catalog:version"

# The version read once per request (CatalogVersionMiddleware): a page builds some twenty
# versioned keys, each a cache round trip otherwise, and one version for the whole request
# also keeps a page from mixing entries of two versions. None outside a request: commands and
# tasks read the shared version every time.
_request_version: ContextVar[list[int] | None] = ContextVar("catalog_request_version", default=None)


def _cache_version() -> int:
    memo = _request_version.get()
    if memo:
        return memo[0]
    version = cache.get(VERSION_KEY)
    if version is None:
        # A time-based start keeps an evicted counter from reviving entries of an old version.
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY) or 0
    if memo is not None:
        memo.append(version)
    return version


class CatalogVersionMiddleware:
    """Reads the catalog's cache version at most once per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request_version.set([])
        try:
            return self.get_response(request)
        finally:
            _request_version.reset(token)


# Process-local copies of the structures pages need (tree, schemas, brands, search's facet
# rows), so a request does not unpickle them again (the facet rows of 2,000 products are 250 KB,
# 2 ms to unpickle). Keys carry the shared version, so an invalidation in any process is seen
# here at the next lookup; a local copy expires when its shared copy does (the build time
# travels with the value), so data without a version bump (stock) is no staler than the
# shared cache's.
_local: dict[str, tuple[float, Any]] = {}
LOCAL_LIMIT = 512


def cached(key: str, build: Callable[[], Any], timeout: int) -> Any:
    """``build()``'s value under ``key`` (a :func:`versioned_key`), from this process, then
    the shared cache, else built and stored in both for ``timeout`` seconds."""
    now = time.time()
    hit = _local.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    shared_key = f"{key}:stamped"
    stamped = cache.get(shared_key)
    if stamped is None:
        stamped = (now + timeout, build())
        cache.set(shared_key, stamped, timeout)
    if len(_local) >= LOCAL_LIMIT:
        _local.clear()
    _local[key] = stamped
    return stamped[1]


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
    memo = _request_version.get()
    if memo:
        # This request wrote the catalog: its later reads see the new version.
        memo.clear()
