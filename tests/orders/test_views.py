from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.views.debug import SafeExceptionReporterFilter

from shop.orders.models import Address, Order
from tests.factories import ProductFactory, UserFactory
from tests.factories.orders import OrderFactory, ShippingMethodFactory

pytestmark = pytest.mark.django_db

FORM = {
    "email": "guest@example.com",
    "full_name": "Li Lei",
    "line1": "88 Century Avenue",
    "city": "Shanghai",
    "postcode": "200120",
    "country": "cn",
    "shipping_method": "std",
    "payment_method": "cod",
}


@pytest.fixture
def product(db):
    ShippingMethodFactory(code="std", price=Decimal("5.00"))
    return ProductFactory(price=Decimal("20.00"), stock=3)


def review(client, product, **extra):
    client.post(reverse("cart:add"), {"product_id": product.pk, "quantity": "2"})
    response = client.post(reverse("orders:checkout"), {**FORM, **extra, "action": "review"})
    assert response.context["stage"] == "review"
    return response


def test_checkout_review_then_place_creates_the_order(client, product):
    """Review shows the exact total; placing it creates one order and empties the cart."""
    response = review(client, product)
    assert response.context["totals"].total == Decimal("45.00")
    key = response.context["idempotency_key"]

    placed = client.post(
        reverse("orders:checkout"),
        {**FORM, "action": "place", "idempotency_key": key, "expected_total": "45.00"},
    )

    order = Order.objects.get()
    assert placed.url == f"{order.get_absolute_url()}?placed=1"
    assert (order.total, order.email, order.status) == (Decimal("45.00"), FORM["email"], "pending")
    page = client.get(placed.url)
    assert page.status_code == 200
    assert "Thank you! Your order is placed." in page.content.decode()
    assert client.get(reverse("cart:detail")).context["cart"].lines == []


def test_double_submit_of_the_same_review_creates_one_order(client, product):
    """The second click lands on the same order, even though the cart is already empty."""
    key = review(client, product).context["idempotency_key"]
    data = {**FORM, "action": "place", "idempotency_key": key, "expected_total": "45.00"}
    first = client.post(reverse("orders:checkout"), data)
    second = client.post(reverse("orders:checkout"), data)
    assert first.url == second.url
    assert Order.objects.count() == 1
    product.refresh_from_db()
    assert product.stock == 1


def test_changed_price_sends_the_customer_back_to_review(client, product):
    """A price change between review and submit is shown, and nothing is ordered."""
    key = review(client, product).context["idempotency_key"]
    product.price = Decimal("25.00")
    product.save()
    response = client.post(
        reverse("orders:checkout"),
        {**FORM, "action": "place", "idempotency_key": key, "expected_total": "45.00"},
    )
    assert response.status_code == 200
    assert response.context["stage"] == "review"
    assert response.context["totals"].total == Decimal("55.00")
    assert "the total is now 55.00 USD" in response.content.decode()
    assert Order.objects.count() == 0


def test_checkout_form_errors_are_shown_not_raised(client, product):
    client.post(reverse("cart:add"), {"product_id": product.pk})
    response = client.post(
        reverse("orders:checkout"),
        {
            **FORM,
            "email": "nope",
            "country": "China",
            "shipping_method": "teleport",
            "action": "review",
        },
    )
    assert response.context["stage"] == "form"
    assert set(response.context["form"].errors) == {"email", "country", "shipping_method"}


def test_empty_cart_checkout_redirects_to_cart(client, db):
    response = client.get(reverse("orders:checkout"))
    assert response.url == reverse("cart:detail")


def test_saved_address_is_offered_next_time(client, product):
    """A customer who ticks "save" sees the address as a choice at the next checkout."""
    user = UserFactory()
    client.force_login(user)
    key = review(client, product, save_address="on").context["idempotency_key"]
    client.post(
        reverse("orders:checkout"),
        {**FORM, "save_address": "on", "action": "place", "idempotency_key": key,
         "expected_total": "45.00"},
    )  # fmt: skip
    address = Address.objects.get(user=user)
    assert (address.line1, address.is_default) == ("88 Century Avenue", True)
    client.post(reverse("cart:add"), {"product_id": product.pk})
    form = client.get(reverse("orders:checkout")).context["form"]
    assert list(form.fields["saved_address"].queryset) == [address]


def test_other_customers_orders_are_404(client):
    """Order pages of another customer, or a guest order from another session, are 404."""
    mine = OrderFactory(user=UserFactory())
    theirs = OrderFactory(user=UserFactory())
    guest = OrderFactory(user=None)
    client.force_login(mine.user)

    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(guest.get_absolute_url()).status_code == 404
    assert client.get(reverse("orders:detail", args=["NOPE"])).status_code == 404
    response = client.post(reverse("orders:return", args=[theirs.number]), {"reason": "x"})
    assert response.status_code == 404


