"""Reviews translated on demand for the reader: never stored on the review."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.utils.translation import gettext as _

from shop.catalog.models import (
    Product,
)
from shop.reviews.models import Review
from translation.services import base
from translation.services.base import (
    SOURCE_LANGUAGES,
    TARGET_LANGUAGES,
    ReviewNotTranslatable,
)

logger = logging.getLogger("translation")


@dataclass(frozen=True)
class ReviewTranslation:
    """A review's title and text in the reader's language, as the engine answered.

    ``degraded`` names why the engine could not translate; ``title`` and ``text`` are then
    empty, never the original posing as a translation.
    """

    review_id: int
    source_language: str
    language: str
    title: str
    text: str
    cached: bool
    is_flagged: bool
    degraded: str = ""


def translate_review(*, review_id: int, target_language: str) -> ReviewTranslation:
    """Translate a shown review for a reader (through the engine's cache; nothing is stored on
    the review).

    Raises:
        ReviewNotTranslatable: no such review on an active product, a review already in
            ``target_language`` or in a language the engine does not read, or an unknown
            target language.
    """
    if target_language not in TARGET_LANGUAGES:
        raise ReviewNotTranslatable(_("Reviews can be translated into English or Chinese."))
    review = (
        Review.objects.filter(pk=review_id, product__status=Product.Status.ACTIVE)
        .only("pk", "title", "text", "language")
        .first()
    )
    if review is None:
        raise Review.DoesNotExist(review_id)
    if review.language == target_language:
        raise ReviewNotTranslatable(_("This review is written in that language already."))
    if review.language not in SOURCE_LANGUAGES:
        raise ReviewNotTranslatable(_("Reviews in this language cannot be translated."))
    texts = [t for t in (review.title.strip(), review.text.strip()) if t]
    results = base._translate(
        texts, source=review.language, target=target_language, kind="review", interactive=True
    )
    degraded = "; ".join(sorted({r.degraded for r in results if r.degraded}))
    if degraded or len(results) != len(texts):
        return ReviewTranslation(
            review_id=review.pk,
            source_language=review.language,
            language=target_language,
            title="",
            text="",
            cached=False,
            is_flagged=False,
            degraded=degraded or "incomplete",
        )
    by_source = dict(zip(texts, (r.text.strip() for r in results), strict=True))
    return ReviewTranslation(
        review_id=review.pk,
        source_language=review.language,
        language=target_language,
        title=by_source.get(review.title.strip(), ""),
        text=by_source.get(review.text.strip(), ""),
        cached=all(r.cached for r in results),
        is_flagged=any(r.is_flagged for r in results),
    )
