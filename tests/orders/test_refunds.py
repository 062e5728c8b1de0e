"""Cancelling a paid order records the refund owed: staff see it in the admin, the customer
on the order page, until staff mark it made."""

from decimal import Decimal

import pytest
from django.urls import reverse

from shop.accounts.services import grant_merchant_role
from shop.orders import refunds, services
from shop.orders.exceptions import InvalidTransition
from shop.orders.models import Order, OrderEvent, Refund
from tests.factories import UserFactory
from tests.factories.orders import OrderFactory

pytestmark = pytest.mark.django_db

Status = Order.Status


@pytest.fixture
def paid_order():
    return OrderFactory(
        user=UserFactory(username="li"),
        status=Status.PAID,
        total=Decimal("42.50"),
        currency="USD",
        payment_method="test_card",
        payment_reference="tc_0001",
    )


def test_cancelling_a_paid_order_records_a_refund_due(paid_order):
    """The refund is the order's total, on its payment, 'to be refunded', and the timeline
    says so; the cancel itself is recorded as before."""
    merchant = UserFactory(username="boss", is_staff=True)

    services.transition_order(order_id=paid_order.pk, to_status="cancelled", actor=merchant)

    refund = Refund.objects.get()
    assert (
        refund.order_id,
        refund.kind,
        refund.amount,
        refund.currency,
        refund.payment_method,
        refund.payment_reference,
        refund.status,
        refund.refunded_at,
    ) == (
        paid_order.pk,
        "cancellation",
        Decimal("42.50"),
        "USD",
        "test_card",
        "tc_0001",
        "due",
        None,
    )
    events = list(OrderEvent.objects.filter(order=paid_order).values_list("to_status", "note"))
    assert events == [("cancelled", ""), ("", "Refund of 42.50 USD to be made.")]
    with pytest.raises(InvalidTransition):
        services.transition_order(order_id=paid_order.pk, to_status="cancelled")
    assert Refund.objects.count() == 1


def test_cancelling_an_unpaid_order_records_no_refund():
    """A pending cash-on-delivery order was never paid: nothing is owed."""
    order = OrderFactory(status=Status.PENDING)

    services.transition_order(order_id=order.pk, to_status="cancelled")

    assert Refund.objects.count() == 0
    assert list(OrderEvent.objects.filter(order=order).values_list("note", flat=True)) == [""]


def test_the_customer_sees_the_refund_due_then_made(client, paid_order):
    """The order page says a refund is owed, and once staff made it, when."""
    services.transition_order(order_id=paid_order.pk, to_status="cancelled")
    client.force_login(paid_order.user)

    due = client.get(paid_order.get_absolute_url()).content.decode()
    refund = refunds.mark_refund_made(refund_id=Refund.objects.get().pk, reference="TRX-9")
    made = client.get(paid_order.get_absolute_url()).content.decode()

    assert (
        '<p class="notice" role="status" data-testid="refund">This order was cancelled after '
        "you paid: we owe you a refund of 42.50 USD, which we send back the way you paid.</p>"
    ) in due
    assert "We refunded 42.50 USD on " in made
    assert "we owe you a refund" not in made
    assert (refund.status, refund.refund_reference) == ("refunded", "TRX-9")
    assert OrderEvent.objects.filter(order=paid_order).last().note == (
        "Refund of 42.50 USD made (TRX-9)."
    )
    with pytest.raises(InvalidTransition, match="already made"):
        refunds.mark_refund_made(refund_id=refund.pk)


def test_a_merchant_sees_due_refunds_and_marks_them_made(client, paid_order):
    """A merchant (the Merchant group, not a superuser) finds the refund on the order and in
    Orders › Refunds, and marks it refunded with the admin action."""
    services.transition_order(order_id=paid_order.pk, to_status="cancelled")
    merchant = UserFactory(username="merchant")
    grant_merchant_role(user=merchant)
    client.force_login(merchant)
    refund = Refund.objects.get()

    order_page = client.get(reverse("admin:orders_order_change", args=[paid_order.pk]))
    listing = client.get(reverse("admin:orders_refund_changelist") + "?status__exact=due")
    response = client.post(
        reverse("admin:orders_refund_changelist"),
        {"action": "mark_refunded", "_selected_action": [refund.pk]},
    )

    assert order_page.status_code == 200
    assert "To be refunded" in order_page.content.decode()
    assert [r.pk for r in listing.context["cl"].result_list] == [refund.pk]
    assert response.status_code == 302
    refund.refresh_from_db()
    assert (refund.status, refund.refunded_by) == ("refunded", merchant)
