from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportChatConfig(AppConfig):
    name = "support_chat"
    label = "support_chat"
    verbose_name = _("Support chat")

    def ready(self) -> None:
        from celery import current_app

        # Celery discovers task modules in its workers only; the admin queues the training
        # task by name (services.TRAIN_TASK), so this app's tasks are registered here too.
        current_app.autodiscover_tasks([self.name], force=True)
