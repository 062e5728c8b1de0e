from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from shop.catalog.models import Product
from shop.interactions.models import Interaction
from shop.orders import services
from shop.orders.exceptions import (
    CheckoutError,
    IdempotencyKeyReused,
    InvalidTransition,
    PaymentDeclined,
)
from shop.orders.models import Order, OrderEvent, OrderLine, ReturnRequest
from tests.factories import ProductFactory, UserFactory
from tests.factories.orders import OrderFactory, ShippingMethodFactory

pytestmark = pytest.mark.django_db

ADDRESS = {
    "full_name": "Li Lei",
    "line1": "88 Century Avenue",
    "city": "Shanghai",
    "postcode": "200120",
    "country": "cn",
}
Status = Order.Status


@pytest.fixture
def shipping():
    return ShippingMethodFactory(code="std", price=Decimal("5.00"), free_over=Decimal("100"))


def place(lines, *, user=None, key="k-1", payment="cod", token="", expected_total=None):
    return services.place_order(
        lines=lines,
        user=user,
        email="li@example.com",
        address=ADDRESS,
        shipping_method_code="std",
        payment_method=payment,
        payment_token=token,
        idempotency_key=key,
        expected_total=expected_total,
    )


def test_place_order_snapshots_lines_decrements_stock_and_logs_purchases(
    shipping, django_capture_on_commit_callbacks
):
    """An order keeps prices and titles as they were, takes stock and logs the purchase."""
    user = UserFactory()
    shoe = ProductFactory(title="Trail shoe", sku="TS-1", price=Decimal("30.00"), stock=5)
    sock = ProductFactory(title="Sock", sku="SO-1", price=Decimal("4.50"), stock=10)

    with django_capture_on_commit_callbacks(execute=True):
        order = place(
            {shoe.pk: 2, sock.pk: 3}, user=user, payment="test_card", token="4242 4242 4242 4242"
        )

    assert order.status == Status.PAID
    assert (order.subtotal, order.shipping_total, order.total) == (
        Decimal("73.50"),
        Decimal("5.00"),
        Decimal("78.50"),
    )
    assert order.shipping_address["country"] == "CN"
    assert list(OrderLine.objects.values_list("sku", "title", "unit_price", "quantity")) == [
        ("TS-1", "Trail shoe", Decimal("30.00"), 2),
        ("SO-1", "Sock", Decimal("4.50"), 3),
    ]
    assert dict(Product.objects.values_list("sku", "stock")) == {"TS-1": 3, "SO-1": 7}
    assert sorted(
        Interaction.objects.filter(kind="purchase").values_list("product_id", "quantity")
    ) == sorted([(shoe.pk, 2), (sock.pk, 3)])
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == f"Your order {order.number}"
    assert "78.50 USD" in mail.outbox[0].body

    shoe.price = Decimal("99.00")
    shoe.save()
    assert OrderLine.objects.get(sku="TS-1").unit_price == Decimal("30.00")


def test_free_shipping_over_threshold(shipping):
    """The shipping method's free-over threshold applies to the subtotal."""
    product = ProductFactory(price=Decimal("50.00"))
    order = place({product.pk: 2})
    assert (order.shipping_total, order.total) == (Decimal("0.00"), Decimal("100.00"))
    assert order.status == Status.PENDING  # cash on delivery is collected later


def test_resubmitting_with_the_same_key_returns_the_same_order(shipping):
    """A double click or a retry creates exactly one order and takes stock once."""
    product = ProductFactory(stock=3)
    first = place({product.pk: 1}, key="same")
    second = place({product.pk: 1}, key="same")

    assert first.pk == second.pk
    assert Order.objects.count() == 1
    product.refresh_from_db()
    assert product.stock == 2


def test_same_key_from_another_customer_is_refused(shipping):
    """An idempotency key never hands one customer another customer's order."""
    product = ProductFactory(stock=3)
    place({product.pk: 1}, user=UserFactory(), key="shared")
    with pytest.raises(CheckoutError, match="already used for another order"):
        place({product.pk: 1}, user=UserFactory(), key="shared")


def test_short_stock_refuses_the_whole_order(shipping):
    """If one line cannot be filled, nothing is ordered and no stock moves."""
    plenty = ProductFactory(stock=10, sku="P-1")
    scarce = ProductFactory(stock=1, title="Last lamp", sku="P-2")

    with pytest.raises(CheckoutError, match="Only 1 of “Last lamp” left in stock."):
        place({plenty.pk: 1, scarce.pk: 2})

    assert Order.objects.count() == 0
    assert dict(Product.objects.values_list("sku", "stock")) == {"P-1": 10, "P-2": 1}


