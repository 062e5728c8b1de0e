"""Read side of search: one query in, ranked products with facets and explanations out.

The flow of :func:`search_catalog`:

1. parse the query (search.query): constraints become filters, the rest is retrieval text;
2. retrieve: BM25 and dense candidates fused by RRF over the whole index, reordered by the
   active learned ranker (a "rerank" ModelVersion) when there is one;
3. keep the candidates that match (see :func:`_matches`), apply filters on the cached facet
   rows of the catalog, count facets, sort, paginate;
4. recover from zero results: drop the constraints read from the query one kind at a time,
   then show the nearest products, saying so each time.

A missing embed model or an index built by another model makes the search lexical-only, and
the result says it is degraded and why. With no index at all, results come from a plain
database keyword match, flagged the same way.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

import numpy as np
from django.core.cache import cache

from llm_services import LLMError, models
from search.engine import IndexUnavailable, SearchIndex
from search.query import ParsedQuery, QueryVocabulary
from search.retrieval import Candidate, Retriever, prepare_query
from search.services import index_holder
from search.text import detect_language, stem, terms_for_highlight
from shop.catalog import selectors as catalog
from shop.catalog.cache import cached, versioned_key

logger = logging.getLogger("search")

MAX_CANDIDATES = 400
# Products only the embedder found count as matches from its top SEMANTIC_TOP (see _matches).
SEMANTIC_TOP = 10
NEAREST_LIMIT = 24
PRICE_BUCKETS = ((0, 25), (25, 50), (50, 100), (100, 200), (200, None))
ROWS_TIMEOUT = 60
RANKER_CHECK_SECONDS = 30.0
SORT_RELEVANCE = "relevance"
SORTS = (SORT_RELEVANCE, *catalog.SORT_CHOICES)


@dataclass(frozen=True)
class SearchParams:
    """A validated search request (see search.forms.SearchForm)."""

    query: str
    filters: catalog.ListingFilters = field(default_factory=catalog.ListingFilters)
    category_id: int | None = None
    sort: str = SORT_RELEVANCE
    page: int = 1
    page_size: int = 24
    understand: bool = True


@dataclass
class SearchHit:
    product_id: int
    position: int
    explanation: dict[str, Any]


@dataclass
class SearchResult:
    query: str
    parsed: ParsedQuery
    hits: list[SearchHit]
    total: int
    page: int
    pages: int
    page_size: int
    sort: str
    facets: list[catalog.Facet]
    category_facet: list[dict[str, Any]]
    price_facet: list[dict[str, Any]]
    applied: list[dict[str, str]]
    relaxed: list[str]
    nearest: bool
    mode: str
    degraded: str
    highlight_terms: list[str]
    latency_ms: float
    listing: catalog.ListingResult | None = None

    @property
    def product_ids(self) -> list[int]:
        return [hit.product_id for hit in self.hits]


# -- models and indexes ------------------------------------------------------------------------

_vector_cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
_vector_lock = threading.Lock()
VECTOR_CACHE_SIZE = 2048


def query_vector(text: str) -> tuple[np.ndarray | None, str, str]:
    """(vector, embedder revision, degraded reason) for a query; popular queries are cached."""
    try:
        embedder = models["embed"]
    except LLMError as exc:
        return None, "", f"semantic search is unavailable ({exc}); showing keyword matches only"
    # An embedder declared for some languages only (OPTIONS["languages"]) would return noise
    # for the others; such queries are answered by keywords alone, and say so.
    languages = (getattr(embedder, "options", None) or {}).get("languages")
    if languages and detect_language(text) not in languages:
        return (
            None,
            embedder.revision,
            f"semantic search does not read this language ({detect_language(text)}); "
            "showing keyword matches only",
        )
    key = (embedder.revision, text)
    with _vector_lock:
        vector = _vector_cache.get(key)
        if vector is not None:
            _vector_cache.move_to_end(key)
            return vector, embedder.revision, ""
    try:
        vector = embedder.encode([text], kind="query")[0]
    except LLMError as exc:
        return None, "", f"semantic search failed ({exc}); showing keyword matches only"
    with _vector_lock:
        _vector_cache[key] = vector
        while len(_vector_cache) > VECTOR_CACHE_SIZE:
            _vector_cache.popitem(last=False)
    return vector, embedder.revision, ""


_ranker_state: dict[str, Any] = {"checked": 0.0, "name": None, "ranker": None}


def active_ranker() -> Any:
    """The active learned ranker (alias "rerank"), or None; checked every 30 s."""
    from django.conf import settings

    if not getattr(settings, "SEARCH_LEARNED_RANKER", True):
        return None
    now = time.monotonic()
    if now - _ranker_state["checked"] < RANKER_CHECK_SECONDS:
        return _ranker_state["ranker"]
    from llm_services.conf import artifact_folder
    from llm_services.training.versions import active_version
    from search.ranker import RANKER_ALIAS, LearnedRanker

    version = active_version(RANKER_ALIAS)
    name = version.name if version else None
    if name != _ranker_state["name"]:
        ranker = None
        if version is not None:
            try:
                ranker = LearnedRanker.load(artifact_folder(version.artifact_path))
            except (OSError, ValueError) as exc:
                logger.warning("search ranker %s cannot load: %s", name, exc)
        _ranker_state.update(name=name, ranker=ranker)
    _ranker_state["checked"] = now
    return _ranker_state["ranker"]


def reset_caches() -> None:
    with _vector_lock:
        _vector_cache.clear()
    _ranker_state.update(checked=0.0, name=None, ranker=None)


# -- catalog rows --------------------------------------------------------------------------------


def search_schema() -> list[catalog.AttributeInfo]:
    """Every filterable attribute of any category (first definition of a code wins)."""
    language = catalog.current_language()

    def build() -> list[catalog.AttributeInfo]:
        seen: dict[str, catalog.AttributeInfo] = {}
        for node_id in catalog.category_tree().nodes:
            for info in catalog.category_schema(node_id):
                if info.is_filter and info.code not in seen:
                    seen[info.code] = info
                elif info.is_filter:
                    merged = {**seen[info.code].options, **info.options}
                    seen[info.code] = replace(seen[info.code], options=merged)
        return list(seen.values())

    return cached(versioned_key("search-schema", language), build, catalog.STRUCTURE_TIMEOUT)


def _rows() -> tuple[list[catalog.Row], dict[int, int], list[str]]:
    """Facet rows of every active product, product id → top-level category id, the codes."""
    codes = [a.code for a in search_schema()]
    # Hashed: the joined codes of a large catalog exceed memcached's 250-character keys.
    digest = hashlib.blake2b(",".join(codes).encode(), digest_size=8).hexdigest()
    key = versioned_key("search-rows", digest)
    found = cache.get(key)
    if found is None:
        from shop.catalog.models import Product

        tree = catalog.category_tree()
        rows = catalog.listing_rows(list(tree.nodes), codes)
        roots = {}
        for pk, category_id in Product.objects.active().values_list("pk", "category_id"):
            ancestors = tree.ancestors(category_id)
            roots[pk] = ancestors[0].id if ancestors else category_id
        found = (rows, roots, codes)
        cache.set(key, found, ROWS_TIMEOUT)
    return found


# -- the query -----------------------------------------------------------------------------------


def _required_terms(count: int) -> int:
    """How many of a query's terms a keyword match must hold: all of one or two, else 2/3."""
    return count if count <= 2 else math.ceil(count * 2 / 3)


