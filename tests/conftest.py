import pytest

# Model fixtures (tiny generator, MiniLM embedder) for every app's tests.
pytest_plugins = ["tests.llm_services.fixtures"]


@pytest.fixture(autouse=True)
def _clear_cache():
    """Cached navigation and facets must not leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _reset_language():
    """A request to /zh-hans/ activates Chinese for the thread; later tests expect English."""
    from django.utils import translation

    yield
    translation.activate("en")
