import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportChatConfig(AppConfig):
    name = "support_chat"
    label = "support_chat"
    verbose_name = _("Support chat")

    def ready(self) -> None:
        from celery import current_app

        from shop.accounts.hooks import register_login_hook
        from shop.catalog.slots import register_slot
        from support_chat.redaction import RedactPersonalData

        # Celery discovers task modules in its workers only; the admin queues the training
        # task by name (services.TRAIN_TASK), so this app's tasks are registered here too.
        current_app.autodiscover_tasks([self.name], force=True)
        # The chat widget at the end of every storefront page; a visitor's conversations
        # become the customer's at login.
        register_slot("page_end", "support_chat/_widget.html")
        register_login_hook(_attach_conversations)
        # Shoppers' messages can hold personal data: none of it reaches the logs.
        chat_logger = logging.getLogger("support_chat")
        if not any(isinstance(item, RedactPersonalData) for item in chat_logger.filters):
            chat_logger.addFilter(RedactPersonalData())


def _attach_conversations(*, session_key: str, user_id: int) -> None:
    from support_chat.services import attach_conversations_to_user

    attach_conversations_to_user(session_key=session_key, user_id=user_id)
