"""Read side of search: one query in, ranked products with facets and explanations out.

:func:`search_catalog` is a short pipeline, each step handing its result to the next:

1. rank (:func:`search.ranking.rank_products`, the function ``eval_search`` measures too):
   parse the query, retrieve BM25 and dense candidates fused by RRF over the whole index,
   reorder them by the active learned ranker, keep the ones that match;
2. narrow (:func:`_narrow`): the URL filters and the constraints read from the query applied
   on the cached facet rows of the catalog (:mod:`search.listing`), sorted (by price, rating
   or date: only the matches the embedder also finds near the query); constraints that
   leave no keyword match are dropped one kind at a time, then the nearest products are shown,
   saying so each time;
3. page: one page of product cards, fetched once, with why each one is there; facets.

A missing embed model or an index built by another model makes the search lexical-only, and
the result says it is degraded and why. With no index at all, results come from a plain
database keyword match, flagged the same way.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

import numpy as np
from django.utils.translation import gettext

from search.engine import IndexUnavailable
from search.listing import (
    SORT_RELEVANCE,
    SORTS,
    catalog_rows,
    category_facet,
    filter_ranked,
    nearest_colours_first,
    price_facet,
    product_categories,
    search_schema,
    suits_recipient,
    titled,
)
from search.query import SUPPORT, ParsedQuery
from search.query.gifts import Gift
from search.ranking import Ranking, rank_products, reset_caches
from search.retrieval import Candidate
from search.services import index_holder
from search.suggest import popular_queries, suggest
from search.text import stem, terms_for_highlight
from shop.catalog import selectors as catalog

__all__ = [
    "SORTS",
    "SORT_RELEVANCE",
    "SearchHit",
    "SearchParams",
    "SearchResult",
    "ProductVectors",
    "popular_queries",
    "product_vectors",
    "reset_caches",
    "search_catalog",
    "search_index_version",
    "search_schema",
    "suggest",
]

NEAREST_LIMIT = 24


@dataclass(frozen=True)
class ProductVectors:
    """The published index's product text vectors (rows L2-normalised, one per product)."""

    product_ids: Any  # np.ndarray of int64, row -> product id
    vectors: Any  # np.ndarray (rows, dim) float32
    revision: str
    index_version: str


def product_vectors() -> ProductVectors | None:
    """The e5 vectors of the shop's current search index, or None (no index, or keyword-only).

    One product-vector store for the whole shop: other apps (recommendations) read the
    vectors search embedded instead of embedding the catalog again. The e5 embedder is
    multilingual, so the vectors compare products across languages.
    """
    try:
        index = index_holder().get()
    except IndexUnavailable:
        return None
    if index.vectors is None or not len(index.keys):
        return None
    return ProductVectors(
        product_ids=np.asarray(index.keys, dtype=np.int64),
        vectors=index.vectors,
        revision=index.dense_revision or "",
        index_version=index.version,
    )


def search_index_version() -> str:
    """The published search index's version ("" with none): what cached results depend on."""
    try:
        return index_holder().get().version
    except IndexUnavailable:
        return ""


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
    # The chips of the constraints the relaxations dropped.
    dropped: list[dict[str, str]] = field(default_factory=list)
    # The colours (labels) the results lead with when the asked colour was dropped: nearest
    # first ("no red dresses": coral, burgundy).
    alternatives: list[str] = field(default_factory=list)
    # The page's product cards, in hit order (active products only).
    cards: list[catalog.ProductCard] = field(default_factory=list)

    @property
    def product_ids(self) -> list[int]:
        return [hit.product_id for hit in self.hits]


@dataclass
class _Narrowed:
    """A ranking narrowed to a listing: what the filters, sort and fallbacks left."""

    ids: list[int]
    listing: catalog.ListingResult
    rows: list[catalog.Row]
    filters: catalog.ListingFilters
    applied: list[dict[str, str]]
    relaxed: list[str]
    nearest: bool
    mode: str
    sort: str
    dropped: list[dict[str, str]] = field(default_factory=list)
    # Colour values the results lead with when the asked colour was dropped.
    alternatives: list[str] = field(default_factory=list)


# -- narrow: filters, relaxations, the nearest products --------------------------------------


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
    if params.understand and parsed.intent != SUPPORT:
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
        if parsed.gift is not None:
            applied.append({"kind": "gift", "label": _gift_label(parsed.gift)})
        quote = parsed.price_quote
        if parsed.price_min is not None and price_min is None:
            price_min = parsed.price_min
            written = quote.price_min if quote else None
            applied.append({"kind": "price", "label": _price_label("≥", price_min, written, quote)})
        if parsed.price_max is not None and price_max is None:
            price_max = parsed.price_max
            written = quote.price_max if quote else None
            applied.append({"kind": "price", "label": _price_label("≤", price_max, written, quote)})
        if quote is not None and quote.rate is None:
            applied.append(
                {
                    "kind": "price",
                    "label": gettext("No exchange rate for %(currency)s: price not applied")
                    % {"currency": quote.currency},
                }
            )
    merged = replace(
        filters,
        brand_ids=frozenset(brand_ids),
        attributes=attributes,
        price_min=price_min,
        price_max=price_max,
    )
    return merged, category_ids, applied


