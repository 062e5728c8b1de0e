"""Template tags behind the recommendation slots the shop's pages offer.

Nothing is shown (and nothing is queried) until a recommender version is active, so the
shop's pages cost what they cost before one is trained. Lists are rendered per request and
never cached: they are personal.
"""

from __future__ import annotations

from typing import Any

from django import template

from recommend import selectors, services
from recommend.artifacts import active_recommender
from recommend.models import Surface
from shop.catalog import selectors as catalog

register = template.Library()

# Search "Related": the first results are the anchors.
SEARCH_ANCHORS = 5
# Per surface on the pages: how many items each list shows.
PAGE_LIMITS = {Surface.BOUGHT_TOGETHER: 4, Surface.SEARCH: 4}


@register.simple_tag(takes_context=True)
def recommended(context: template.Context, *surfaces: str) -> Any:
    """``{% recommended "home" as rec %}``: the page's lists for this visitor, logged as shown.

    One surface gives its RecommendationList, several a dict of them (computed together).
    The product page, cart and search results pass what is in play through their own context
    (``product_id``, ``cart``, ``products``).
    """
    if active_recommender() is None:
        return None if len(surfaces) == 1 else {}
    request = context.get("request")
    cart = context.get("cart")
    cart_ids = [line.product_id for line in getattr(cart, "lines", [])] if cart else []
    anchors = [card.id for card in (context.get("products") or [])[:SEARCH_ANCHORS]]
    if (Surface.CART in surfaces and not cart_ids) or (Surface.SEARCH in surfaces and not anchors):
        return None
    session_key = services.ensure_visitor_session(request) if request is not None else ""
    language = catalog.current_language()
    product_id = context.get("product_id")
    lists = selectors.recommendation_lists(
        surfaces,
        user=getattr(request, "user", None),
        session_key=session_key,
        product_id=product_id
        if Surface.PRODUCT in surfaces or Surface.BOUGHT_TOGETHER in surfaces
        else None,
        cart_product_ids=cart_ids if Surface.CART in surfaces else (),
        anchor_product_ids=anchors if Surface.SEARCH in surfaces else (),
        language=language,
        limits=PAGE_LIMITS,
    )
    for result in lists.values():
        services.record_impression(
            surface=result.surface,
            product_ids=[item.product_id for item in result.items],
            request=request,
            language=language,
            model_version=result.model_version,
        )
    return lists[surfaces[0]] if len(surfaces) == 1 else lists


@register.filter
def get_list(lists: Any, surface: str) -> Any:
    return (lists or {}).get(surface)


@register.filter
def reason_of(result: Any, card: Any) -> str:
    """The explanation of ``card`` in a recommendation list."""
    for item in getattr(result, "items", ()):
        if item.product_id == card.id:
            return item.reason
    return ""


@register.filter
def cards_of(result: Any) -> list[Any]:
    return [item.card for item in getattr(result, "items", ())]


@register.filter
def is_trending(result: Any) -> bool:
    """Whether every item of the list is there for being popular (no personal signal)."""
    items = getattr(result, "items", ())
    return bool(items) and all(item.source == "popularity" for item in items)
