"""Order placement is limited per visitor and per client address (429 with Retry-After)."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from shop.orders.models import Order
from tests.factories import ProductFactory
from tests.factories.orders import ShippingMethodFactory

pytestmark = pytest.mark.django_db

FORM = {
    "email": "guest@example.com",
    "full_name": "Li Lei",
    "line1": "88 Century Avenue",
    "city": "Shanghai",
    "postcode": "200120",
    "country": "cn",
    "shipping_method": "std",
    "payment_method": "cod",
}


@pytest.fixture
def product():
    ShippingMethodFactory(code="std", price=Decimal("5.00"))
    return ProductFactory(price=Decimal("20.00"), stock=100)


def place(client, product):
    client.post(reverse("cart:add"), {"product_id": product.pk, "quantity": "1"})
    review = client.post(reverse("orders:checkout"), {**FORM, "action": "review"})
    key = review.context["idempotency_key"]
    return client.post(
        reverse("orders:checkout"),
        {**FORM, "action": "place", "idempotency_key": key, "expected_total": "25.00"},
    )


def test_one_visitor_over_the_limit_gets_429_and_no_order(client, product, settings):
    """The visitor's third order in the window is refused with Retry-After; its cart stays."""
    settings.SHOP_CHECKOUT_VISITOR_RATE_LIMIT = "2/h"

    assert [place(client, product).status_code for _ in range(2)] == [302, 302]
    refused = place(client, product)

    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert "You have placed many orders in a short time." in refused.content.decode()
    assert Order.objects.count() == 2
    product.refresh_from_db()
    assert product.stock == 98
    assert len(client.get(reverse("cart:detail")).context["cart"].lines) == 1


def test_new_sessions_from_one_address_share_the_address_limit(product, settings):
    """Dropping the session cookie does not escape the per-address limit."""
    settings.SHOP_CHECKOUT_ADDRESS_RATE_LIMIT = "2/h"

    statuses = [place(Client(REMOTE_ADDR="203.0.113.9"), product).status_code for _ in range(3)]
    other_address = place(Client(REMOTE_ADDR="198.51.100.4"), product)

    assert statuses == [302, 302, 429]
    assert other_address.status_code == 302
    assert Order.objects.count() == 3


def test_review_steps_do_not_count(client, product, settings):
    """Only placing counts: reviewing and editing the form are free."""
    settings.SHOP_CHECKOUT_VISITOR_RATE_LIMIT = "1/h"
    client.post(reverse("cart:add"), {"product_id": product.pk, "quantity": "1"})
    for _ in range(3):
        review = client.post(reverse("orders:checkout"), {**FORM, "action": "review"})
        client.post(reverse("orders:checkout"), {**FORM, "action": "edit"})

    placed = client.post(
        reverse("orders:checkout"),
        {
            **FORM,
            "action": "place",
            "idempotency_key": review.context["idempotency_key"],
            "expected_total": "25.00",
        },
    )

    assert placed.status_code == 302
    assert Order.objects.count() == 1


def test_limits_default_to_10_per_visitor_and_30_per_address_per_hour():
    """Production defaults; None or "" switches a limit off."""
    from config.settings import base

    assert (base.SHOP_CHECKOUT_VISITOR_RATE_LIMIT, base.SHOP_CHECKOUT_ADDRESS_RATE_LIMIT) == (
        "10/h",
        "30/h",
    )


def test_a_limit_set_to_none_is_off(client, product, settings):
    """With both limits off, nothing is counted."""
    settings.SHOP_CHECKOUT_VISITOR_RATE_LIMIT = None
    settings.SHOP_CHECKOUT_ADDRESS_RATE_LIMIT = ""

    assert [place(client, product).status_code for _ in range(12)] == [302] * 12