def _gift_label(gift: Gift) -> str:
    """ "Gift for him (birthday)": whom the query's present is for, and the occasion."""
    label = {
        "women": gettext("Gift for her"),
        "men": gettext("Gift for him"),
        "kid": gettext("Gift for a child"),
        "baby": gettext("Gift for a baby"),
    }.get(gift.recipient, gettext("Gift"))
    return f"{label} ({gift.occasion})" if gift.occasion else label


def _price_label(sign: str, amount: Decimal, written: Decimal | None, quote: Any) -> str:
    """ "≤ $13.88", and the amount as written when the query named another currency:
    "≤ $13.88 (¥100.00)"."""
    from django.conf import settings

    label = f"{sign} {catalog.format_price(amount, settings.SHOP_DEFAULT_CURRENCY)}"
    if quote is not None and written is not None:
        label += f" ({catalog.format_price(written, quote.currency)})"
    return label


def _colour_labels(values: list[str], limit: int = 3) -> list[str]:
    """The first ``limit`` colour values as the shop names them in the current language."""
    schema = {a.code: a for a in search_schema()}
    code = next((c for c in catalog.COLOR_ATTRIBUTE_CODES if c in schema), None)
    options = schema[code].options if code else {}
    return [options.get(value, value) for value in values[:limit]]


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


# A relaxation that kept the product type and dropped the words no product of it holds.
WORDS = "words"


def _closest_of_all(ranking: Ranking) -> list[int]:
    """Every product of the index, nearest to the query's embedding first ([] without one)."""
    if ranking.index is None:
        return []
    return ranking.nearest(len(ranking.index.keys)) or []


def _narrow(params: SearchParams, ranking: Ranking) -> _Narrowed:
    """The ranking through the URL filters and the query's constraints, in the chosen order."""
    parsed = ranking.parsed
    sort = params.sort
    if sort == SORT_RELEVANCE and parsed.sort and params.understand:
        sort = parsed.sort
    brands = catalog.brands_by_id()
    mode = ranking.mode
    ranked = ranking.product_ids
    keyword_ids = ranking.keyword_ids
    filters, category_ids, applied = _merge_filters(params, parsed, brands)
    browsing = not ranking.prepared.text.strip() and (
        bool(applied) or params.filters.is_filtered or params.category_id is not None
    )
    # Every word of the query became a filter ("跑鞋", "black dress", "tessaro"): the products
    # that pass are all equally what was asked, and ordering them by how each language's
    # text happens to repeat the words would answer "跑鞋" and "running shoes" differently.
    read_whole = params.understand and parsed.fully_read and ranking.index is not None
    gift = parsed.gift if params.understand else None
    if gift is not None and not ranking.prepared.text.strip():
        # A present for someone, nothing else said: what suits them, nearest to the query
        # first (popular first without an embedding).
        browsing = not ranking.product_ids
        ranked = ranking.product_ids or [row[0] for row in catalog_rows()[0]]
        ranked = suits_recipient(ranked, gift.recipient, gendered_only=True)
        keyword_ids = set(ranked)
        if browsing and sort == SORT_RELEVANCE:
            sort = catalog.SORT_POPULAR
    elif browsing or read_whole:
        # Filters without words: every product that passes them, in the chosen order.
        mode = "browse" if browsing else mode
        ranked = [row[0] for row in catalog_rows()[0]]
        keyword_ids = set(ranked)
        if sort == SORT_RELEVANCE:
            sort = catalog.SORT_POPULAR
    if sort != SORT_RELEVANCE and not (browsing or read_whole):
        # Sorting by price or rating reorders every keyword match, and a description that
        # merely mentions the words ("dressing" for "cheap dress": chilli crisp; a cable
        # whose copy names a phone case) would lead. Sorted are the matches whose title
        # holds the query's words, else those the embedder also finds near the query.
        near = ranking.near_ids()
        ranked = (
            titled(ranked, ranking.prepared.term_sets)
            or [pid for pid in ranked if near is None or pid in near]
            or ranked
        )
    elif keyword_ids and ranking.candidates:
        # The embedder's additions after the keyword matches ("猫粮": a cookbook after the
        # cat food) come only from the categories the keyword matches are in.
        category_of = product_categories()
        kinds = {category_of.get(pid) for pid in ranked if pid in keyword_ids}
        ranked = [pid for pid in ranked if pid in keyword_ids or category_of.get(pid) in kinds]
    if gift is not None and ranking.prepared.text.strip():
        # "gift for my dad who runs": running gear, none of it made for women.
        ranked = suits_recipient(ranked, gift.recipient, gendered_only=False)
    ids, listing, rows = filter_ranked(ranked, filters, category_ids, sort)
    relaxed: list[str] = []
    asked = applied
    # Constraints read from the query that leave no keyword match (only similar products)
    # are dropped one kind at a time, and the page says which.
    if ranked and not keyword_ids.intersection(ids) and parsed.has_filters and params.understand:
        for label, weaker in _relaxations(parsed):
            kept = filters, category_ids, applied
            filters, category_ids, applied = _merge_filters(params, weaker, brands)
            ids, listing, rows = filter_ranked(ranked, filters, category_ids, sort)
            relaxed.append(label)
            if keyword_ids.intersection(ids):
                # The words name something of another type ("sleeping bag": camping gear,
                # not the Bags department its last word read).
                break
            if label == "category" and kept[1] and (closest := _closest_of_all(ranking)):
                # Nothing anywhere holds the words: the product type stays ("shoes for the
                # rain" lists shoes, not the rain jacket), its products closest first.
                found = filter_ranked(closest, kept[0], kept[1], sort)
                if found[0]:
                    (ids, listing, rows), (filters, category_ids, applied) = found, kept
                    relaxed[-1] = WORDS
                    break
    alternatives: list[str] = []
    wanted_colours = next(
        (parsed.attributes[c] for c in catalog.COLOR_ATTRIBUTE_CODES if c in parsed.attributes),
        (),
    )
    if "attributes" in relaxed and wanted_colours:
        # The nearest colours lead under any sort; the sort orders each colour's products
        # ("cheap red dress" with no red: the cheapest burgundy dress first).
        ids, alternatives = nearest_colours_first(ids, rows, wanted_colours)
    nearest = False
    if not ids and parsed.category_ids and params.understand and not relaxed:
        # No product holds the words, but the query named a product type: its products,
        # closest first, before anything of another type.
        type_filters, type_ids, type_applied = _merge_filters(
            params,
            replace(parsed, attributes={}, brand_ids=(), price_min=None, price_max=None),
            brands,
        )
        found = filter_ranked(_closest_of_all(ranking), type_filters, type_ids, sort)
        if found[0]:
            (ids, listing, rows), filters, applied = found, type_filters, type_applied
            relaxed.append(WORDS)
    if not ids and (found := ranking.nearest(NEAREST_LIMIT)) is not None:
        ids, listing, rows = filter_ranked(found, params.filters, None, SORT_RELEVANCE)
        nearest = bool(ids)
    dropped = [chip for chip in asked if chip not in applied]
    return _Narrowed(
        ids, listing, rows, filters, applied, relaxed, nearest, mode, sort, dropped, alternatives
    )


