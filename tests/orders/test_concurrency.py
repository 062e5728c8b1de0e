"""Oversell and double-submit races on real PostgreSQL row locks."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from shop.catalog.models import Product
from shop.orders import services
from shop.orders.exceptions import CheckoutError
from shop.orders.models import Order, OrderLine
from tests.factories import ProductFactory, UserFactory
from tests.factories.orders import ShippingMethodFactory
from tests.utils import skip_unless_available

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ADDRESS = {"full_name": "A", "line1": "1 St", "city": "C", "postcode": "1", "country": "US"}


@pytest.fixture(autouse=True)
def _postgres_only():
    skip_unless_available(
        connection.vendor == "postgresql",
        reason="row-lock races need PostgreSQL (SQLite serialises whole-database writes)",
        required_by="REQUIRE_POSTGRES",
    )


def run_concurrently(count, target):
    """Start ``count`` threads together; returns each thread's result or exception."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def worker(index):
        try:
            barrier.wait(timeout=10)
            results[index] = target(index)
        except Exception as error:  # noqa: BLE001 - the test inspects every outcome
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.parametrize(("units", "buyers"), [(1, 8), (3, 12)])
def test_oversell_concurrency_last_units_go_to_exactly_k_buyers(units, buyers):
    """N buyers race for the last K units: K orders, N-K clear refusals, stock exactly 0."""
    ShippingMethodFactory(code="std", price=Decimal("0"))
    product = ProductFactory(stock=units, price=Decimal("10.00"))
    users = [UserFactory() for _ in range(buyers)]

    results = run_concurrently(
        buyers,
        lambda i: services.place_order(
            lines={product.pk: 1},
            user=users[i],
            email=f"b{i}@example.com",
            address=ADDRESS,
            shipping_method_code="std",
            payment_method="cod",
            idempotency_key=f"race-{i}",
        ),
    )

    orders = [r for r in results if isinstance(r, Order)]
    refusals = [r for r in results if isinstance(r, CheckoutError)]
    assert (len(orders), len(refusals)) == (units, buyers - units), results
    assert Product.objects.get(pk=product.pk).stock == 0
    assert Order.objects.count() == units
    assert OrderLine.objects.count() == units  # no order without its line
    assert all("left in stock" in str(r) for r in refusals)


def test_concurrency_double_submit_creates_one_order():
    """Four simultaneous submits of one checkout form produce one order and take stock once."""
    ShippingMethodFactory(code="std", price=Decimal("0"))
    product = ProductFactory(stock=10)
    user = UserFactory()

    results = run_concurrently(
        4,
        lambda i: services.place_order(
            lines={product.pk: 2},
            user=user,
            email="a@example.com",
            address=ADDRESS,
            shipping_method_code="std",
            payment_method="cod",
            idempotency_key="one-form",
        ),
    )

    assert all(isinstance(r, Order) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Order.objects.count() == 1
    assert Product.objects.get(pk=product.pk).stock == 8
