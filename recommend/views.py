"""``GET /api/recommendations``: the same lists as the pages, as JSON. Thin: parse, call."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.views.decorators.http import require_GET

from common.ratelimit import rate_limit
from common.text import CHINESE, ENGLISH
from recommend import selectors, services
from recommend.conf import setting
from recommend.models import Surface
from shop.cart.services import cart_for
from shop.catalog.models import Product

API_SURFACES = (Surface.HOME, Surface.PRODUCT, Surface.BOUGHT_TOGETHER, Surface.CART)
API_LANGUAGES = {ENGLISH: ENGLISH, "zh": CHINESE, CHINESE: CHINESE}


def _error(message: str, field: str) -> JsonResponse:
    return JsonResponse({"error": message, "fields": {field: [message]}}, status=400)


def _language(request: HttpRequest) -> str | None:
    raw = (request.GET.get("lang") or "").strip().lower()
    if raw:
        return API_LANGUAGES.get(raw)
    preferred = translation.get_language_from_request(request, check_path=False) or ENGLISH
    return CHINESE if preferred.lower().startswith("zh") else ENGLISH


@require_GET
@rate_limit("recommend", setting="RECOMMEND_RATE_LIMIT")
def recommendations_api(request: HttpRequest) -> JsonResponse:
    """``GET /api/recommendations?surface=home|product|bought_together|cart&product=ID&limit=N``
    (+ ``lang``, else Accept-Language) → surface, items (id, title, url, price, reason, source,
    score), model_version."""
    surface = request.GET.get("surface", "")
    if surface not in API_SURFACES:
        return _error(f"surface must be one of: {', '.join(API_SURFACES)}.", "surface")
    language = _language(request)
    if language is None:
        return _error(f"lang must be {ENGLISH} or {CHINESE}.", "lang")
    max_limit = int(setting("MAX_LIMIT"))
    raw_limit = request.GET.get("limit", str(setting("DEFAULT_LIMIT")))
    if not raw_limit.isascii() or not raw_limit.isdigit() or not 1 <= int(raw_limit) <= max_limit:
        return _error(f"limit must be a whole number from 1 to {max_limit}.", "limit")
    product_id = None
    if surface in (Surface.PRODUCT, Surface.BOUGHT_TOGETHER):
        raw = request.GET.get("product", "")
        if not raw:
            return _error(f"surface={surface} needs product=ID.", "product")
        if (
            not raw.isascii()
            or not raw.isdigit()
            or not Product.objects.active().filter(pk=int(raw)).exists()
        ):
            return _error(f"No active product {raw!r}.", "product")
        product_id = int(raw)
    cart_ids: list[int] = []
    if surface == Surface.CART:
        cart_ids = list(cart_for(user=request.user, session=request.session).lines())
    result = selectors.recommendations(
        surface,
        user=request.user,
        session_key=request.session.session_key or "",
        product_id=product_id,
        cart_product_ids=cart_ids,
        language=language,
        limit=int(raw_limit),
    )
    services.record_impression(
        surface=surface,
        product_ids=[item.product_id for item in result.items],
        request=request,
        language=language,
        model_version=result.model_version,
    )
    return JsonResponse(
        {
            "surface": surface,
            "items": [
                {
                    "id": item.product_id,
                    "title": item.card.title,
                    "url": request.build_absolute_uri(item.card.link),
                    "price": item.card.price,
                    "reason": item.reason,
                    "source": item.source,
                    "score": item.score,
                }
                for item in result.items
            ],
            "model_version": result.model_version or None,
            "degraded": result.degraded or None,
        },
        json_dumps_params={"ensure_ascii": False},
    )