# -- page: cards, explanations, facets ------------------------------------------------------


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


def search_catalog(params: SearchParams, *, card_source: str = "") -> SearchResult:
    """Run one storefront search; see the module docstring.

    Args:
        params: the validated request.
        card_source: the ``from`` the cards' links carry (see ``catalog.product_cards``), so
            the product page can log the click and its position; "" for plain links.

    Never raises on user input: an empty query gives an empty result.
    """
    started = time.perf_counter()
    ranking = rank_products(params.query, understand=params.understand)
    narrowed = _narrow(params, ranking)

    ids = narrowed.ids
    total = len(ids)
    pages = max(1, -(-total // params.page_size))
    page = min(max(1, params.page), pages) if total else 1
    start = (page - 1) * params.page_size
    page_ids = ids[start : start + params.page_size] if params.page <= pages else []
    cards = catalog.cards_for_ids(page_ids, source=card_source, start_position=start + 1)

    retrieval_text = ranking.prepared.text
    terms = terms_for_highlight(retrieval_text)
    # Stems too ("shoes" → "shoe"), so the singular in a title is marked as well.
    marked = terms + [s for t in terms if t.isascii() and (s := stem(t)) not in terms]
    titles = {card.id: card.title for card in cards}
    by_row = {c.row: c for c in ranking.candidates}
    row_of = ranking.index.row_of if ranking.index is not None else {}
    hits = [
        SearchHit(
            product_id=pid,
            position=start + i + 1,
            explanation=_explain(
                by_row.get(row_of.get(pid, -1)), titles.get(pid, ""), terms, narrowed.applied
            ),
        )
        for i, pid in enumerate(page_ids)
    ]
    facets = (
        catalog.build_facets(narrowed.listing, narrowed.filters, search_schema()) if total else []
    )
    return SearchResult(
        query=params.query,
        parsed=ranking.parsed,
        hits=hits,
        total=total,
        page=page if params.page <= pages else params.page,
        pages=pages,
        page_size=params.page_size,
        sort=narrowed.sort,
        facets=facets,
        category_facet=category_facet(ids, params.category_id),
        price_facet=price_facet(narrowed.rows, params.filters),
        applied=narrowed.applied,
        relaxed=narrowed.relaxed,
        dropped=narrowed.dropped,
        alternatives=_colour_labels(narrowed.alternatives),
        nearest=narrowed.nearest,
        mode=narrowed.mode,
        degraded=ranking.degraded,
        highlight_terms=marked,
        latency_ms=(time.perf_counter() - started) * 1000,
        listing=narrowed.listing,
        cards=cards,
    )