def test_price_change_since_review_is_refused(shipping):
    """The customer confirmed a total; a different total at submit asks them to review."""
    product = ProductFactory(price=Decimal("20.00"))
    with pytest.raises(CheckoutError, match="the total is now 25.00 USD"):
        place({product.pk: 1}, expected_total=Decimal("22.00"))
    assert place({product.pk: 1}, expected_total=Decimal("25.00")).total == Decimal("25.00")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lines": {}}, "Your cart is empty."),
        ({"payment": "bitcoin"}, "Choose a payment method."),
        ({"payment": "test_card", "token": "4000 0000 0000 0002"}, "declined"),
        ({"payment": "test_card", "token": "1234"}, "Use the test card"),
        ({"key": ""}, "expired"),
    ],
)
def test_bad_checkout_input_writes_nothing(shipping, kwargs, message):
    """Each refusal has a clear message and leaves no order behind."""
    product = ProductFactory(stock=4)
    lines = kwargs.pop("lines", {product.pk: 1})
    with pytest.raises(CheckoutError, match=message):
        place(lines, **kwargs)
    assert Order.objects.count() == 0
    product.refresh_from_db()
    assert product.stock == 4


def test_declined_card_is_a_payment_error(shipping):
    product = ProductFactory()
    with pytest.raises(PaymentDeclined):
        place({product.pk: 1}, payment="test_card", token="4000000000000002")


def test_draft_product_cannot_be_ordered(shipping):
    product = ProductFactory(status=Product.Status.DRAFT)
    with pytest.raises(CheckoutError, match="no longer sold"):
        place({product.pk: 1})


def test_incomplete_address_names_the_missing_fields(shipping):
    product = ProductFactory()
    with pytest.raises(CheckoutError, match="missing: city, postcode"):
        services.place_order(
            lines={product.pk: 1},
            user=None,
            email="a@example.com",
            address={**ADDRESS, "city": " ", "postcode": ""},
            shipping_method_code="std",
            payment_method="cod",
            idempotency_key="x",
        )


ALL_STATUSES = list(Status.values)
ALLOWED = {
    ("pending", "paid"),
    ("pending", "cancelled"),
    ("paid", "shipped"),
    ("paid", "cancelled"),
    ("shipped", "delivered"),
    ("delivered", "return_requested"),
    ("return_requested", "returned"),
    ("return_requested", "delivered"),
    ("returned", "refunded"),
}


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [(a, b) for a in ALL_STATUSES for b in ALL_STATUSES if a != b],
)
def test_every_status_transition(from_status, to_status):
    """Exactly the transitions of the status flow are allowed; every other one is refused."""
    order = OrderFactory(status=from_status)
    if (from_status, to_status) in ALLOWED:
        services.transition_order(order_id=order.pk, to_status=to_status)
        order.refresh_from_db()
        assert order.status == to_status
        # (cancelling a paid order adds a note: the refund it is owed, tests/orders/test_refunds.py)
        assert OrderEvent.objects.exclude(to_status="").get(order=order).to_status == to_status
    else:
        with pytest.raises(InvalidTransition):
            services.transition_order(order_id=order.pk, to_status=to_status)
        order.refresh_from_db()
        assert order.status == from_status
        assert OrderEvent.objects.filter(order=order).count() == 0


def test_cancelling_restocks_and_shipping_records_time(shipping):
    """Cancelled goods go back on the shelf; shipping and delivery are time-stamped."""
    product = ProductFactory(stock=5)
    order = place({product.pk: 2}, key="a")
    services.transition_order(order_id=order.pk, to_status="cancelled", note="customer called")
    product.refresh_from_db()
    assert product.stock == 5
    assert OrderEvent.objects.filter(order=order).last().note == "customer called"

    other = place({product.pk: 1}, key="b")
    services.transition_order(order_id=other.pk, to_status="paid")
    services.transition_order(order_id=other.pk, to_status="shipped")
    services.transition_order(order_id=other.pk, to_status="delivered")
    other.refresh_from_db()
    assert other.paid_at <= other.shipped_at <= other.delivered_at


def test_return_within_window_then_approved_restocks():
    """A delivered order can be returned inside the window; approval puts stock back."""
    user = UserFactory()
    product = ProductFactory(stock=0)
    order = OrderFactory(user=user, status=Status.DELIVERED)
    order.lines.create(
        product=product, sku=product.sku, title="x", unit_price=1, quantity=2, line_total=2
    )

    request = services.request_return(order_id=order.pk, user=user, reason="Too small")
    order.refresh_from_db()
    assert order.status == Status.RETURN_REQUESTED

    services.resolve_return(return_request_id=request.pk, approve=True)
    order.refresh_from_db()
    product.refresh_from_db()
    assert (order.status, product.stock) == (Status.RETURNED, 2)
    assert ReturnRequest.objects.get().status == "approved"
    with pytest.raises(InvalidTransition, match="already resolved"):
        services.resolve_return(return_request_id=request.pk, approve=False)


def test_a_rejected_return_cannot_be_filed_again_until_the_merchant_reopens_it():
    """After a rejection the shopper's second request is refused and the order stays
    delivered; the merchant's reopen puts the same request back in the queue."""
    user = UserFactory()
    order = OrderFactory(user=user, status=Status.DELIVERED)
    first = services.request_return(order_id=order.pk, user=user, reason="Too small")
    services.resolve_return(return_request_id=first.pk, approve=False)

    with pytest.raises(CheckoutError, match="already declined"):
        services.request_return(order_id=order.pk, user=user, reason="Still too small")

    order.refresh_from_db()
    assert (order.status, ReturnRequest.objects.count()) == (Status.DELIVERED, 1)
    services.reopen_return(return_request_id=first.pk)
    order.refresh_from_db()
    first.refresh_from_db()
    assert (order.status, first.status, first.resolved_at) == (
        Status.RETURN_REQUESTED,
        "requested",
        None,
    )
    with pytest.raises(InvalidTransition, match="Only a rejected return"):
        services.reopen_return(return_request_id=first.pk)


