"""Prices written in another currency than the shop's: read with the shop's exchange rates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")


@dataclass(frozen=True)
class PriceQuote:
    """The price bounds as the shopper wrote them, in ``currency``; ``rate`` (units of it per
    unit of the shop's currency) is None when the shop has none, and then no bound applies."""

    currency: str
    rate: Decimal | None
    price_min: Decimal | None = None
    price_max: Decimal | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "rate": None if self.rate is None else str(self.rate),
            "price_min": None if self.price_min is None else str(self.price_min),
            "price_max": None if self.price_max is None else str(self.price_max),
        }


@dataclass(frozen=True)
class Money:
    """The shop's currency and its exchange rates (units of a currency per unit of the shop's).

    An empty ``currency`` (grammar-only vocabularies) takes every amount as written.
    """

    currency: str = ""
    rates: Mapping[str, Decimal] = field(default_factory=dict)

    @classmethod
    def from_settings(cls) -> Money:
        """``SHOP_DEFAULT_CURRENCY`` and ``SHOP_CURRENCY_RATES``.

        Raises:
            ImproperlyConfigured: a rate that is not a positive number.
        """
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured

        rates: dict[str, Decimal] = {}
        for code, value in (getattr(settings, "SHOP_CURRENCY_RATES", None) or {}).items():
            try:
                rate = Decimal(str(value))
            except InvalidOperation:
                rate = Decimal(0)
            if not rate.is_finite() or rate <= 0:
                raise ImproperlyConfigured(
                    f"SHOP_CURRENCY_RATES[{code!r}] must be a positive number, got {value!r}."
                )
            rates[str(code).upper()] = rate
        return cls(currency=str(settings.SHOP_DEFAULT_CURRENCY).upper(), rates=rates)

    def convert(
        self, low: Decimal | None, high: Decimal | None, written: str | None
    ) -> tuple[Decimal | None, Decimal | None, PriceQuote | None]:
        """Bounds written in ``written`` (None: unmarked, the shop's own) in the shop's currency.

        A lower bound is rounded up and an upper bound down to the cent, so nothing shown
        costs more than the shopper's limit. Without a rate for ``written`` no bound applies,
        and the quote says so.
        """
        if not self.currency or written is None or written == self.currency:
            return low, high, None
        if low is None and high is None:
            return low, high, None
        rate = self.rates.get(written)
        quote = PriceQuote(currency=written, rate=rate, price_min=low, price_max=high)
        if rate is None:
            return None, None, quote
        return (
            None if low is None else (low / rate).quantize(CENT, rounding=ROUND_CEILING),
            None if high is None else (high / rate).quantize(CENT, rounding=ROUND_FLOOR),
            quote,
        )
