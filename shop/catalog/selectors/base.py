"""What every page of the catalog's read side shares: the active language, the fallback badge,
and the cache keys of rendered fragments."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from common.text import is_chinese

from ..cache import versioned_key

# Rendered listing fragments: same staleness bound as the rows they are built from.
FRAGMENT_TIMEOUT = 60
# Rendered product bodies are keyed by the product's price/stock/review stamp, so they can live
# longer; translation edits that do not touch the product row show up after this at the latest.
PRODUCT_FRAGMENT_TIMEOUT = 10 * 60


def current_language() -> str:
    return get_language() or settings.LANGUAGE_CODE


def fallback_label(language_code: str) -> str:
    """The badge shown next to text that is not in the visitor's language."""
    if is_chinese(language_code):
        return _("Chinese only")
    return _("English only")


def fragment_key(kind: str, *parts: object) -> str:
    """Cache key for a rendered page fragment: kind, active language, catalog version, parts."""
    digest = hashlib.sha1("|".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()
    return versioned_key("html", kind, current_language(), digest)
