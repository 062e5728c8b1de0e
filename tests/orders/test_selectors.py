import pytest

from shop.orders.selectors import customer_names
from tests.factories import UserFactory
from tests.factories.orders import AddressFactory, OrderFactory


@pytest.mark.django_db
def test_customer_names_come_from_users_addresses_and_orders():
    """Users' first/last names, saved addresses and orders' shipping names are all read."""
    user = UserFactory(first_name="Ruby", last_name="Webb")
    AddressFactory(user=user, full_name="Ruby J. Webb")
    OrderFactory(
        user=user, status="paid", shipping_address={"full_name": "Theo Walker", "line1": "1 Way"}
    )
    OrderFactory(user=user, status="paid", shipping_address={"line1": "2 Way"})
    UserFactory(username="nameless", first_name="", last_name="")

    assert sorted(customer_names()) == [("Ruby", "Webb"), ("Ruby J. Webb",), ("Theo Walker",)]