def _matches(index: SearchIndex, tokens: list[str], candidates: list[Candidate]) -> list[Candidate]:
    """Candidates that answer the query, keyword matches first.

    A keyword match holds the query's terms (see :func:`_required_terms`); terms the index
    has never seen (typos, whose corrections are among the tokens) are not counted. Once there
    are keyword matches, the embedder may add as many products as they number, from its top
    SEMANTIC_TOP only, listed after them: dense similarity alone cannot decide, it ranks every
    product, nonsense queries included, and its scale differs from model to model. With no
    keyword match at all the caller shows the nearest products instead, flagged as such.
    """
    terms = {t for t in tokens if t in index.vocabulary}
    required = _required_terms(len(terms))
    lexical, semantic = [], []
    for candidate in candidates:
        held = 0
        if terms and candidate.lexical_rank:
            held = len(terms & set(index.doc_tokens[candidate.row]))
        candidate.features["coverage"] = round(held / len(terms), 3) if terms else 0.0
        if terms and held >= required:
            candidate.features["keyword_match"] = 1.0
            lexical.append(candidate)
        elif candidate.dense_rank is not None and candidate.dense_rank <= SEMANTIC_TOP:
            semantic.append(candidate)
    if not lexical:
        return []
    limit = min(SEMANTIC_TOP, len(lexical))
    return lexical + [c for c in semantic if c.dense_rank <= limit]


