from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LlmServicesConfig(AppConfig):
    name = "llm_services"
    label = "llm_services"
    verbose_name = _("LLM services")

    def ready(self) -> None:
        # Registers the system checks. Never load a model here: ready() runs for migrate too.
        import llm_services
        from llm_services import checks  # noqa: F401
        from llm_services.handler import models

        # Importing llm_services/models.py (ModelVersion) bound the submodule to the package's
        # "models" attribute, hiding the handler that `from llm_services import models` returns.
        # Django has imported every models module by now, so binding it back is final.
        llm_services.models = models  # type: ignore[attr-defined]