def test_return_outside_window_or_for_someone_else_is_refused(settings):
    """Day 31 is too late with a 30-day window; another customer's order does not exist."""
    settings.SHOP_RETURN_WINDOW_DAYS = 30
    user = UserFactory()
    order = OrderFactory(user=user, status=Status.DELIVERED)
    late = order.delivered_at + timedelta(days=31)

    with pytest.raises(CheckoutError, match="30-day return window"):
        services.request_return(order_id=order.pk, user=user, reason="late", now=late)
    with pytest.raises(Order.DoesNotExist):
        services.request_return(order_id=order.pk, user=UserFactory(), reason="not mine")
    assert ReturnRequest.objects.count() == 0
    assert services.request_return(
        order_id=order.pk, user=user, reason="ok", now=timezone.now() + timedelta(days=29)
    )


def test_an_order_recorded_after_the_fact_logs_nothing_and_sends_nothing(
    shipping, django_capture_on_commit_callbacks
):
    """With log_purchase and send_confirmation off (the demo's history already logged the
    purchase), placing takes stock but writes no interaction and sends no email."""
    user = UserFactory()
    shoe = ProductFactory(sku="TS-1", price=Decimal("30.00"), stock=5)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        order = services.place_order(
            lines={shoe.pk: 2},
            user=user,
            email="li@example.com",
            address=ADDRESS,
            shipping_method_code="std",
            payment_method="cod",
            idempotency_key="k-history",
            log_purchase=False,
            send_confirmation=False,
        )

    assert order.status == Status.PENDING
    assert callbacks == []
    assert Product.objects.get(pk=shoe.pk).stock == 3
    assert not Interaction.objects.exists()
    assert mail.outbox == []


def test_shipping_keeps_the_tracking_number():
    """The tracking number given when an order ships is kept; other changes leave it."""
    order = OrderFactory(status=Status.PAID)

    services.transition_order(
        order_id=order.pk, to_status=Status.SHIPPED, tracking_number=" DEMO-0000000042 "
    )
    services.transition_order(
        order_id=order.pk, to_status=Status.DELIVERED, tracking_number="IGNORED-1"
    )

    order.refresh_from_db()
    assert (order.status, order.tracking_number) == (Status.DELIVERED, "DEMO-0000000042")


@pytest.mark.parametrize(
    "change",
    [
        {"lines": "other"},
        {"address": {**ADDRESS, "line1": "1 Other Road"}},
        {"shipping_method_code": "express"},
        {"payment_method": "test_card", "payment_token": "4242424242424242"},
        {"expected_total": Decimal("99.00")},
        {"session_key": "another-guest"},
    ],
)
def test_same_key_for_a_different_checkout_is_refused(shipping, change):
    """A key is bound to what it placed: other lines, address, shipping, payment, total or
    guest session get an error, not the earlier order, and nothing is written."""
    ShippingMethodFactory(code="express", price=Decimal("15.00"))
    product = ProductFactory(price=Decimal("10.00"), stock=5)
    other = ProductFactory(price=Decimal("10.00"), stock=5)
    request = {
        "lines": {product.pk: 1},
        "user": None,
        "email": "li@example.com",
        "address": ADDRESS,
        "shipping_method_code": "std",
        "payment_method": "cod",
        "idempotency_key": "k-bound",
        "expected_total": Decimal("15.00"),
        "session_key": "guest-a",
    }
    first = services.place_order(**request)
    replay = {**request, **change}
    if change.get("lines") == "other":
        replay["lines"] = {other.pk: 1}

    with pytest.raises(IdempotencyKeyReused, match="already used for another order"):
        services.place_order(**replay)

    assert list(Order.objects.values_list("pk", flat=True)) == [first.pk]
    assert Product.objects.get(pk=other.pk).stock == 5
    assert services.place_order(**request).pk == first.pk


def test_a_resubmit_after_the_cart_was_emptied_returns_the_order(shipping):
    """The second click of a double click arrives with an empty cart: same order back."""
    product = ProductFactory(price=Decimal("10.00"), stock=5)
    request = {
        "user": None,
        "email": "li@example.com",
        "address": ADDRESS,
        "shipping_method_code": "std",
        "payment_method": "cod",
        "idempotency_key": "k-double",
        "expected_total": Decimal("25.00"),
        "session_key": "guest-a",
    }
    first = services.place_order(lines={product.pk: 2}, **request)

    assert services.place_order(lines={}, **request).pk == first.pk
    with pytest.raises(IdempotencyKeyReused):
        services.place_order(lines={}, **{**request, "session_key": "guest-b"})
    assert Product.objects.get(pk=product.pk).stock == 3