def _merge_filters(
    params: SearchParams, parsed: ParsedQuery, brands: dict[int, Any]
) -> tuple[catalog.ListingFilters, set[int] | None, list[dict[str, str]]]:
    """URL filters plus the constraints read from the query, and chips describing them."""
    filters = params.filters
    applied: list[dict[str, str]] = []
    tree = catalog.category_tree()
    category_ids: set[int] | None = None
    if params.category_id is not None:
        category_ids = set(tree.descendant_ids(params.category_id))
    attributes = dict(filters.attributes)
    brand_ids = set(filters.brand_ids)
    price_min, price_max = filters.price_min, filters.price_max
    if params.understand and parsed.intent != "support":
        if parsed.category_ids and params.category_id is None:
            category_ids = set()
            for category_id in parsed.category_ids:
                category_ids.update(tree.descendant_ids(category_id))
                node = tree.nodes.get(category_id)
                if node:
                    applied.append({"kind": "category", "label": node.name})
        if parsed.brand_ids and not brand_ids:
            brand_ids = {b for b in parsed.brand_ids if b in brands}
            applied += [
                {"kind": "brand", "label": brands[b].display_name(catalog.current_language())}
                for b in sorted(brand_ids)
            ]
        schema = {a.code: a for a in search_schema()}
        for code, values in parsed.attributes.items():
            if code in attributes or code not in schema:
                continue
            attributes[code] = frozenset(values)
            labels = ", ".join(schema[code].options.get(v, v) for v in values)
            applied.append({"kind": "attribute", "label": f"{schema[code].name}: {labels}"})
        if parsed.price_min is not None and price_min is None:
            price_min = parsed.price_min
            applied.append({"kind": "price", "label": f"≥ {parsed.price_min}"})
        if parsed.price_max is not None and price_max is None:
            price_max = parsed.price_max
            applied.append({"kind": "price", "label": f"≤ {parsed.price_max}"})
    merged = replace(
        filters,
        brand_ids=frozenset(brand_ids),
        attributes=attributes,
        price_min=price_min,
        price_max=price_max,
    )
    return merged, category_ids, applied


def _relaxations(parsed: ParsedQuery) -> list[tuple[str, ParsedQuery]]:
    """Weaker readings of the query, most specific constraint dropped first."""
    steps = []
    current = parsed
    for label, changes in (
        ("attributes", {"attributes": {}}),
        ("brand", {"brand_ids": ()}),
        ("price", {"price_min": None, "price_max": None}),
        ("category", {"category_ids": ()}),
    ):
        weaker = replace(current, **changes)
        if weaker != current:
            steps.append((label, weaker))
            current = weaker
    return steps


def _filter(
    ranked: list[int],
    filters: catalog.ListingFilters,
    category_ids: set[int] | None,
    sort: str,
) -> tuple[list[int], catalog.ListingResult, list[catalog.Row]]:
    rows, _roots, codes = _rows()
    position = {pid: i for i, pid in enumerate(ranked)}
    wanted = [r for r in rows if r[0] in position]
    if category_ids is not None:
        allowed = _products_in(category_ids)
        wanted = [r for r in wanted if r[0] in allowed]
    listing = catalog.facet_rows(
        wanted, codes, replace(filters, sort=sort if sort in catalog.SORT_CHOICES else "popular")
    )
    ids = listing.product_ids
    if sort == SORT_RELEVANCE:
        ids = sorted(ids, key=position.__getitem__)
    return ids, listing, wanted


