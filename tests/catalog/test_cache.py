"""The catalog cache: one version read per request, local copies no staler than shared ones."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from shop.catalog import cache as catalog_cache
from shop.catalog.cache import (
    VERSION_KEY,
    CatalogVersionMiddleware,
    cached,
    invalidate_catalog_cache,
    versioned_key,
)


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    catalog_cache._local.clear()
    cache.set(VERSION_KEY, 7, None)
    yield
    cache.clear()
    catalog_cache._local.clear()


def _count_version_reads(monkeypatch) -> list[str]:
    reads = []
    original = cache.get

    def counting_get(key, *args, **kwargs):
        if key == VERSION_KEY:
            reads.append(key)
        return original(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", counting_get)
    return reads


def test_a_request_reads_the_version_once(monkeypatch):
    reads = _count_version_reads(monkeypatch)
    keys = []

    def view(request):
        keys.extend(versioned_key("part", n) for n in range(5))
        return HttpResponse()

    CatalogVersionMiddleware(view)(RequestFactory().get("/"))
    assert len(reads) == 1
    assert len(set(keys)) == 5
    assert {key.split(":")[1] for key in keys} == {"v7"}


def test_a_write_in_the_request_moves_its_later_keys_to_the_new_version():
    seen = []

    def view(request):
        seen.append(versioned_key("x"))
        invalidate_catalog_cache()
        seen.append(versioned_key("x"))
        return HttpResponse()

    CatalogVersionMiddleware(view)(RequestFactory().get("/"))
    assert seen == ["catalog:v7:x", "catalog:v8:x"]


def test_outside_a_request_every_key_reads_the_shared_version(monkeypatch):
    reads = _count_version_reads(monkeypatch)
    versioned_key("a")
    versioned_key("b")
    assert len(reads) == 2


def test_a_local_copy_expires_with_the_shared_copy_it_came_from(monkeypatch):
    """A process that fetched a 60 s entry built 50 s ago keeps it 10 s, not another 60."""
    clock = [1000.0]
    monkeypatch.setattr(catalog_cache.time, "time", lambda: clock[0])
    builds = []

    def build():
        builds.append(clock[0])
        return len(builds)

    assert cached("k", build, 60) == 1
    catalog_cache._local.clear()  # another process: only the shared copy
    clock[0] = 1050.0
    assert cached("k", build, 60) == 1
    clock[0] = 1059.0
    assert cached("k", build, 60) == 1
    assert builds == [1000.0]
    clock[0] = 1061.0
    cache.delete("k:stamped")  # the shared copy expired too (locmem's clock is real time)
    assert cached("k", build, 60) == 2
    assert builds == [1000.0, 1061.0]
