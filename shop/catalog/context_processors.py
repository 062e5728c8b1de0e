"""Header data every storefront page needs: category navigation and the language switcher."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_info

from common.text import CHINESE, ENGLISH

from . import selectors
from .cache import catalog_version

SHORT_LABELS = {ENGLISH: "EN", CHINESE: "中文"}


def _language_links(request: HttpRequest) -> list[dict[str, Any]]:
    current = get_language()
    path = request.get_full_path()
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "label": SHORT_LABELS.get(code, info["name_local"]),
                "name": info["name_local"],
                "is_current": code == current,
                # set_language translates ``next`` too; sending it pre-translated keeps the
                # switch correct even for a request that carries no language prefix.
                "next": translate_url(path, code) if code != current else path,
            }
        )
    return links


def navigation(request: HttpRequest) -> dict[str, Any]:
    # Lazy: the admin renders with the same context processors and needs neither.
    return {
        "nav_categories": SimpleLazyObject(selectors.top_categories),
        "language_links": SimpleLazyObject(lambda: _language_links(request)),
        # Part of the cache key of the rendered navigation (see base.html).
        "catalog_version": SimpleLazyObject(lambda: str(catalog_version())),
        # The footer's promise follows the policy the orders app enforces.
        "return_window_days": settings.SHOP_RETURN_WINDOW_DAYS,
    }
