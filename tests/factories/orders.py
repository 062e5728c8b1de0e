from decimal import Decimal

import factory
from django.utils import timezone

from shop.orders.models import Address, Order, ShippingMethod

from . import UserFactory


class ShippingMethodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShippingMethod
        django_get_or_create = ("code",)

    code = "standard"
    name = "Standard delivery"
    price = Decimal("5.00")


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    user = factory.SubFactory(UserFactory)
    full_name = "Ada Lovelace"
    line1 = "12 Analytical Row"
    city = "London"
    postcode = "N1 9GU"
    country = "GB"


class OrderFactory(factory.django.DjangoModelFactory):
    """An order in any status, for status-flow tests; real orders come from place_order."""

    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"T-{n:06d}")
    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda o: o.user.email if o.user else "guest@example.com")
    shipping_address = factory.LazyFunction(
        lambda: {
            "full_name": "Ada",
            "line1": "1 Way",
            "city": "X",
            "postcode": "1",
            "country": "GB",
        }
    )
    shipping_method_code = "standard"
    shipping_method_name = "Standard delivery"
    subtotal = Decimal("10.00")
    shipping_total = Decimal("5.00")
    total = Decimal("15.00")
    currency = "USD"
    payment_method = "cod"
    status = Order.Status.PENDING
    idempotency_key = factory.Sequence(lambda n: f"key-{n}")
    delivered_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Order.Status.DELIVERED else None
    )
