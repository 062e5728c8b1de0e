from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from shop.catalog import selectors as catalog_selectors
from shop.catalog.models import Product
from shop.catalog.pricing import Totals, calculate_totals

from .services import CartStore


@dataclass(frozen=True)
class CartLineInfo:
    product_id: int
    card: catalog_selectors.ProductCard
    quantity: int
    unit_price: Decimal
    line_total: Decimal
    line_total_display: str
    stock: int
    problem: str


@dataclass(frozen=True)
class CartInfo:
    lines: list[CartLineInfo]
    totals: Totals
    subtotal_display: str
    unavailable_count: int

    @property
    def has_problems(self) -> bool:
        return self.unavailable_count > 0 or any(line.problem for line in self.lines)


def cart_info(cart: CartStore) -> CartInfo:
    """The cart as the customer sees it: localized cards, prices now, and stock problems."""
    quantities = cart.lines()
    cards = {c.id: c for c in catalog_selectors.cards_for_ids(list(quantities))}
    products = {
        p.pk: p
        for p in Product.objects.active()
        .filter(pk__in=list(cards))
        .only("id", "price", "currency", "stock")
    }
    lines = []
    for product_id, quantity in quantities.items():
        product = products.get(product_id)
        if product is None:
            continue
        problem = ""
        if product.stock == 0:
            problem = _("Out of stock")
        elif quantity > product.stock:
            problem = _("Only %(stock)d left") % {"stock": product.stock}
        total = product.price * quantity
        lines.append(
            CartLineInfo(
                product_id=product_id,
                card=cards[product_id],
                quantity=quantity,
                unit_price=product.price,
                line_total=total,
                line_total_display=catalog_selectors.format_price(total, product.currency),
                stock=product.stock,
                problem=problem,
            )
        )
    currencies = {p.currency for p in products.values()}
    currency = currencies.pop() if len(currencies) == 1 else settings.SHOP_DEFAULT_CURRENCY
    totals = calculate_totals(
        ((line.unit_price, line.quantity) for line in lines), currency=currency
    )
    return CartInfo(
        lines=lines,
        totals=totals,
        subtotal_display=catalog_selectors.format_price(totals.subtotal, currency),
        unavailable_count=len(quantities) - len(lines),
    )


def item_count(cart: CartStore) -> int:
    return sum(cart.lines().values())
