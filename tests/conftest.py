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
def search_index_dir(settings, tmp_path):
    """Every test builds search indexes in its own folder and starts with empty search caches."""
    from search import selectors

    settings.SEARCH_INDEX_DIR = tmp_path / "search"
    selectors.reset_caches()
    yield settings.SEARCH_INDEX_DIR
    selectors.reset_caches()


@pytest.fixture(autouse=True)
def _reset_language():
    """A request to /zh-hans/ activates Chinese for the thread; later tests expect English."""
    from django.utils import translation

    yield
    translation.activate("en")


@pytest.fixture
def real_worker():
    """The Celery app talking to a real broker and worker (tests marked celery_worker)."""
    from django.conf import settings

    from config.celery import app as celery_app
    from tests.utils import skip_unless_available

    skip_unless_available(
        bool(settings.CELERY_BROKER_URL),
        reason="no CELERY_BROKER_URL: no real worker to talk to",
        required_by="REQUIRE_CELERY_WORKER",
    )
    celery_app.conf.task_always_eager = False
    try:
        replies = celery_app.control.ping(timeout=5.0)
        skip_unless_available(
            bool(replies),
            reason="no Celery worker answered a ping",
            required_by="REQUIRE_CELERY_WORKER",
        )
        yield celery_app
    finally:
        celery_app.conf.task_always_eager = True
