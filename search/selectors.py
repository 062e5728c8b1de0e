"""Read side of search: one query in, ranked products with facets and explanations out.

:func:`search_catalog` is a short pipeline, each step handing its result to the next:

1. rank (:func:`search.ranking.rank_products`, the function ``eval_search`` measures too):
   parse the query, retrieve BM25 and dense candidates fused by RRF over the whole index,
   reorder them by the active learned ranker, keep the ones that match;
2. narrow (:func:`search.narrowing.narrow`): the URL filters and the constraints read from
   the query applied on the cached facet rows of the catalog (:mod:`search.listing`), in the
   chosen order (a query read whole by popularity; a price sort over the matches whose title
   holds the words); constraints that leave no keyword match are dropped one kind at a time,
   the product type kept over the words, then the nearest products are shown, saying so
   each time;
3. page: one page of product cards, fetched once, with why each one is there; facets.

A missing embed model or an index built by another model makes the search lexical-only, and
the result says it is degraded and why. With no index at all, results come from a plain
database keyword match, flagged the same way.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from search.engine import IndexUnavailable
from search.listing import SORT_RELEVANCE, SORTS, category_facet, price_facet, search_schema
from search.narrowing import colour_labels, narrow
from search.query import ParsedQuery
from search.ranking import rank_products, reset_caches
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
    narrowed = narrow(params, ranking)

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
        alternatives=colour_labels(narrowed.alternatives),
        nearest=narrowed.nearest,
        mode=narrowed.mode,
        degraded=ranking.degraded,
        highlight_terms=marked,
        latency_ms=(time.perf_counter() - started) * 1000,
        listing=narrowed.listing,
        cards=cards,
    )
