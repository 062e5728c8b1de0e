"""Hostile checkout input (issue #18): the checkout form only reports field errors, and the
checkout answers any submission, reviewed or placed, without a server error."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from shop.orders.forms import CheckoutForm
from tests.factories import ProductFactory, UserFactory
from tests.factories.orders import ShippingMethodFactory
from tests.hostile import HOSTILE, hostile_form_data, hostile_text, query_dict

pytestmark = pytest.mark.django_db

VALID = {
    "email": ["guest@example.com"],
    "full_name": ["Li Lei"],
    "line1": ["88 Century Avenue"],
    "city": ["Shanghai"],
    "postcode": ["200120"],
    "country": ["cn"],
    "shipping_method": ["std"],
    "payment_method": ["cod"],
}
FIELDS = [
    *VALID,
    "saved_address",
    "line2",
    "region",
    "phone",
    "save_address",
    "card_number",
]
ACTIONS = st.one_of(st.sampled_from(["review", "place", "edit", ""]), hostile_text)


@pytest.fixture
def product(db: Any) -> Any:
    ShippingMethodFactory(code="std", price=Decimal("5.00"))
    return ProductFactory(price=Decimal("20.00"), stock=10_000)


@HOSTILE
@given(data=hostile_form_data(FIELDS), signed_in=st.booleans())
def test_checkout_form_only_reports_field_errors(product: Any, data: dict, signed_in: bool) -> None:
    """is_valid() is a bool, for visitors and customers; a valid form gives an address."""
    user = UserFactory(username="hostile") if signed_in else None
    form = CheckoutForm(query_dict({**VALID, **data}), user=user)

    assert form.is_valid() in (True, False)
    if form.is_valid():
        assert set(form.address()) >= {"full_name", "line1", "city", "postcode", "country"}


@HOSTILE
@given(data=hostile_form_data(FIELDS), action=ACTIONS)
def test_checkout_never_fails(client: Any, product: Any, data: dict, action: str) -> None:
    """Any submission over a valid one answers the form again or places the order, < 500."""
    client.post(reverse("cart:add"), {"product_id": product.pk, "quantity": "1"})
    response = client.post(
        reverse("orders:checkout"), query_dict({**VALID, **data, "action": [action]})
    )

    assert response.status_code in (200, 302)


@HOSTILE
@given(number=hostile_text.filter(lambda text: text and "/" not in text), signed_in=st.booleans())
def test_order_pages_never_fail(client: Any, product: Any, number: str, signed_in: bool) -> None:
    """Any order number in the URL is a 404 (for a visitor's return, the login page), never
    a 5xx. Regression: a NUL in the number was a DataError on PostgreSQL."""
    from urllib.parse import quote

    if signed_in:
        client.force_login(UserFactory(username="hostile"))
    else:
        client.logout()
    path = quote(number, safe="")

    detail = client.get(f"/en/orders/{path}/")
    returned = client.post(f"/en/orders/{path}/return/", {"reason": "Too small"})

    assert detail.status_code == 404
    assert returned.status_code == (404 if signed_in else 302)


@pytest.mark.parametrize("number", ["%00", "A%00B", "X" * 21])
def test_order_number_no_order_can_have_is_a_404(client: Any, db: Any, number: str) -> None:
    """Regression (PostgreSQL): /orders/%00/ was a DataError (500), not a 404."""
    assert client.get(f"/en/orders/{number}/").status_code == 404
