"""Autocomplete for the search box: popular queries, categories and product titles.

A query becomes a suggestion to everyone only when enough different visitors searched it:
popularity counts distinct visitors (a signed-in customer once, whatever their sessions;
otherwise a browser session), not rows, and a query needs SEARCH_SUGGEST_MIN_SESSIONS of them
(default 3), so one session repeating "buy cheap pills" fifty times suggests nothing. Searches
by robots and searches another site made a browser send are logged with
``counts_for_popularity=False`` and never count; searches without a session or customer cannot
be told apart and do not count either. A BlockedSuggestion term (the merchant's admin) keeps
every suggestion containing it out, popular query, category or product title alike.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from search.models import BlockedSuggestion, SearchLog, fold_suggestion
from shop.catalog import selectors as catalog
from shop.catalog.cache import cached, versioned_key

SUGGEST_LIMIT = 8
POPULAR_TIMEOUT = 300
POPULAR_DAYS = 30
# Queries kept in the cache: enough for the prefix matching to find three per prefix.
POPULAR_ROWS = 500
DEFAULT_MIN_SESSIONS = 3
POPULAR_KEY = "search:popular-queries"
BLOCKED_KEY = "search:blocked-suggestions"


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


def min_sessions() -> int:
    """settings.SEARCH_SUGGEST_MIN_SESSIONS: distinct visitors before a query is suggested."""
    return max(1, int(getattr(settings, "SEARCH_SUGGEST_MIN_SESSIONS", DEFAULT_MIN_SESSIONS)))


def blocked_terms() -> tuple[str, ...]:
    """The merchant's blocked terms, folded (cached until the admin changes them)."""
    found = cache.get(BLOCKED_KEY)
    if found is None:
        found = tuple(BlockedSuggestion.objects.values_list("term", flat=True))
        cache.set(BLOCKED_KEY, found, POPULAR_TIMEOUT)
    return found


def is_blocked(folded_text: str, terms: tuple[str, ...]) -> bool:
    return any(term in folded_text for term in terms)


def forget_suggestion_caches() -> None:
    """Drop cached popular queries and blocked terms, so a new block applies at once."""
    cache.delete_many([POPULAR_KEY, BLOCKED_KEY])


def _counted_popularity() -> list[tuple[str, int]]:
    since = timezone.now() - timedelta(days=POPULAR_DAYS)
    # One visitor: the customer when signed in (any of their sessions), else the session.
    visitor = Case(
        When(user__isnull=False, then=Concat(Value("u:"), Cast("user_id", CharField()))),
        default=Concat(Value("s:"), F("session_key")),
        output_field=CharField(),
    )
    return list(
        SearchLog.objects.filter(
            created_at__gte=since, result_count__gt=0, counts_for_popularity=True
        )
        .exclude(Q(user__isnull=True) & Q(session_key=""))
        .values("normalized")
        .annotate(visitors=Count(visitor, distinct=True))
        .filter(visitors__gte=min_sessions())
        .order_by("-visitors", "normalized")
        .values_list("normalized", "visitors")[:POPULAR_ROWS]
    )


def popular_queries(*, limit: int = 200) -> list[tuple[str, int]]:
    """(query, distinct visitors) of the last 30 days' searches that found something, most
    searched first; only queries enough visitors searched, none containing a blocked term."""
    found = cache.get(POPULAR_KEY)
    if found is None:
        found = _counted_popularity()
        cache.set(POPULAR_KEY, found, POPULAR_TIMEOUT)
    terms = blocked_terms()
    return [(query, count) for query, count in found if not is_blocked(query, terms)][:limit]


def suggest(prefix: str, *, limit: int = SUGGEST_LIMIT) -> list[dict[str, str]]:
    """Autocomplete: popular queries, categories and product titles starting with ``prefix``
    (or with a word starting with it)."""
    folded = fold_suggestion(prefix)[:100]
    if not folded:
        return []
    sources = _suggestion_sources(catalog.current_language())
    terms = blocked_terms()

    def starts(text: str) -> bool:
        return (text.startswith(folded) or f" {folded}" in text) and not is_blocked(text, terms)

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
