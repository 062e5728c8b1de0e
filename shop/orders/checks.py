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


# Backends that keep mail out of customers' inboxes and in the process: the console backend
# prints every message (order confirmations: names, postal addresses) into the logs.
NON_DELIVERING_EMAIL_BACKENDS = (
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
)


@checks.register("orders")
def check_email_backend(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """With DEBUG off, order mail must be delivered, not printed to the logs or kept in memory.

    A deployment that means it (a demo) silences ``orders.E003`` in SILENCED_SYSTEM_CHECKS.
    """
    if settings.DEBUG or settings.EMAIL_BACKEND not in NON_DELIVERING_EMAIL_BACKENDS:
        return []
    return [
        checks.Error(
            f"EMAIL_BACKEND is {settings.EMAIL_BACKEND!r} while DEBUG is off: order "
            "confirmations (customers' names and addresses) would go to the logs or memory "
            "instead of to the customers.",
            hint=(
                "Set EMAIL_BACKEND to a delivering backend (django.core.mail.backends.smtp."
                "EmailBackend with EMAIL_HOST, or a provider's), or to django.core.mail."
                "backends.filebased.EmailBackend with EMAIL_FILE_PATH; or silence orders.E003."
            ),
            id="orders.E003",
        )
    ]
