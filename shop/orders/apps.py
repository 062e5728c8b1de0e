from celery import current_app
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "shop.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        # Registers the system checks (orders.E001: no test-only gateway with DEBUG off).
        from . import checks  # noqa: F401

        # Celery discovers task modules in its workers only; the web process queues the
        # confirmation task by name (services.CONFIRMATION_TASK), so register it here too.
        current_app.autodiscover_tasks([self.name], force=True)
