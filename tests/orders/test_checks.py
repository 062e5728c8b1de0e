from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from shop.orders.checks import check_payment_gateways
from shop.orders.exceptions import CheckoutError
from shop.orders.models import Order
from shop.orders.services import place_order
from tests.factories import ProductFactory
from tests.factories.orders import ShippingMethodFactory

COD = "shop.orders.payments.CashOnDelivery"
TEST_CARD = "shop.orders.payments.TestCardGateway"


def test_production_default_is_cash_on_delivery_only():
    """The base (and so production) settings enable no test-only gateway."""
    from config.settings import base

    assert base.SHOP_PAYMENT_GATEWAYS == [COD]


def test_test_only_gateway_with_debug_off_is_an_error(settings):
    """With DEBUG off, a gateway whose class says test_only is refused as orders.E001."""
    settings.DEBUG = False
    settings.SHOP_PAYMENT_GATEWAYS = [COD, TEST_CARD]

    messages = check_payment_gateways()

    assert [message.id for message in messages] == ["orders.E001"]
    assert TEST_CARD in messages[0].msg


def test_test_only_gateway_is_found_by_its_attribute_not_its_name(settings):
    """Any class marked test_only counts, whatever it is called."""
    settings.DEBUG = False
    settings.SHOP_PAYMENT_GATEWAYS = ["tests.orders.test_checks.RenamedTestGateway"]

    assert [message.id for message in check_payment_gateways()] == ["orders.E001"]


class RenamedTestGateway:
    code = "fake"
    test_only = True


def test_test_only_gateway_with_debug_on_and_cash_in_production_pass(settings):
    """Development may use the test card; cash on delivery alone is fine with DEBUG off."""
    settings.DEBUG = True
    settings.SHOP_PAYMENT_GATEWAYS = [COD, TEST_CARD]
    assert check_payment_gateways() == []
    settings.DEBUG = False
    settings.SHOP_PAYMENT_GATEWAYS = [COD]
    assert check_payment_gateways() == []


def test_manage_py_check_fails_on_the_test_gateway_in_production(settings):
    """`manage.py check` (run by migrate and CI) stops on orders.E001."""
    settings.DEBUG = False
    settings.SHOP_PAYMENT_GATEWAYS = [COD, TEST_CARD]
    settings.SILENCED_SYSTEM_CHECKS = []

    with pytest.raises(SystemCheckError, match="orders.E001"):
        call_command("check", tags=["orders"])


def test_unimportable_gateway_is_an_error(settings):
    """A mistyped dotted path is reported by the check, not at the first checkout."""
    settings.SHOP_PAYMENT_GATEWAYS = ["shop.orders.payments.NoSuchGateway"]
    assert [message.id for message in check_payment_gateways()] == ["orders.E002"]


@pytest.mark.django_db
def test_the_test_card_pays_for_nothing_with_the_production_default(settings):
    """With the production default, card 4242… is not a payment method: no paid order."""
    settings.SHOP_PAYMENT_GATEWAYS = [COD]
    ShippingMethodFactory(code="std", price=Decimal("5.00"))
    product = ProductFactory(stock=3)

    with pytest.raises(CheckoutError, match="Choose a payment method"):
        place_order(
            lines={product.pk: 1},
            user=None,
            email="li@example.com",
            address={
                "full_name": "Li Lei",
                "line1": "88 Century Avenue",
                "city": "Shanghai",
                "postcode": "200120",
                "country": "CN",
            },
            shipping_method_code="std",
            payment_method="test_card",
            payment_token="4242 4242 4242 4242",
            idempotency_key="k-prod",
        )
    assert Order.objects.count() == 0
