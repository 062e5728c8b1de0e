"""Cart writes. A cart is a ``{product_id: quantity}`` mapping held by its owner.

Anonymous visitors keep it in their session (no database row per visitor); signed-in customers
have a stored :class:`~shop.cart.models.Cart`. At login the session cart is merged into the
stored one.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from shop.catalog.models import Product

from .exceptions import CartError
from .models import Cart, CartLine

SESSION_KEY = "cart"
MAX_QUANTITY_PER_LINE = 99
MAX_LINES = 100


class SessionCart:
    def __init__(self, session: SessionBase) -> None:
        self.session = session

    def lines(self) -> dict[int, int]:
        raw = self.session.get(SESSION_KEY) or {}
        lines = {}
        for key, value in raw.items():
            try:
                product_id, quantity = int(key), int(value)
            except (TypeError, ValueError):
                continue
            if quantity > 0:
                lines[product_id] = quantity
        return lines

    def set(self, product_id: int, quantity: int) -> None:
        lines = self.lines()
        if quantity > 0:
            lines[product_id] = quantity
        else:
            lines.pop(product_id, None)
        self.session[SESSION_KEY] = {str(k): v for k, v in lines.items()}

    def clear(self) -> None:
        self.session.pop(SESSION_KEY, None)


class StoredCart:
    def __init__(self, user: AbstractBaseUser) -> None:
        self.user = user

    def _cart(self) -> Cart:
        cart, _created = Cart.objects.get_or_create(user=self.user)
        return cart

    def lines(self) -> dict[int, int]:
        return dict(
            CartLine.objects.filter(cart__user=self.user).values_list("product_id", "quantity")
        )

    def set(self, product_id: int, quantity: int) -> None:
        cart = self._cart()
        if quantity > 0:
            CartLine.objects.update_or_create(
                cart=cart, product_id=product_id, defaults={"quantity": quantity}
            )
        else:
            CartLine.objects.filter(cart=cart, product_id=product_id).delete()
        Cart.objects.filter(pk=cart.pk).update(updated_at=F("updated_at"))

    def clear(self) -> None:
        CartLine.objects.filter(cart__user=self.user).delete()


CartStore = SessionCart | StoredCart


def cart_for(*, user: AbstractBaseUser | None, session: SessionBase) -> CartStore:
    if user is not None and user.is_authenticated:
        return StoredCart(user)
    return SessionCart(session)


def _sellable(product_id: int) -> Product:
    product = Product.objects.active().filter(pk=product_id).only("id", "stock", "title").first()
    if product is None:
        raise CartError(_("This product is not available."))
    return product


def _check_quantity(product: Product, quantity: int) -> None:
    if quantity > MAX_QUANTITY_PER_LINE:
        raise CartError(
            _("You can buy at most %(max)d of one product per order.")
            % {"max": MAX_QUANTITY_PER_LINE}
        )
    if product.stock == 0:
        raise CartError(_("Sorry, this product is out of stock."))
    if quantity > product.stock:
        raise CartError(
            _("Only %(stock)d left in stock; your cart can hold at most that many.")
            % {"stock": product.stock}
        )


@transaction.atomic
def add_to_cart(cart: CartStore, *, product_id: int, quantity: int = 1) -> int:
    """Add ``quantity`` of a product; returns the line's new quantity.

    Raises:
        CartError: the product is not sold, the quantity is not positive, or the new quantity
            exceeds the stock or the per-line limit. The cart is unchanged.
    """
    if quantity < 1:
        raise CartError(_("Quantity must be at least 1."))
    product = _sellable(product_id)
    lines = cart.lines()
    if product_id not in lines and len(lines) >= MAX_LINES:
        raise CartError(_("Your cart is full."))
    new_quantity = lines.get(product_id, 0) + quantity
    _check_quantity(product, new_quantity)
    cart.set(product_id, new_quantity)
    return new_quantity


@transaction.atomic
def set_quantity(cart: CartStore, *, product_id: int, quantity: int) -> int:
    """Set a line's quantity; 0 removes the line. Returns the stored quantity.

    Raises:
        CartError: negative quantity, or more than the stock or the per-line limit.
    """
    if quantity < 0:
        raise CartError(_("Quantity cannot be negative."))
    if quantity == 0:
        cart.set(product_id, 0)
        return 0
    if product_id not in cart.lines():
        raise CartError(_("This product is not in your cart."))
    _check_quantity(_sellable(product_id), quantity)
    cart.set(product_id, quantity)
    return quantity


def remove_line(cart: CartStore, *, product_id: int) -> None:
    cart.set(product_id, 0)


@transaction.atomic
def merge_session_cart(*, session: SessionBase, user: AbstractBaseUser) -> int:
    """Move a visitor's session cart into their stored cart at login.

    Quantities of a product in both carts are added, capped at the stock and the per-line
    limit; products no longer sold are dropped. Returns the number of lines merged.
    """
    session_cart = SessionCart(session)
    incoming = session_cart.lines()
    if not incoming:
        return 0
    stored = StoredCart(user)
    existing = stored.lines()
    stock = dict(Product.objects.active().filter(pk__in=incoming).values_list("pk", "stock"))
    merged = 0
    for product_id, quantity in incoming.items():
        if product_id not in stock:
            continue
        total = min(
            existing.get(product_id, 0) + quantity, stock[product_id], MAX_QUANTITY_PER_LINE
        )
        if total > 0:
            stored.set(product_id, total)
            merged += 1
    session_cart.clear()
    return merged
