from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CopywritingConfig(AppConfig):
    name = "copywriting"
    label = "copywriting"
    verbose_name = _("Copywriting")
