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


@pytest.fixture(autouse=True)
def _celery_join_allowed():
    """Celery keeps "a task runs here, so result.get() would block" in one process-wide flag,
    set and reset around each eager run. Set by one thread's eager run while another's ends
    (the live server's and the test's), it can stay set: CI saw two unrelated ``.get()`` calls
    fail with "Never call result.get() within a task!". Each test starts with it clear."""
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)


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
