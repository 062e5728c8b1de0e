"""Writes the demo customers' orders through the shop's own order services.

Each planned order (``demo.orders``) is placed with ``place_order``, moved along the status
flow with ``transition_order`` and, when its customer asked to return it, ``request_return``;
the services stamp the present moment, so the plan's dates are put back afterwards (as
``demo.write_history`` does for review dates). A rerun deletes the orders the previous load
placed (found by their idempotency key) and places them again.

Stock: the units an order took were on the shelf when it was bought. Each order's units are
put on the shelf just before ``place_order`` reserves them, so after the load every product
has the stock the catalog gives it, whatever the demo's orders bought, and deleting the demo's
orders on a rerun leaves stock as it is.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.test import override_settings

from shop.catalog.models import Product
from shop.orders.models import Order, OrderEvent, ReturnRequest
from shop.orders.payments import TestCardGateway, available_gateways
from shop.orders.services import place_order, request_return, save_address, transition_order

from .orders import CARD, ORDER_KEY_PREFIX, OrderPlan
from .write_catalog import ProgressFactory


def remove_demo_orders() -> int:
    """Delete the orders earlier loads placed, whoever owns them now; returns how many."""
    deleted = Order.objects.filter(idempotency_key__startswith=ORDER_KEY_PREFIX).delete()[1]
    return deleted.get(Order._meta.label, 0)


def write_orders(
    plans: Sequence[OrderPlan],
    *,
    user_ids: dict[int, int],
    product_ids: dict[int, int],
    chunk_size: int,
    progress: ProgressFactory,
) -> None:
    """Place the planned orders and save each customer's address for their next checkout."""
    users = get_user_model().objects.in_bulk(list(user_ids.values()))
    with _test_card_enabled(), progress(total=len(plans), desc="Orders", unit="order") as bar:
        for start in range(0, len(plans), chunk_size):
            with transaction.atomic():
                for plan in plans[start : start + chunk_size]:
                    _write_order(plan, user=users[user_ids[plan.customer]], product_ids=product_ids)
                    bar.update(1)
    addresses = {plan.customer: plan.address for plan in plans}
    for customer, address in addresses.items():
        save_address(user=users[user_ids[customer]], address=address)


@contextmanager
def _test_card_enabled() -> Iterator[None]:
    """The demo's history was paid by test card; a production-like stack (prod settings, where
    shoppers cannot choose it) still records those orders, with the gateway on only meanwhile."""
    if CARD in available_gateways():
        yield
        return
    path = f"{TestCardGateway.__module__}.{TestCardGateway.__qualname__}"
    with override_settings(SHOP_PAYMENT_GATEWAYS=[*settings.SHOP_PAYMENT_GATEWAYS, path]):
        yield


def _write_order(plan: OrderPlan, *, user, product_ids: dict[int, int]) -> None:
    lines = {product_ids[index]: quantity for index, quantity in plan.lines}
    for product_id, quantity in lines.items():
        Product.objects.filter(pk=product_id).update(stock=F("stock") + quantity)
    order = place_order(
        lines=lines,
        user=user,
        email=plan.email,
        address=plan.address,
        shipping_method_code=plan.shipping_method,
        payment_method=plan.payment_method,
        payment_token=TestCardGateway.APPROVED if plan.payment_method == CARD else "",
        idempotency_key=plan.idempotency_key,
        language=plan.language,
        # The demo's interaction log already holds these purchases, and nobody is emailed.
        log_purchase=False,
        send_confirmation=False,
    )
    if plan.shipped_at is not None:
        transition_order(
            order_id=order.pk, to_status=Order.Status.SHIPPED, tracking_number=plan.tracking_number
        )
    if plan.delivered_at is not None:
        transition_order(order_id=order.pk, to_status=Order.Status.DELIVERED)
    # request_return checks the window against delivered_at, so the dates go back first.
    Order.objects.filter(pk=order.pk).update(
        number=plan.number,
        placed_at=plan.placed_at,
        paid_at=plan.paid_at,
        shipped_at=plan.shipped_at,
        delivered_at=plan.delivered_at,
    )
    if plan.return_requested_at is not None:
        request_return(
            order_id=order.pk, user=user, reason=plan.return_reason, now=plan.return_requested_at
        )
        ReturnRequest.objects.filter(order_id=order.pk).update(created_at=plan.return_requested_at)
    moments = {
        Order.Status.PENDING: plan.placed_at,
        Order.Status.PAID: plan.placed_at,
        Order.Status.SHIPPED: plan.shipped_at,
        Order.Status.DELIVERED: plan.delivered_at,
        Order.Status.RETURN_REQUESTED: plan.return_requested_at,
    }
    for event in OrderEvent.objects.filter(order_id=order.pk):
        OrderEvent.objects.filter(pk=event.pk).update(created_at=moments[event.to_status])
    Order.objects.filter(pk=order.pk).update(updated_at=_latest(plan))


def _latest(plan: OrderPlan) -> datetime:
    moments = (plan.placed_at, plan.shipped_at, plan.delivered_at, plan.return_requested_at)
    return max(moment for moment in moments if moment is not None)
