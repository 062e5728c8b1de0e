from celery import current_app
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "shop.catalog"
    label = "catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        # Celery discovers task modules in its workers only; the admin's import queues its
        # task by name (importing.jobs.RUN_IMPORT_TASK), so register it here too.
        current_app.autodiscover_tasks([self.name], force=True)