def _products_in(category_ids: set[int]) -> set[int]:
    from shop.catalog.models import Product

    joined = ",".join(map(str, sorted(category_ids)))
    key = versioned_key(
        "search-category-products", hashlib.blake2b(joined.encode(), digest_size=8).hexdigest()
    )
    found = cache.get(key)
    if found is None:
        found = set(
            Product.objects.active()
            .filter(category_id__in=category_ids)
            .values_list("pk", flat=True)
        )
        cache.set(key, found, ROWS_TIMEOUT)
    return found


def _category_facet(
    ids: list[int], params: SearchParams, category_ids: set[int] | None
) -> list[dict[str, Any]]:
    _rows_, roots, _codes = _rows()
    tree = catalog.category_tree()
    counts = Counter(roots.get(pid) for pid in ids)
    facet = []
    for root_id, count in counts.most_common():
        node = tree.nodes.get(root_id) if root_id is not None else None
        if node is not None:
            facet.append(
                {
                    "slug": node.slug,
                    "label": node.name,
                    "count": count,
                    "selected": params.category_id == node.id,
                }
            )
    return facet


def _price_facet(rows: list[catalog.Row], params: SearchParams) -> list[dict[str, Any]]:
    facet = []
    for low, high in PRICE_BUCKETS:
        count = sum(1 for r in rows if r[2] >= low * 100 and (high is None or r[2] < high * 100))
        if count:
            facet.append(
                {
                    "min": str(low),
                    "max": str(high) if high is not None else None,
                    "label": f"{low}+" if high is None else f"{low}–{high}",
                    "count": count,
                    "selected": params.filters.price_min == Decimal(low)
                    and (params.filters.price_max == (Decimal(high) if high else None)),
                }
            )
    return facet


def _explain(
    candidate: Candidate | None, title: str, terms: list[str], applied: list[dict[str, str]]
) -> dict[str, Any]:
    folded = title.casefold()
    explanation: dict[str, Any] = {
        "matched_terms": [t for t in terms if t and t.casefold() in folded],
        "filters": [chip["label"] for chip in applied],
    }
    if candidate is not None:
        explanation.update(
            lexical_rank=candidate.lexical_rank,
            semantic_rank=candidate.dense_rank,
            semantic_similarity=(round(candidate.dense_score, 3) if candidate.dense_rank else None),
            query_coverage=candidate.features.get("coverage"),
            learned_score=(
                round(candidate.features["predicted_gain"], 3)
                if "predicted_gain" in candidate.features
                else None
            ),
        )
    return explanation


