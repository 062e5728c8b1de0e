"""``GET /api/reviews/translation``: a review in the reader's language, machine-translated on
demand. Thin: parse, call ``services.translate_review``, answer JSON."""

from __future__ import annotations

import logging

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from common.ratelimit import rate_limit
from common.text import CHINESE, ENGLISH
from shop.reviews.models import Review
from translation import services

logger = logging.getLogger("translation")

API_LANGUAGES = {ENGLISH: ENGLISH, "zh": CHINESE, CHINESE: CHINESE}
# Review ids are database keys; a longer number is no review (and would overflow the query).
MAX_ID_DIGITS = 18


def _error(message: str, field: str, status: int = 400) -> JsonResponse:
    return JsonResponse(
        {"error": message, "fields": {field: [message]}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
@rate_limit("review-translation", setting="TRANSLATION_REVIEW_RATE_LIMIT")
def review_translation_api(request: HttpRequest) -> JsonResponse:
    """``GET /api/reviews/translation?review=ID&lang=en|zh-hans`` → the review's title and text
    in ``lang``, labelled machine-translated; ``degraded`` (and no text) when the model could
    not translate it."""
    raw_id = request.GET.get("review", "")
    if not raw_id.isascii() or not raw_id.isdigit() or len(raw_id) > MAX_ID_DIGITS:
        return _error(_("review must be the id of a review."), "review")
    language = API_LANGUAGES.get((request.GET.get("lang") or "").strip().lower())
    if language is None:
        return _error(_("lang must be en or zh-hans."), "lang")
    try:
        result = services.translate_review(review_id=int(raw_id), target_language=language)
    except Review.DoesNotExist:
        return _error(_("No such review."), "review", status=404)
    except services.ReviewNotTranslatable as exc:
        return _error(str(exc), "lang")
    if result.degraded:
        # The engine's reason may name the model server; shoppers get a fixed word.
        logger.info("review %s not translated: %s", result.review_id, result.degraded)
    return JsonResponse(
        {
            "review": result.review_id,
            "source_language": result.source_language,
            "language": result.language,
            "title": result.title if not result.degraded else None,
            "text": result.text if not result.degraded else None,
            "machine_translated": not result.degraded,
            "label": _("Machine-translated") if not result.degraded else None,
            "cached": result.cached,
            "flagged": result.is_flagged,
            "degraded": "unavailable" if result.degraded else None,
            "message": _(
                "The translation is unavailable right now; the review is shown as written."
            )
            if result.degraded
            else None,
        },
        json_dumps_params={"ensure_ascii": False},
    )
