"""The search results page, /api/search and /api/search/suggest. Thin: parse, call, render."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from common.ratelimit import rate_limit
from common.text import CHINESE, ENGLISH, clean_query
from common.visitors import counts_as_visitor_choice
from search import selectors, services
from search.forms import SearchForm
from search.selectors import SearchResult
from shop.catalog import selectors as catalog
from shop.catalog.forms import SORT_LABELS
from shop.interactions import services as interactions

API_LANGUAGES = {ENGLISH: ENGLISH, "zh": CHINESE, CHINESE: CHINESE}
LANGUAGE_ERROR = f"lang must be {ENGLISH} or {CHINESE}."


def _log(request: HttpRequest, result: SearchResult) -> None:
    # Only the first page is a new search; paging through results is not.
    if not result.query or result.page != 1:
        return
    services.log_search(
        query=result.query,
        language=catalog.current_language(),
        parsed=result.parsed.as_dict(),
        # "Closest products" shown for a query that matched nothing still count as no result.
        result_count=0 if result.nearest else result.total,
        latency_ms=result.latency_ms,
        mode=result.mode,
        degraded=bool(result.degraded),
        session_key=request.session.session_key or "",
        user_id=request.user.pk if request.user.is_authenticated else None,
        # Robots and searches another site made the browser send (an <img> pointing at
        # /search/?q=…) stay in the report but never make a query popular.
        counts_for_popularity=counts_as_visitor_choice(request),
    )
    interactions.record(
        kind="search",
        request=request,
        query=result.query,
        result_count=0 if result.nearest else result.total,
    )


def _too_many_searches(request: HttpRequest, retry_after: int) -> HttpResponse:
    # A page in the visitor's language, not a bare status: people reach it by searching fast.
    message = ngettext(
        "You have searched a lot in a short time. Please try again in %(seconds)d second.",
        "You have searched a lot in a short time. Please try again in %(seconds)d seconds.",
        retry_after,
    ) % {"seconds": retry_after}
    return render(request, "429.html", {"message": message}, status=429)


# Every new query embeds in the web process: the page and /api/search share one budget per
# client address (SEARCH_RATE_LIMIT), suggestions have their own (SEARCH_SUGGEST_RATE_LIMIT).
@require_GET
@rate_limit("search", setting="SEARCH_RATE_LIMIT", response=_too_many_searches)
def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    params = form.get_params()
    context: dict[str, Any] = {"query": params.query, "form": form}
    if params.query or form.get_filters().is_filtered or params.category_id is not None:
        # Cards link with ?from=search&pos=n, so the product page can log the click.
        result = selectors.search_catalog(params, card_source="search")
        _log(request, result)
        paginator = Paginator(range(result.total), params.page_size)
        page_obj = paginator.get_page(result.page)
        base = form.canonical_params()
        explanations = {hit.product_id: hit.explanation for hit in result.hits}
        context.update(
            result=result,
            products=result.cards,
            explanations=explanations,
            page_obj=page_obj,
            page_range=paginator.get_elided_page_range(page_obj.number, on_each_side=2),
            params=base,
            sort_options=[("relevance", _relevance_label())]
            + [(v, SORT_LABELS[v]) for v in catalog.SORT_CHOICES],
        )
    return render(request, "search/results.html", context)


def _relevance_label() -> str:
    from django.utils.translation import gettext as _

    return _("Best match")


def _api_language(request: HttpRequest) -> str | None:
    raw = (request.GET.get("lang") or ENGLISH).strip().lower()
    return API_LANGUAGES.get(raw)


def _error(message: str, errors: dict[str, Any] | None = None) -> JsonResponse:
    return JsonResponse({"error": message, "fields": errors or {}}, status=400)


@require_GET
@rate_limit("search", setting="SEARCH_RATE_LIMIT")
def search_api(request: HttpRequest) -> JsonResponse:
    """``GET /api/search?q=…`` (+ category, brand, price_min, price_max, attr_<code>, in_stock,
    sort, page, page_size, lang, exact) → results, facets, total, parsed."""
    language = _api_language(request)
    if language is None:
        return _error(LANGUAGE_ERROR)
    with translation.override(language):
        form = SearchForm(request.GET, strict=True)
        if not form.is_valid():
            return _error(
                "Invalid parameters.", {k: [str(e) for e in v] for k, v in form.errors.items()}
            )
        params = form.get_params()
        result = selectors.search_catalog(params)
        _log(request, result)
        cards = {c.id: c for c in result.cards}
        results = []
        for hit in result.hits:
            card = cards.get(hit.product_id)
            if card is None:
                continue
            results.append(
                {
                    "id": card.id,
                    "position": hit.position,
                    "title": card.title,
                    "url": request.build_absolute_uri(card.url),
                    "brand": card.brand,
                    "price": card.price,
                    "price_amount": float(card.price_amount),
                    "currency": card.currency,
                    "in_stock": card.in_stock,
                    "rating": card.rating or None,
                    "why": hit.explanation,
                }
            )
        return JsonResponse(
            {
                "query": result.query,
                "results": results,
                "total": result.total,
                "page": result.page,
                "pages": result.pages,
                "page_size": result.page_size,
                "sort": result.sort,
                "facets": {
                    "category": result.category_facet,
                    "price": result.price_facet,
                    "attributes": [
                        {
                            "param": f.param,
                            "label": str(f.label),
                            "options": [
                                {
                                    "value": o.value,
                                    "label": o.label,
                                    "count": o.count,
                                    "selected": o.selected,
                                }
                                for o in f.options
                            ],
                        }
                        for f in result.facets
                    ],
                },
                "parsed": result.parsed.as_dict(),
                "applied_filters": result.applied,
                "relaxed_filters": result.relaxed,
                "dropped_filters": result.dropped,
                "alternatives": result.alternatives,
                "nearest": result.nearest,
                "mode": result.mode,
                "degraded": result.degraded or None,
                "latency_ms": round(result.latency_ms, 1),
            },
            json_dumps_params={"ensure_ascii": False},
        )


@require_GET
@rate_limit("suggest", setting="SEARCH_SUGGEST_RATE_LIMIT")
def suggest_api(request: HttpRequest) -> JsonResponse:
    """``GET /api/search/suggest?q=…&lang=`` → popular queries, categories and titles."""
    language = _api_language(request)
    if language is None:
        return _error(LANGUAGE_ERROR)
    with translation.override(language):
        prefix = clean_query(request.GET.get("q", ""))
        return JsonResponse(
            {"query": prefix, "suggestions": selectors.suggest(prefix)},
            json_dumps_params={"ensure_ascii": False},
        )
