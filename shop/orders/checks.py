"""System checks for the checkout settings (``manage.py check``, run before migrate)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string


@checks.register("orders")
def check_payment_gateways(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A gateway marked ``test_only`` (it marks orders paid without moving money) must not be
    enabled with DEBUG off, where real shoppers would get goods for a well-known card number."""
    messages: list[checks.CheckMessage] = []
    for path in settings.SHOP_PAYMENT_GATEWAYS:
        try:
            gateway_class = import_string(path)
        except ImportError as error:
            messages.append(
                checks.Error(
                    f"SHOP_PAYMENT_GATEWAYS lists {path!r}, which cannot be imported: {error}",
                    id="orders.E002",
                )
            )
            continue
        if getattr(gateway_class, "test_only", False) and not settings.DEBUG:
            messages.append(
                checks.Error(
                    f"SHOP_PAYMENT_GATEWAYS enables the test-only gateway {path!r} while DEBUG "
                    "is off: it marks orders paid without taking any money.",
                    hint="Remove it from SHOP_PAYMENT_GATEWAYS in production.",
                    id="orders.E001",
                )
            )
    return messages
