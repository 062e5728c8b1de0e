from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LlmServicesConfig(AppConfig):
    name = "llm_services"
    label = "llm_services"
    verbose_name = _("LLM services")
