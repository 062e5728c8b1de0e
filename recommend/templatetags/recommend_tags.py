"""Template tags behind the recommendation slots the shop's pages offer."""

from __future__ import annotations

from typing import Any

from django import template

from recommend import selectors, services
from recommend.models import Surface
from shop.catalog import selectors as catalog

register = template.Library()

# Search "Related": the first results are the anchors.
SEARCH_ANCHORS = 5


def _visitor(request: Any) -> tuple[Any, str]:
    if request is None:
        return None, ""
    session = getattr(request, "session", None)
    return getattr(request, "user", None), (session.session_key or "") if session else ""


@register.simple_tag(takes_context=True)
def recommended(context: template.Context, surface: str, **options: Any) -> Any:
    """``{% recommended "home" as rec %}``: the list for this page's visitor, logged as shown.

    The product page, cart and search results pass what is in play (``product_id``,
    ``cart``, ``products``) through their own context; ``limit`` may be given.
    """
    request = context.get("request")
    user, session_key = _visitor(request)
    product_id = options.get("product_id") or context.get("product_id")
    cart = context.get("cart")
    cart_ids = [line.product_id for line in getattr(cart, "lines", [])] if cart else []
    anchors: list[int] = []
    if surface == Surface.SEARCH:
        anchors = [card.id for card in (context.get("products") or [])[:SEARCH_ANCHORS]]
        if not anchors:
            return None
    if surface == Surface.CART and not cart_ids:
        return None
    language = catalog.current_language()
    result = selectors.recommendations(
        surface,
        user=user,
        session_key=session_key,
        product_id=product_id if surface in {Surface.PRODUCT, Surface.BOUGHT_TOGETHER} else None,
        cart_product_ids=cart_ids,
        anchor_product_ids=anchors,
        language=language,
        limit=options.get("limit"),
    )
    services.record_impression(
        surface=surface,
        product_ids=[item.product_id for item in result.items],
        request=request,
        language=language,
        model_version=result.model_version,
    )
    return result


@register.simple_tag(takes_context=True)
def log_recommendation_click(context: template.Context) -> str:
    """On a product page: log the click when the visitor came from a recommendation list."""
    request = context.get("request")
    product_id = context.get("product_id")
    if request is not None and product_id:
        services.record_recommendation_click(request, product_id=product_id)
    return ""


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
