import pytest
from django.conf import settings

from config.celery import app as celery_app
from shop.interactions.tasks import refresh_product_popularity_task
from tests.factories import InteractionFactory, ProductFactory
from tests.utils import skip_unless_available


@pytest.mark.django_db
def test_popularity_task_runs_inline_without_a_broker():
    """With no broker configured the task runs in-process and returns the changed count."""
    product = ProductFactory()
    InteractionFactory(product=product, kind="view")

    assert refresh_product_popularity_task.delay(30).get() == 1

    product.refresh_from_db()
    assert product.popularity == 1.0


@pytest.fixture
def real_worker():
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


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_popularity_task_runs_on_a_real_worker(real_worker):
    """Through Redis, a separate worker process computes popularity in the test database."""
    product = ProductFactory()
    InteractionFactory(product=product, kind="purchase")

    result = refresh_product_popularity_task.apply_async(args=[30], queue="default")

    assert result.get(timeout=60) == 1
    product.refresh_from_db()
    assert product.popularity == 5.0
