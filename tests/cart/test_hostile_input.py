"""Hostile cart input (issue #18): adding, updating and removing with any product id and
quantity answers with a message or a JSON error, never a server error."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import ProductFactory, UserFactory
from tests.hostile import HOSTILE, hostile_form_data, query_dict

pytestmark = pytest.mark.django_db

FIELDS = ["product_id", "quantity", "next"]


@pytest.fixture
def product(db: Any) -> Any:
    return ProductFactory(stock=5)


@pytest.fixture
def customer(db: Any) -> Any:
    return UserFactory(username="shopper")


PRODUCT_IDS = st.sampled_from(
    [str(2**63 - 1), str(2**63), str(-(2**63)), str(2**64), "-1", "0", "10001"]
)


@HOSTILE
@given(
    data=hostile_form_data(FIELDS),
    product_id=st.one_of(st.none(), PRODUCT_IDS),
    view=st.sampled_from(["cart:add", "cart:update", "cart:remove"]),
    accept=st.sampled_from(["text/html", "application/json"]),
    signed_in=st.booleans(),
)
def test_cart_changes_never_fail(
    client: Any,
    customer: Any,
    product: Any,
    data: dict,
    product_id: str | None,
    view: str,
    accept: str,
    signed_in: bool,
) -> None:
    """A redirect back, or for add with Accept: JSON a 200/400 JSON answer, for a visitor's
    session cart and a customer's stored cart alike."""
    if signed_in:
        client.force_login(customer)
    else:
        client.logout()
    if product_id is not None:
        data = {**data, "product_id": [product_id]}
    response = client.post(reverse(view), query_dict(data), HTTP_ACCEPT=accept)

    if view == "cart:add" and accept == "application/json":
        assert response.status_code in (200, 400)
        assert set(response.json()) >= {"ok", "message"}
    else:
        assert response.status_code == 302


@pytest.mark.parametrize("signed_in", [False, True])
def test_product_ids_above_ten_thousand_can_be_bought(
    client: Any, customer: Any, signed_in: bool
) -> None:
    """Regression: the quantity's bound (10 000) was applied to product ids too, so a shop
    with more products could not sell the later ones ("Enter a smaller number.")."""
    product = ProductFactory(pk=123_456, stock=5)
    if signed_in:
        client.force_login(customer)

    added = client.post(
        reverse("cart:add"),
        {"product_id": product.pk, "quantity": "2"},
        HTTP_ACCEPT="application/json",
    )
    updated = client.post(reverse("cart:update"), {"product_id": product.pk, "quantity": "3"})
    client.post(reverse("cart:remove"), {"product_id": product.pk})

    assert added.status_code == 200
    assert added.json() == {"ok": True, "message": "Added to your cart (2 in cart).", "count": 2}
    assert updated.status_code == 302
    assert client.get(reverse("cart:detail")).context["cart"].lines == []


@pytest.mark.parametrize("product_id", [str(2**63), "9" * 30])
def test_product_id_past_the_database_range_is_refused(client: Any, product_id: str) -> None:
    """A product id no database key can hold is a form error, not a query."""
    response = client.post(
        reverse("cart:add"),
        {"product_id": product_id, "quantity": "1"},
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {"ok": False, "message": "Enter a smaller number."}


@pytest.mark.parametrize(
    "target", ["0", "cart", "detail", "javascript:alert(1)", "//evil.example/"]
)
def test_next_that_is_not_a_local_path_falls_back_to_the_cart(
    client: Any, product: Any, target: str
) -> None:
    """Regression: next=0 made redirect() look up a view named "0" (NoReverseMatch, 500)."""
    response = client.post(
        reverse("cart:add"), {"product_id": product.pk, "quantity": "1", "next": target}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("cart:detail")


def test_next_path_on_this_site_is_followed(client: Any, product: Any) -> None:
    """The product page's add-to-cart form comes back to the product page."""
    response = client.post(
        reverse("cart:add"),
        {"product_id": product.pk, "quantity": "1", "next": product.get_absolute_url()},
    )

    assert response.status_code == 302
    assert response["Location"] == product.get_absolute_url()
