"""bench/storefront_load.py's own logic (the benchmark itself runs against gunicorn, see
docs/benchmarks.md)."""

import random
import sys

import pytest

from config.env import BASE_DIR


@pytest.fixture(scope="module")
def load():
    # The script imports bench/storefront_http.py as a sibling module, as when run directly.
    sys.path.insert(0, str(BASE_DIR / "bench"))
    try:
        import storefront_load

        yield storefront_load
    finally:
        sys.path.remove(str(BASE_DIR / "bench"))


CATALOG = {
    "categories": ["running-shoes", "mugs"],
    "products": [[1, "red-shoe"], [2, "blue-mug"]],
    "en_queries": ["running shoes under $50"],
    "zh_queries": ["跑步鞋 100元以下"],
}


def test_percentile_is_nearest_rank(load):
    values = [float(n) for n in range(1, 101)]
    assert load.percentile(values, 0.50) == 50.0
    assert load.percentile(values, 0.95) == 95.0
    assert load.percentile(values, 0.99) == 99.0
    assert load.percentile([7.0], 0.99) == 7.0
    assert load.percentile([], 0.95) == 0.0


def test_summarise_counts_errors_and_joins_the_search_page_and_api(load):
    recorder = load.Recorder()
    recorder.samples += [
        load.Sample("search_page", 0.0, 0.010, 200),
        load.Sample("api_search", 0.0, 0.030, 200),
        load.Sample("api_search", 0.0, 0.050, 500),
        load.Sample("home", 0.0, 0.005, 200),
    ]
    rows = load.summarise(recorder, seconds=2.0)
    assert rows["search"] == {
        "requests": 3,
        "per_s": 1.5,
        "p50_ms": 30.0,
        "p95_ms": 50.0,
        "p99_ms": 50.0,
        "errors": 1,
    }
    assert rows["all"]["requests"] == 4
    assert rows["home"]["errors"] == 0
    assert rows["suggest"]["requests"] == 0


def test_every_endpoint_of_the_mix_gets_a_path_in_both_languages(load):
    shopper = load.Shopper(0, port=1, catalog=CATALOG, think_ms=0)
    paths = set()
    for seed in range(200):
        shopper.rng = random.Random(seed)
        for endpoint in load.MIX:
            paths.add((endpoint, shopper.request_for(endpoint)))
    by_endpoint = {endpoint: {p for e, p in paths if e == endpoint} for endpoint in load.MIX}
    assert by_endpoint["home"] == {"/en/", "/zh-hans/"}
    assert {"/en/c/mugs/", "/zh-hans/c/running-shoes/"} <= by_endpoint["category"]
    assert "/en/p/red-shoe/" in by_endpoint["product"]
    assert any("lang=zh-hans" in p for p in by_endpoint["api_search"])
    assert all(p.startswith("/api/search/suggest?q=") for p in by_endpoint["suggest"])
    assert any("surface=product&product=" in p for p in by_endpoint["recommendations"])
    assert any(p.startswith("/zh-hans/search/?q=") for p in by_endpoint["search_page"])


def test_the_benchmark_lifts_exactly_the_request_limits_of_the_settings(load, settings):
    for name in load.LIFTED_LIMITS:
        assert hasattr(settings, name), name
