from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportChatConfig(AppConfig):
    name = "support_chat"
    label = "support_chat"
    verbose_name = _("Support chat")
