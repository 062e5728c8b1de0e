import pytest
from django.contrib.sessions.backends.db import SessionStore

from shop.cart import services
from shop.cart.exceptions import CartError
from shop.cart.models import CartLine
from shop.catalog.models import Product
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session_cart():
    return services.cart_for(user=None, session=SessionStore())


def test_session_cart_adds_up_and_keeps_no_rows(session_cart):
    """An anonymous cart lives in the session: adding twice sums, no CartLine rows appear."""
    product = ProductFactory(stock=5)
    assert services.add_to_cart(session_cart, product_id=product.pk, quantity=2) == 2
    assert services.add_to_cart(session_cart, product_id=product.pk) == 3
    assert session_cart.lines() == {product.pk: 3}
    assert CartLine.objects.count() == 0


def test_stored_cart_for_signed_in_customer():
    """A customer's cart is stored and survives the session."""
    user = UserFactory()
    product = ProductFactory(stock=5)
    cart = services.cart_for(user=user, session=SessionStore())
    services.add_to_cart(cart, product_id=product.pk, quantity=2)
    services.set_quantity(cart, product_id=product.pk, quantity=4)

    again = services.cart_for(user=user, session=SessionStore())
    assert again.lines() == {product.pk: 4}
    services.set_quantity(again, product_id=product.pk, quantity=0)
    assert CartLine.objects.count() == 0


@pytest.mark.parametrize(
    ("stock", "status", "quantity", "message"),
    [
        (3, "active", 4, "Only 3 left in stock"),
        (0, "active", 1, "out of stock"),
        (5, "draft", 1, "not available"),
        (500, "active", 100, "at most 99"),
        (5, "active", 0, "at least 1"),
    ],
)
def test_add_to_cart_refusals_leave_cart_unchanged(session_cart, stock, status, quantity, message):
    """Stock, availability and quantity limits give a clear message and change nothing."""
    product = ProductFactory(stock=stock, status=status)
    with pytest.raises(CartError, match=message):
        services.add_to_cart(session_cart, product_id=product.pk, quantity=quantity)
    assert session_cart.lines() == {}


def test_set_quantity_checks_stock_and_membership(session_cart):
    product = ProductFactory(stock=2)
    with pytest.raises(CartError, match="not in your cart"):
        services.set_quantity(session_cart, product_id=product.pk, quantity=1)
    services.add_to_cart(session_cart, product_id=product.pk)
    with pytest.raises(CartError, match="Only 2 left"):
        services.set_quantity(session_cart, product_id=product.pk, quantity=3)
    with pytest.raises(CartError, match="negative"):
        services.set_quantity(session_cart, product_id=product.pk, quantity=-1)
    assert session_cart.lines() == {product.pk: 1}


def test_merge_at_login_adds_quantities_capped_by_stock_and_drops_unsold():
    """Session lines join the stored cart; totals are capped at stock; drafts are dropped."""
    user = UserFactory()
    both = ProductFactory(stock=4)
    only_session = ProductFactory(stock=9)
    gone = ProductFactory(stock=9)
    stored = services.cart_for(user=user, session=SessionStore())
    services.add_to_cart(stored, product_id=both.pk, quantity=3)
    session = SessionStore()
    anonymous = services.cart_for(user=None, session=session)
    services.add_to_cart(anonymous, product_id=both.pk, quantity=2)
    services.add_to_cart(anonymous, product_id=only_session.pk, quantity=1)
    services.add_to_cart(anonymous, product_id=gone.pk, quantity=1)
    Product.objects.filter(pk=gone.pk).update(status="draft")

    assert services.merge_session_cart(session=session, user=user) == 2

    assert stored.lines() == {both.pk: 4, only_session.pk: 1}
    assert anonymous.lines() == {}


def test_tampered_session_values_are_ignored():
    """Garbage in the session cart (hand-edited cookie store) never raises."""
    session = SessionStore()
    session[services.SESSION_KEY] = {"abc": 1, "5": "x", "7": -2, "9": 2}
    assert services.SessionCart(session).lines() == {9: 2}
