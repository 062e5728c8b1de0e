from celery import current_app
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from shop.catalog.slots import register_slot


class TranslationConfig(AppConfig):
    name = "translation"
    label = "translation"
    verbose_name = _("Machine translation")

    def ready(self) -> None:
        # Local import: training.py reads catalog models once the registry is ready. Registers
        # the "translation" fine-tuning task; no database access, no model loading.
        from translation.training import register

        register()
        # The storefront's "Machine-translated" mark under an approved translation, the
        # reviews' "Translate to …" buttons (one script for the page, not a render per review)
        # and the catalog import's "Translate the imported products" form.
        register_slot("product_description_after", "translation/_machine_translated_slot.html")
        register_slot("product_reviews_after", "translation/_review_translation_slot.html")
        register_slot("catalog_import_status_after", "admin/translation/_import_translate.html")
        # Celery discovers task modules in its workers only; the web process and management
        # commands queue the job task by name (services.RUN_JOB_TASK), so Celery registers
        # this app's tasks here too (and runs them eagerly where CELERY_TASK_ALWAYS_EAGER).
        current_app.autodiscover_tasks([self.name], force=True)
