from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sessions.backends.base import SessionBase
from django.db.models import QuerySet

from .models import Order

RECENT_ORDERS_SESSION_KEY = "recent_orders"


def orders_for(user: AbstractBaseUser) -> QuerySet[Order]:
    return Order.objects.filter(user=user).prefetch_related("lines")


def visible_order(
    number: str, *, user: AbstractBaseUser | None, session: SessionBase
) -> Order | None:
    """The order if this visitor may see it: its customer, or the guest session that placed it.

    Anyone else gets None (a 404), never a hint that the number exists.
    """
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
