"""Hostile cart input (issue #18): adding, updating and removing with any product id and
quantity answers with a message or a JSON error, never a server error."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import ProductFactory
from tests.hostile import HOSTILE, hostile_form_data, query_dict

pytestmark = pytest.mark.django_db

FIELDS = ["product_id", "quantity", "next"]


@pytest.fixture
def product(db: Any) -> Any:
    return ProductFactory(stock=5)


@HOSTILE
@given(
    data=hostile_form_data(FIELDS),
    view=st.sampled_from(["cart:add", "cart:update", "cart:remove"]),
    accept=st.sampled_from(["text/html", "application/json"]),
)
def test_cart_changes_never_fail(
    client: Any, product: Any, data: dict, view: str, accept: str
) -> None:
    """A redirect back, or for add with Accept: JSON a 200/400 JSON answer."""
    response = client.post(reverse(view), query_dict(data), HTTP_ACCEPT=accept)

    if view == "cart:add" and accept == "application/json":
        assert response.status_code in (200, 400)
        assert set(response.json()) >= {"ok", "message"}
    else:
        assert response.status_code == 302


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
