import pytest

from shop.interactions.tasks import refresh_product_popularity_task
from tests.factories import InteractionFactory, ProductFactory


@pytest.mark.django_db
def test_popularity_task_runs_inline_without_a_broker():
    """With no broker configured the task runs in-process and returns the changed count."""
    product = ProductFactory()
    InteractionFactory(product=product, kind="view")

    assert refresh_product_popularity_task.delay(30).get() == 1

    product.refresh_from_db()
    assert product.popularity == 1.0


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
