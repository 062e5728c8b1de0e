"""Payment methods behind one small interface.

No payment provider is reachable from this project's machines, so two gateways ship: cash on
delivery, and a card gateway for tests and demos that never moves money and says so.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .exceptions import CheckoutError, PaymentDeclined


@dataclass(frozen=True)
class PaymentResult:
    reference: str
    captured: bool  # True: the order is paid now; False: payment is collected later


class PaymentGateway(Protocol):
    code: str
    label: str
    test_only: bool

    def charge(
        self, *, amount: Decimal, currency: str, token: str, idempotency_key: str
    ) -> PaymentResult:
        """Take the payment or raise PaymentDeclined; the same key must not charge twice."""


class CashOnDelivery:
    code = "cod"
    label = _("Cash on delivery")
    test_only = False

    def charge(self, *, amount, currency, token, idempotency_key) -> PaymentResult:
        return PaymentResult(reference=f"COD-{idempotency_key[:12]}", captured=False)


class TestCardGateway:
    """Accepts the well-known test numbers only; it never contacts a bank."""

    code = "test_card"
    label = _("Test card (TEST MODE — no real payment)")
    test_only = True
    APPROVED = "4242424242424242"
    DECLINED = "4000000000000002"

    def charge(self, *, amount, currency, token, idempotency_key) -> PaymentResult:
        number = "".join(ch for ch in token if ch.isdigit())
        if number == self.DECLINED:
            raise PaymentDeclined(_("The card was declined (test card 4000 0000 0000 0002)."))
        if number != self.APPROVED:
            raise CheckoutError(_("Use the test card 4242 4242 4242 4242 in test mode."))
        digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:16]
        return PaymentResult(reference=f"TEST-{digest}", captured=True)


def available_gateways() -> dict[str, PaymentGateway]:
    """Gateways enabled by ``SHOP_PAYMENT_GATEWAYS`` (dotted paths), by code."""
    gateways = [import_string(path)() for path in settings.SHOP_PAYMENT_GATEWAYS]
    return {gateway.code: gateway for gateway in gateways}


def get_gateway(code: str) -> PaymentGateway:
    try:
        return available_gateways()[code]
    except KeyError:
        raise CheckoutError(_("Choose a payment method.")) from None
