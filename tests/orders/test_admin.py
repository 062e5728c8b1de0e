import pytest
from django.urls import reverse

from shop.orders import services
from shop.orders.models import Order, ReturnRequest
from tests.factories import UserFactory
from tests.factories.orders import OrderFactory

pytestmark = pytest.mark.django_db


def test_the_reopen_action_puts_a_rejected_return_back_in_the_queue(client):
    """The admin's "reopen" undoes a rejection; the order is awaiting its return again."""
    customer = UserFactory()
    order = OrderFactory(user=customer, status=Order.Status.DELIVERED)
    rejected = services.request_return(order_id=order.pk, user=customer, reason="Too small")
    services.resolve_return(return_request_id=rejected.pk, approve=False)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:orders_returnrequest_changelist"),
        {"action": "reopen", "_selected_action": [rejected.pk]},
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert (ReturnRequest.objects.get().status, order.status) == (
        "requested",
        Order.Status.RETURN_REQUESTED,
    )
