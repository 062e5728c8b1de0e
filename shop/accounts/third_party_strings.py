"""Strings of third-party apps that ship no Chinese catalogue, marked for ``makemessages``.

django-axes (login throttling) has no zh_Hans translation of its model names, which the admin
shows; marking them here keeps their Chinese in ``locale/zh_Hans`` when the catalogue is
regenerated. Django looks the same English text up at run time, so nothing imports this
module.
"""

from django.utils.translation import gettext_noop

AXES_MODEL_NAMES = (
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
)
