"""The chat's tools on orders, always called with the authenticated identity, and on products.

An order number read from a message is only a key to look up among the orders this identity
may see: a signed-in customer's own orders, or, for a guest, the order whose email the guest
also gave. Any other number (another customer's, or one that does not exist) gives the same
``None``, so the chat never hints that it exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

# Order numbers as place_order writes them (yymmdd-XXXXXX); tests' factories use T-000123.
# ASCII boundaries, not \b: Chinese runs straight into a number ("订单T-000123到了吗"), and
# to \b a Han character is a word character like a letter.
ORDER_NUMBER = re.compile(r"(?<![A-Za-z0-9])([0-9]{6}-[0-9A-Fa-f]{6}|T-[0-9]{6})(?![A-Za-z0-9])")
# ASCII only, for the same reason: "邮箱ada@example.com到了吗" holds the address ada@example.com.
EMAIL = re.compile(r"[A-Za-z0-9.+_-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


@dataclass(frozen=True)
class OrderInfo:
    number: str
    status: str
    status_label: str
    placed_at: datetime
    shipped_at: datetime | None
    delivered_at: datetime | None
    shipping_method: str
    # the carrier's parcel number once shipped, else ""
    tracking_number: str
    url: str
    return_deadline: datetime | None
    returnable: bool


def order_number_in(text: str) -> str:
    match = ORDER_NUMBER.search(text or "")
    return match.group(1).upper() if match else ""


def email_in(text: str) -> str:
    match = EMAIL.search(text or "")
    return match.group(0) if match else ""


def _info(order: Any, now: datetime) -> OrderInfo:
    from shop.orders.models import Order
    from shop.orders.selectors import shipping_method_name
    from shop.orders.services import return_deadline

    deadline = return_deadline(order)
    return OrderInfo(
        number=order.number,
        status=order.status,
        status_label=str(order.get_status_display()),
        placed_at=order.placed_at,
        shipped_at=order.shipped_at,
        delivered_at=order.delivered_at,
        shipping_method=shipping_method_name(order, translation.get_language() or "en"),
        tracking_number=order.tracking_number,
        url=order.get_absolute_url(),
        return_deadline=deadline,
        returnable=order.status == Order.Status.DELIVERED
        and deadline is not None
        and now <= deadline,
    )


def find_order(
    *, number: str, user: Any, email: str = "", now: datetime | None = None
) -> OrderInfo | None:
    """The order ``number`` if this identity may see it, else None (whatever the reason).

    Signed in: only the customer's own orders. A guest: only an order placed without an
    account whose email equals ``email`` (case-insensitive); without an email, nothing.
    """
    from shop.orders.models import Order
    from shop.orders.selectors import orders_for

    if not number:
        return None
    if user is not None and user.is_authenticated:
        order = orders_for(user).filter(number=number).first()
    elif email:
        order = Order.objects.filter(
            number=number, user__isnull=True, email__iexact=email.strip()
        ).first()
    else:
        order = None
    return _info(order, now or timezone.now()) if order is not None else None


def recent_orders(*, user: Any, limit: int = 3, now: datetime | None = None) -> list[OrderInfo]:
    """A signed-in customer's latest orders; a guest has none without a number and email."""
    from shop.orders.selectors import orders_for

    if user is None or not user.is_authenticated:
        return []
    now = now or timezone.now()
    return [_info(order, now) for order in orders_for(user)[:limit]]


def returnable_orders(*, user: Any, now: datetime | None = None) -> list[OrderInfo]:
    """A signed-in customer's delivered orders still inside the return window, newest first
    (however many newer orders they have placed since)."""
    from django.conf import settings

    from shop.orders.models import Order
    from shop.orders.selectors import orders_for

    if user is None or not user.is_authenticated:
        return []
    now = now or timezone.now()
    since = now - timedelta(days=settings.SHOP_RETURN_WINDOW_DAYS)
    delivered = orders_for(user).filter(status=Order.Status.DELIVERED, delivered_at__gte=since)
    return [_info(order, now) for order in delivered.order_by("-delivered_at")]


def order_id_for(*, number: str, user: Any) -> int | None:
    """The primary key of the signed-in customer's own order ``number`` (for a return)."""
    from shop.orders.selectors import orders_for

    if user is None or not user.is_authenticated or not number:
        return None
    return orders_for(user).filter(number=number).values_list("pk", flat=True).first()


@dataclass(frozen=True)
class ProductFacts:
    title: str
    url: str
    # Sentences the catalog states about the product, in the active language: name and
    # price, stock, each attribute, the highlights, the description's sentences.
    facts: list[str]


def product_facts(slug: str) -> ProductFacts | None:
    """What the catalog says about the active product ``slug``, in the active language."""
    from shop.catalog.selectors.detail import get_product_detail
    from support_chat.grounding import sentences

    detail = get_product_detail(slug)
    if detail is None:
        return None
    card = detail.card
    chinese = (translation.get_language() or "").startswith("zh")
    stop = "。" if chinese else "."
    facts = [
        _("%(title)s costs %(price)s.") % {"title": card.title, "price": card.price},
        _("It is in stock.") if detail.stock > 0 else _("It is out of stock."),
    ]
    facts += [f"{row.name}: {row.value}{stop}" for row in detail.attributes]
    facts += [f"{line.rstrip('.。')}{stop}" for line in detail.highlights if line.strip()]
    facts += sentences(detail.description)
    return ProductFacts(title=card.title, url=card.url, facts=facts)
