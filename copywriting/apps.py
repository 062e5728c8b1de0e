from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CopywritingConfig(AppConfig):
    name = "copywriting"
    label = "copywriting"
    verbose_name = _("Copywriting")

    def ready(self) -> None:
        # Registers the "copywriting" fine-tuning task; no database access, no model loading.
        from copywriting.training import register

        register()
