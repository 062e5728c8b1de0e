from celery import current_app
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from shop.catalog.slots import register_slot


class CopywritingConfig(AppConfig):
    name = "copywriting"
    label = "copywriting"
    verbose_name = _("Copywriting")

    def ready(self) -> None:
        # Local import: training.py reads catalog models, which may import only once the app
        # registry is ready. Registers the "copywriting" fine-tuning task; no database access,
        # no model loading.
        from copywriting.training import register

        register()
        register_slot("product_description_after", "copywriting/_ai_assisted_slot.html")
        # Celery discovers task modules in its workers only; the web process and management
        # commands queue the job task by name (services.RUN_JOB_TASK), so Celery registers
        # this app's tasks here too (and runs them eagerly where CELERY_TASK_ALWAYS_EAGER).
        current_app.autodiscover_tasks([self.name], force=True)
