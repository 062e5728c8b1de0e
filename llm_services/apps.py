from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LlmServicesConfig(AppConfig):
    name = "llm_services"
    label = "llm_services"
    verbose_name = _("LLM services")

    def ready(self) -> None:
        # Registers the system checks. Never load a model here: ready() runs for migrate too.
        from llm_services import checks  # noqa: F401