def test_history_lists_only_my_orders(client):
    user = UserFactory()
    mine = OrderFactory(user=user)
    OrderFactory(user=UserFactory())
    client.force_login(user)
    assert list(client.get(reverse("orders:history")).context["orders"]) == [mine]
    client.logout()
    assert client.get(reverse("orders:history")).status_code == 302


def test_customer_requests_a_return_from_the_order_page(client):
    user = UserFactory()
    order = OrderFactory(user=user, status=Order.Status.DELIVERED)
    client.force_login(user)
    assert client.get(order.get_absolute_url()).context["return_form"] is not None

    client.post(reverse("orders:return", args=[order.number]), {"reason": "Wrong size"})

    order.refresh_from_db()
    assert order.status == Order.Status.RETURN_REQUESTED
    assert order.return_requests.get().reason == "Wrong size"


def test_merchant_marks_orders_shipped_and_adds_notes_in_admin(client):
    """Admin status actions go through the status flow; refused ones are reported."""
    merchant = UserFactory(username="boss", is_staff=True, is_superuser=True)
    client.force_login(merchant)
    paid = OrderFactory(status=Order.Status.PAID)
    pending = OrderFactory(status=Order.Status.PENDING)
    url = reverse("admin:orders_order_changelist")

    response = client.post(
        url, {"action": "mark_shipped", "_selected_action": [paid.pk, pending.pk]}, follow=True
    )

    paid.refresh_from_db()
    pending.refresh_from_db()
    assert (paid.status, pending.status) == ("shipped", "pending")
    texts = [str(m) for m in response.context["messages"]]
    assert texts == [
        "1 order(s) updated.",
        f"{pending.number}: An order cannot go from Pending to Shipped.",
    ]
    assert client.get(reverse("admin:orders_order_change", args=[paid.pk])).status_code == 200
    assert client.get(url, {"status__exact": "shipped"}).context["cl"].result_count == 1


def test_a_stale_review_after_the_cart_changed_places_nothing_and_keeps_the_cart(client, product):
    """Submitting an old review form again after adding to the cart shows an error: the old
    order is not handed back and the new cart is not cleared."""
    key = review(client, product).context["idempotency_key"]
    stale = {**FORM, "action": "place", "idempotency_key": key, "expected_total": "45.00"}
    client.post(reverse("orders:checkout"), stale)
    other = ProductFactory(price=Decimal("7.00"), stock=4)
    client.post(reverse("cart:add"), {"product_id": other.pk, "quantity": "1"})

    response = client.post(reverse("orders:checkout"), stale)

    assert response.status_code == 200
    assert response.context["stage"] == "review"
    assert "already used for another order" in response.content.decode()
    assert Order.objects.count() == 1
    assert [(line.product_id, line.quantity) for line in response.context["cart"].lines] == [
        (other.pk, 1)
    ]
    other.refresh_from_db()
    assert other.stock == 4


def test_a_guest_holding_another_guests_key_does_not_see_that_order(client, product):
    """Another browser submitting the same key (and even the same form) gets an error, and
    the first guest's order stays invisible to it."""
    key = review(client, product).context["idempotency_key"]
    data = {**FORM, "action": "place", "idempotency_key": key, "expected_total": "45.00"}
    order_url = client.post(reverse("orders:checkout"), data).url.split("?")[0]

    intruder = Client()
    intruder.post(reverse("cart:add"), {"product_id": product.pk, "quantity": "1"})
    response = intruder.post(reverse("orders:checkout"), data, follow=True)

    assert "already used for another order" in response.content.decode()
    assert Order.objects.count() == 1
    assert intruder.get(order_url).status_code == 404
    assert client.get(order_url).status_code == 200


def test_the_review_page_keeps_the_card_number_on_the_server(client, product):
    """The card typed on step 1 is not echoed back (only its last four digits), and the
    place step still charges it from the session."""
    response = review(client, product, payment_method="test_card", card_number="4242424242424242")
    html = response.content.decode()
    assert "4242424242424242" not in html
    assert 'name="card_number"' not in html
    assert "···· 4242" in html
    key = response.context["idempotency_key"]

    placed = client.post(
        reverse("orders:checkout"),
        {
            **FORM,
            "payment_method": "test_card",
            "action": "place",
            "idempotency_key": key,
            "expected_total": "45.00",
        },
    )

    order = Order.objects.get()
    assert placed.url == f"{order.get_absolute_url()}?placed=1"
    assert (order.payment_method, order.status) == ("test_card", "paid")
    assert "checkout_card_number" not in client.session


def test_checkout_pages_are_not_cached_and_hide_the_card_in_error_reports(client, product):
    """Cache-Control forbids storing the page; Django's error reports mask card_number."""
    response = review(client, product, payment_method="test_card", card_number="4242424242424242")

    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    request = response.wsgi_request
    assert request.sensitive_post_parameters == ("card_number",)
    params = SafeExceptionReporterFilter().get_post_parameters(request)
    assert params["card_number"] == "********************"
    assert params["city"] == "Shanghai"
