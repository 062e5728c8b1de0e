"""The tag behind the product page's "Customers mention" slot: it reads the stored summary."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from insights import selectors
from insights.aspects import label_language

register = template.Library()


@register.simple_tag
def review_aspects(
    product_id: int | None, review_count: int | None = None
) -> selectors.AspectSummaryInfo | None:
    """``{% review_aspects product_id product.review_count as summary %}``: the product's stored
    aspect summary, labelled in the page's language, or None (one query, nothing computed).

    A product whose (denormalised) review count is 0 has nothing to summarise: no query.
    """
    if not product_id or review_count == 0:
        return None
    return selectors.product_aspect_summary(product_id, language=label_language(get_language()))
