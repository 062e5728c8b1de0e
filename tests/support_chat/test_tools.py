"""The chat's order tools on the demo shop's own orders."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from demo.accounts import DemoPasswords
from demo.loader import load_demo_shop
from shop.orders.models import Order
from support_chat import tools


@pytest.mark.django_db
def test_order_status_answers_for_the_demo_customers_shipped_order():
    """After loading the smallest demo shop, demo_customer_01 asking about their shipped order
    by its number gets its status, dates, method and tracking number, and only their own."""
    load_demo_shop(products=20, customers=2, passwords=DemoPasswords.given("x"))
    user = get_user_model().objects.get(username="demo_customer_01")
    order = Order.objects.filter(user=user, status="shipped").earliest("placed_at")

    info = tools.find_order(number=tools.order_number_in(f"where is {order.number}?"), user=user)

    assert info == tools.OrderInfo(
        number=order.number,
        status="shipped",
        status_label="Shipped",
        placed_at=order.placed_at,
        shipped_at=order.shipped_at,
        delivered_at=None,
        shipping_method=order.shipping_method_name,
        tracking_number=order.tracking_number,
        url=f"/en/orders/{order.number}/",
        return_deadline=None,
        returnable=False,
    )
    assert order.tracking_number.startswith("DEMO-")
    other = get_user_model().objects.get(username="demo_customer_02")
    assert tools.find_order(number=order.number, user=other) is None
