"""Autocomplete for the search box: popular queries, categories and product titles."""

from __future__ import annotations

from django.core.cache import cache

from search.models import SearchLog
from shop.catalog import selectors as catalog
from shop.catalog.cache import cached, versioned_key

SUGGEST_LIMIT = 8
POPULAR_TIMEOUT = 300


def _suggestion_sources(language: str) -> dict[str, list[tuple[str, str, str]]]:
    """(folded text, display text, url) of every product title and category, per language."""

    def build() -> dict[str, list[tuple[str, str, str]]]:
        products = list(catalog.card_queryset().active().order_by("-popularity", "-id")[:5000])
        cards = catalog.product_cards(products)
        tree = catalog.category_tree()
        return {
            "product": [(c.title.casefold(), c.title, c.url) for c in cards],
            "category": [(n.name.casefold(), n.name, n.url) for n in tree.nodes.values()],
        }

    return cached(versioned_key("search-suggest", language), build, catalog.STRUCTURE_TIMEOUT)


def popular_queries(*, limit: int = 200) -> list[tuple[str, int]]:
    """The most frequent searches of the last 30 days that found something."""
    from datetime import timedelta

    from django.db.models import Count
    from django.utils import timezone

    key = "search:popular-queries"
    found = cache.get(key)
    if found is None:
        since = timezone.now() - timedelta(days=30)
        found = list(
            SearchLog.objects.filter(created_at__gte=since, result_count__gt=0)
            .values("normalized")
            .annotate(n=Count("id"))
            .order_by("-n", "normalized")
            .values_list("normalized", "n")[:limit]
        )
        cache.set(key, found, POPULAR_TIMEOUT)
    return found


def suggest(prefix: str, *, limit: int = SUGGEST_LIMIT) -> list[dict[str, str]]:
    """Autocomplete: popular queries, categories and product titles starting with ``prefix``
    (or with a word starting with it)."""
    folded = " ".join(prefix.casefold().split())[:100]
    if not folded:
        return []
    sources = _suggestion_sources(catalog.current_language())

    def starts(text: str) -> bool:
        return text.startswith(folded) or f" {folded}" in text

    out: list[dict[str, str]] = []
    for query, _count in popular_queries():
        if starts(query) and len([s for s in out if s["type"] == "query"]) < 3:
            out.append({"type": "query", "text": query, "url": ""})
    for kind, cap in (("category", 2), ("product", limit)):
        taken = 0
        for text, display, url in sources[kind]:
            if taken >= cap or len(out) >= limit:
                break
            if starts(text):
                out.append({"type": kind, "text": display, "url": url})
                taken += 1
    return out[:limit]
