"""The order confirmation email: sent by a task after commit, retried, never twice, and never
able to fail a checkout that already committed."""

import smtplib
from decimal import Decimal

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from shop.orders import tasks
from shop.orders.models import Order
from tests.factories import ProductFactory
from tests.factories.orders import OrderFactory, ShippingMethodFactory

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


class FailingEmailBackend(BaseEmailBackend):
    """An SMTP server that drops the connection on every send."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.mark.django_db(transaction=True)
def test_a_failing_mail_server_does_not_fail_the_committed_checkout(client, settings):
    """The order commits, so the shopper lands on its page with an empty cart; a retry of the
    same form finds the same order instead of placing a second one."""
    settings.EMAIL_BACKEND = "tests.orders.test_confirmation.FailingEmailBackend"
    ShippingMethodFactory(code="std", price=Decimal("5.00"))
    product = ProductFactory(price=Decimal("20.00"), stock=3)
    client.post(reverse("cart:add"), {"product_id": product.pk, "quantity": "2"})
    review = client.post(reverse("orders:checkout"), {**FORM, "action": "review"})
    data = {
        **FORM,
        "action": "place",
        "idempotency_key": review.context["idempotency_key"],
        "expected_total": "45.00",
    }

    placed = client.post(reverse("orders:checkout"), data)

    order = Order.objects.get()
    assert placed.status_code == 302
    assert placed.url == f"{order.get_absolute_url()}?placed=1"
    assert client.get(placed.url).status_code == 200  # remembered by the guest's session
    assert client.get(reverse("cart:detail")).context["cart"].lines == []
    assert order.confirmation_sent_at is None
    assert mail.outbox == []
    client.post(reverse("orders:checkout"), data)
    assert Order.objects.count() == 1


@pytest.mark.django_db
def test_the_task_sends_the_confirmation_once():
    """A retried or redelivered task finds the send recorded and sends nothing more."""
    order = OrderFactory(email="li@example.com", language="en")

    assert tasks.send_order_confirmation_task.apply(args=[order.pk]).get() is True
    assert tasks.send_order_confirmation_task.apply(args=[order.pk]).get() is False

    assert [message.subject for message in mail.outbox] == [f"Your order {order.number}"]
    assert mail.outbox[0].to == ["li@example.com"]
    order.refresh_from_db()
    assert order.confirmation_sent_at is not None


@pytest.mark.django_db
def test_a_mail_error_on_a_worker_is_retried_with_backoff(settings, monkeypatch):
    """On a worker, a mail error schedules a retry (1 minute, then doubling) and records
    nothing, so the retry sends the email."""
    settings.EMAIL_BACKEND = "tests.orders.test_confirmation.FailingEmailBackend"
    order = OrderFactory()
    retries = []

    def retry(*, exc, countdown):
        retries.append((type(exc), countdown))
        return Retry(exc=exc, when=countdown)

    monkeypatch.setattr(tasks.send_order_confirmation_task, "retry", retry)
    tasks.send_order_confirmation_task.push_request(is_eager=False, retries=2)
    try:
        with pytest.raises(Retry):
            tasks.send_order_confirmation_task.run(order.pk)
    finally:
        tasks.send_order_confirmation_task.pop_request()

    assert retries == [(smtplib.SMTPServerDisconnected, 240)]
    order.refresh_from_db()
    assert order.confirmation_sent_at is None


@pytest.mark.django_db
def test_inline_a_mail_error_is_logged_not_raised(settings, caplog):
    """Without a broker the task runs in the request: the error is logged, not raised."""
    settings.EMAIL_BACKEND = "tests.orders.test_confirmation.FailingEmailBackend"
    order = OrderFactory()

    assert tasks.send_order_confirmation_task.apply(args=[order.pk]).get() is False

    assert f"order {order.pk}: the confirmation email was not sent" in caplog.text


def test_email_timeout_has_a_default(settings):
    """An SMTP server that hangs cannot hold a worker (or a request) for ever."""
    from config.settings import base

    assert base.EMAIL_TIMEOUT == 10
