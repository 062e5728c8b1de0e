from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sessions.backends.base import SessionBase
from django.db.models import Q, QuerySet

from common.text import is_chinese

from .models import Address, Order, ShippingMethod

RECENT_ORDERS_SESSION_KEY = "recent_orders"


def orders_for(user: AbstractBaseUser) -> QuerySet[Order]:
    return Order.objects.filter(user=user).prefetch_related("lines")


def visible_order(
    number: str, *, user: AbstractBaseUser | None, session: SessionBase
) -> Order | None:
    """The order if this visitor may see it: its customer, or the guest session that placed it.

    Anyone else gets None (a 404), never a hint that the number exists.
    """
    # The number comes from the URL: one no order can have (NUL, which PostgreSQL refuses
    # in any query, or longer than the column) is answered without asking the database.
    if "\x00" in number or len(number) > Order._meta.get_field("number").max_length:
        return None
    order = (
        Order.objects.filter(number=number)
        .prefetch_related("lines", "events", "return_requests")
        .first()
    )
    if order is None:
        return None
    if order.user_id is not None:
        return order if user is not None and user.pk == order.user_id else None
    return order if number in session.get(RECENT_ORDERS_SESSION_KEY, []) else None


def paying_customer_ids() -> QuerySet[Order]:
    """``user_id`` of every customer with an order that was paid (or shipped or delivered:
    cash on delivery is paid at the door), as a subquery for ``user_id__in``.

    A placed order alone does not count: an unpaid cash-on-delivery order costs nothing.
    """
    return (
        Order.objects.filter(user__isnull=False)
        .filter(
            Q(paid_at__isnull=False) | Q(status__in=[Order.Status.SHIPPED, Order.Status.DELIVERED])
        )
        .values("user_id")
    )


def unpaid_orders_to_expire(*, placed_before: datetime) -> QuerySet[Order]:
    """Pending orders (cash on delivery nobody confirmed or paid) placed before the cutoff,
    oldest id first."""
    return Order.objects.filter(
        status=Order.Status.PENDING, paid_at__isnull=True, placed_at__lt=placed_before
    ).order_by("pk")


def shipping_method_name(order: Order, language: str) -> str:
    """The order's shipping method named in ``language``: the shop's Chinese name for a Chinese
    page where the method still has one, else the name recorded with the order (in the
    language it was placed in)."""
    if is_chinese(language):
        chinese = (
            ShippingMethod.objects.filter(code=order.shipping_method_code)
            .values_list("name_zh", flat=True)
            .first()
        )
        if chinese:
            return chinese
    return order.shipping_method_name


def customer_names() -> Iterator[tuple[str, ...]]:
    """Every personal name the shop holds: users' (first, last), saved addresses' and orders'
    shipping names, one tuple of name parts each. What training data must never contain."""
    users = get_user_model().objects.values_list("first_name", "last_name")
    for first, last in users.iterator():
        if first or last:
            yield (first, last)
    for name in Address.objects.exclude(full_name="").values_list("full_name", flat=True):
        yield (name,)
    for address in Order.objects.values_list("shipping_address", flat=True).iterator():
        if isinstance(address, dict) and address.get("full_name"):
            yield (str(address["full_name"]),)
