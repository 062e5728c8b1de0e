"""The one place totals are computed: cart page, checkout summary and place_order agree."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    shipping: Decimal
    total: Decimal
    currency: str
    item_count: int


def calculate_totals(
    lines: Iterable[tuple[Decimal, int]],
    *,
    currency: str,
    shipping_price: Decimal = Decimal("0"),
    free_shipping_over: Decimal | None = None,
) -> Totals:
    """Totals for ``(unit_price, quantity)`` lines and a shipping price.

    Shipping is free when ``free_shipping_over`` is set and the subtotal reaches it.
    """
    subtotal = Decimal("0")
    count = 0
    for unit_price, quantity in lines:
        subtotal += money(unit_price * quantity)
        count += quantity
    shipping = Decimal("0")
    if count:
        shipping = money(shipping_price)
        if free_shipping_over is not None and subtotal >= free_shipping_over:
            shipping = Decimal("0.00")
    subtotal = money(subtotal)
    return Totals(
        subtotal=subtotal,
        shipping=shipping,
        total=money(subtotal + shipping),
        currency=currency,
        item_count=count,
    )
