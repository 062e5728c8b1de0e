from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        # Registers the "search" embedder fine-tuning task; no database access, no model loading.
        from search.training import register

        register()