def search_catalog(
    params: SearchParams, *, vocabulary: QueryVocabulary | None = None
) -> SearchResult:
    """Run one storefront search; see the module docstring.

    Never raises on user input: an empty query gives an empty result.
    """
    started = time.perf_counter()
    vocabulary = vocabulary if vocabulary is not None else QueryVocabulary.from_catalog()
    prepared = prepare_query(params.query, vocabulary, understand=params.understand)
    parsed = prepared.parsed
    sort = params.sort
    if sort == SORT_RELEVANCE and parsed.sort and params.understand:
        sort = parsed.sort
    brands = catalog.brands_by_id()
    retrieval_text = prepared.text
    degraded = ""
    mode = "hybrid"
    candidates: list[Candidate] = []
    by_row: dict[int, Candidate] = {}
    index: SearchIndex | None = None
    ranked: list[int] = []
    tokens = prepared.tokens
    # A question for customer service gets the pointer to it, not products that happen to
    # share its words ("return", "order"); exact=1 searches the words anyway.
    support = parsed.intent == "support" and params.understand
    if retrieval_text.strip() and not support:
        try:
            index = index_holder().get()
        except IndexUnavailable as exc:
            degraded = f"the search index is not built yet ({exc}); showing simple keyword matches"
            mode = "keyword"
            ranked = list(
                catalog.keyword_search(retrieval_text).values_list("pk", flat=True)[:MAX_CANDIDATES]
            )
        if index is not None:
            vector, revision, degraded = query_vector(retrieval_text)
            if vector is not None and index.dense_revision != revision:
                vector = None
                degraded = (
                    "the search index was built with another embedding model; showing keyword "
                    "matches until it is rebuilt"
                    if index.dense_revision
                    else index.manifest.get("extra", {}).get("degraded_reason")
                    or "the search index has no semantic part; showing keyword matches"
                )
            if vector is None:
                mode = "lexical"
            retriever = Retriever(index, reranker=active_ranker())
            candidates = retriever.hybrid(retrieval_text, tokens, vector, k=MAX_CANDIDATES)
            candidates = _matches(index, tokens, candidates)
            by_row = {c.row: c for c in candidates}
            ranked = [int(index.keys[c.row]) for c in candidates]

    filters, category_ids, applied = _merge_filters(params, parsed, brands)
    browsing = not retrieval_text.strip() and (
        bool(applied) or params.filters.is_filtered or params.category_id is not None
    )
    if browsing:
        # Filters without words: every product that passes them, in the chosen order.
        mode = "browse"
        ranked = [row[0] for row in _rows()[0]]
        if sort == SORT_RELEVANCE:
            sort = catalog.SORT_POPULAR
    ids, listing, rows = _filter(ranked, filters, category_ids, sort)
    relaxed: list[str] = []
    keyword_ids = (
        {int(index.keys[c.row]) for c in candidates if c.features.get("keyword_match")}
        if index is not None and not browsing
        else set(ranked)
    )

    def keyword_survives(found: list[int]) -> bool:
        return bool(keyword_ids.intersection(found))

    # Constraints read from the query that leave no keyword match (only similar products)
    # are dropped one kind at a time, and the page says which.
    if ranked and not keyword_survives(ids) and parsed.has_filters and params.understand:
        for label, weaker in _relaxations(parsed):
            filters, category_ids, applied = _merge_filters(params, weaker, brands)
            ids, listing, rows = _filter(ranked, filters, category_ids, sort)
            relaxed.append(label)
            if keyword_survives(ids):
                break
    nearest = False
    if not ids and index is not None and retrieval_text.strip() and not support:
        vector, _revision, _reason = query_vector(retrieval_text)
        if vector is not None and index.dense_revision == _revision:
            found, _scores = index.dense_search(vector, NEAREST_LIMIT)
            nearest_ids = [int(index.keys[r]) for r in found]
            ids, listing, rows = _filter(nearest_ids, params.filters, None, SORT_RELEVANCE)
            nearest = bool(ids)

    total = len(ids)
    pages = max(1, -(-total // params.page_size))
    page = min(max(1, params.page), pages) if total else 1
    start = (page - 1) * params.page_size
    page_ids = ids[start : start + params.page_size] if params.page <= pages else []
    terms = terms_for_highlight(retrieval_text)
    # Stems too ("shoes" → "shoe"), so the singular in a title is marked as well.
    marked = terms + [s for t in terms if t.isascii() and (s := stem(t)) not in terms]
    titles = _titles(page_ids)
    row_of = index.row_of if index is not None else {}
    hits = [
        SearchHit(
            product_id=pid,
            position=start + i + 1,
            explanation=_explain(
                by_row.get(row_of.get(pid, -1)), titles.get(pid, ""), terms, applied
            ),
        )
        for i, pid in enumerate(page_ids)
    ]
    facets = catalog.build_facets(listing, filters, search_schema()) if total else []
    return SearchResult(
        query=params.query,
        parsed=parsed,
        hits=hits,
        total=total,
        page=page if params.page <= pages else params.page,
        pages=pages,
        page_size=params.page_size,
        sort=sort,
        facets=facets,
        category_facet=_category_facet(ids, params, category_ids),
        price_facet=_price_facet(rows, params),
        applied=applied,
        relaxed=relaxed,
        nearest=nearest,
        mode=mode,
        degraded=degraded,
        highlight_terms=marked,
        latency_ms=(time.perf_counter() - started) * 1000,
        listing=listing,
    )


def _titles(product_ids: list[int]) -> dict[int, str]:
    """Titles in the active language (for the matched-terms explanation)."""
    if not product_ids:
        return {}
    return {card.id: card.title for card in catalog.cards_for_ids(product_ids)}


# -- autocomplete ------------------------------------------------------------------------------

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

    from search.models import SearchLog

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
