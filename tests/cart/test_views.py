import pytest
from django.urls import reverse

from shop.interactions.models import Interaction
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_add_to_cart_without_javascript_redirects_back_with_message(client):
    """A plain form POST adds the product, logs add_to_cart and returns to the page."""
    product = ProductFactory(stock=5, title="Kettle")
    response = client.post(
        reverse("cart:add"),
        {"product_id": product.pk, "quantity": "2", "next": product.get_absolute_url()},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == product.get_absolute_url()
    assert "Added to your cart (2 in cart)." in [str(m) for m in response.context["messages"]]
    event = Interaction.objects.get(kind="add_to_cart")
    assert (event.product_id, event.quantity) == (product.pk, 2)

    page = client.get(reverse("cart:detail"))
    assert page.context["cart"].totals.item_count == 2
    assert "Kettle" in page.content.decode()


def test_add_to_cart_json_for_javascript(client):
    """With Accept: application/json the mini-cart count comes back without a reload."""
    product = ProductFactory(stock=5)
    response = client.post(
        reverse("cart:add"), {"product_id": product.pk}, HTTP_ACCEPT="application/json"
    )
    assert response.json() == {"ok": True, "message": "Added to your cart (1 in cart).", "count": 1}
    refused = client.post(
        reverse("cart:add"),
        {"product_id": product.pk, "quantity": "9"},
        HTTP_ACCEPT="application/json",
    )
    assert refused.status_code == 400
    assert refused.json() == {
        "ok": False,
        "message": "Only 5 left in stock; your cart can hold at most that many.",
    }


@pytest.mark.parametrize(
    "data",
    [{"product_id": "abc"}, {"product_id": "1", "quantity": "1e9"}, {}, {"product_id": "999999"}],
)
def test_bad_cart_input_is_a_message_not_an_error(client, data):
    """Garbage in the cart forms gives a clear message and leaves the cart empty."""
    response = client.post(reverse("cart:add"), data, follow=True)
    assert response.status_code == 200
    assert len(list(response.context["messages"])) == 1
    assert client.get(reverse("cart:detail")).context["cart"].lines == []


def test_update_and_remove_lines(client):
    product = ProductFactory(stock=5)
    client.post(reverse("cart:add"), {"product_id": product.pk})
    client.post(reverse("cart:update"), {"product_id": product.pk, "quantity": "3"})
    assert client.get(reverse("cart:detail")).context["cart"].lines[0].quantity == 3
    client.post(reverse("cart:remove"), {"product_id": product.pk})
    assert client.get(reverse("cart:detail")).context["cart"].lines == []


def test_cart_changes_require_post(client):
    assert client.get(reverse("cart:add")).status_code == 405


def test_login_merges_the_session_cart(client):
    """What a visitor put in the cart is still there after logging in."""
    user = UserFactory(username="ana")
    product = ProductFactory(stock=5)
    client.post(reverse("cart:add"), {"product_id": product.pk, "quantity": "2"})

    client.post(reverse("accounts:login"), {"username": "ana", "password": "correct-horse-battery"})

    cart = client.get(reverse("cart:detail")).context["cart"]
    assert [(line.product_id, line.quantity) for line in cart.lines] == [(product.pk, 2)]
    assert user.cart.lines.get().quantity == 2
