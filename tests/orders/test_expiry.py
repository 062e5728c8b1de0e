"""Pending (unpaid cash-on-delivery) orders expire after SHOP_UNPAID_ORDER_EXPIRY_HOURS: they
are cancelled through the status flow and their stock goes back on the shelf."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from shop.catalog.models import Product
from shop.orders import services, tasks
from shop.orders.models import Order, OrderEvent
from tests.factories import ProductFactory
from tests.factories.orders import ShippingMethodFactory

pytestmark = pytest.mark.django_db

ADDRESS = {
    "full_name": "Li Lei",
    "line1": "88 Century Avenue",
    "city": "Shanghai",
    "postcode": "200120",
    "country": "CN",
}


@pytest.fixture
def product():
    ShippingMethodFactory(code="std", price=Decimal("5.00"))
    return ProductFactory(price=Decimal("10.00"), stock=10)


def order_placed(product, *, hours_ago, key, payment="cod", quantity=2):
    order = services.place_order(
        lines={product.pk: quantity},
        user=None,
        email="li@example.com",
        address=ADDRESS,
        shipping_method_code="std",
        payment_method=payment,
        payment_token="4242424242424242" if payment == "test_card" else "",
        idempotency_key=key,
        send_confirmation=False,
        log_purchase=False,
    )
    Order.objects.filter(pk=order.pk).update(placed_at=timezone.now() - timedelta(hours=hours_ago))
    return order


def statuses():
    return dict(Order.objects.values_list("idempotency_key", "status"))


def test_the_command_cancels_only_expired_unpaid_orders_and_restocks(product, capsys):
    """Pending orders past 72 hours are cancelled and their units return; a younger pending
    order and an old paid one are left alone; the cancellation is on the order's timeline."""
    order_placed(product, hours_ago=73, key="old-cod")
    order_placed(product, hours_ago=71, key="young-cod")
    order_placed(product, hours_ago=200, key="old-paid", payment="test_card")
    assert Product.objects.get(pk=product.pk).stock == 4

    call_command("expire_unpaid_orders", "--chunk-size", "1", verbosity=1)

    assert statuses() == {"old-cod": "cancelled", "young-cod": "pending", "old-paid": "paid"}
    assert Product.objects.get(pk=product.pk).stock == 6
    event = OrderEvent.objects.get(order__idempotency_key="old-cod", to_status="cancelled")
    assert (event.from_status, event.note) == ("pending", "expired: not confirmed within 72 hours")
    assert "Expired 1 unpaid orders" in capsys.readouterr().out


def test_a_second_run_expires_nothing_twice(product):
    """Idempotent: a rerun (or a concurrent beat run) restocks nothing again."""
    order = order_placed(product, hours_ago=80, key="old-cod")
    cutoff = services.unpaid_order_cutoff()

    assert services.expire_unpaid_orders(order_ids=[order.pk], placed_before=cutoff) == 1
    assert services.expire_unpaid_orders(order_ids=[order.pk], placed_before=cutoff) == 0
    assert Product.objects.get(pk=product.pk).stock == 10
    assert OrderEvent.objects.filter(order=order, to_status="cancelled").count() == 1


def test_the_threshold_is_a_setting(product, settings):
    """SHOP_UNPAID_ORDER_EXPIRY_HOURS moves the cutoff."""
    settings.SHOP_UNPAID_ORDER_EXPIRY_HOURS = 2
    order_placed(product, hours_ago=3, key="three-hours")

    call_command("expire_unpaid_orders", verbosity=0)

    assert statuses() == {"three-hours": "cancelled"}


def test_dry_run_changes_nothing(product, capsys):
    """--dry-run counts the expired orders only."""
    order_placed(product, hours_ago=100, key="old-cod")

    call_command("expire_unpaid_orders", "--dry-run")

    assert statuses() == {"old-cod": "pending"}
    assert capsys.readouterr().out.startswith("1 unpaid orders placed before ")


def test_the_beat_task_works_in_batches_until_none_are_left(product):
    """A full batch queues the next one, so a backlog drains in bounded transactions."""
    for index in range(3):
        order_placed(product, hours_ago=100 + index, key=f"old-{index}", quantity=1)

    assert tasks.expire_unpaid_orders_task.apply(kwargs={"batch_size": 2}).get() == 2

    assert set(statuses().values()) == {"cancelled"}
    assert Product.objects.get(pk=product.pk).stock == 10


def test_beat_runs_the_expiry_hourly():
    """The schedule names the registered task, expiring with its interval."""
    entry = django_settings.CELERY_BEAT_SCHEDULE["expire-unpaid-orders"]

    assert entry == {
        "task": "shop.orders.tasks.expire_unpaid_orders_task",
        "schedule": 3600,
        "options": {"expires": 3600},
    }
    assert tasks.expire_unpaid_orders_task.name == entry["task"]
