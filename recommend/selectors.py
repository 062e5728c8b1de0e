"""Read side of recommendations: one function serves every surface, page and API alike.

A request reads the visitor's latest events (stored and still buffered, so a view counts at
once), gathers candidates from the active version's precomputed neighbour lists of the
products in play (the page's product, the cart, the visitor's recent products) and from
trending, scores the visitor's history with the served model where it is personal, then
applies the shop's rules: only active, in-stock products the visitor has not bought, merchant
exclusions never and pins first, one category not crowding the list (MMR-style), and every
text in the visitor's language with an explanation true to the source that put it there.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from django.utils import translation

from recommend import explain
from recommend.artifacts import ServedRecommender, active_recommender
from recommend.conf import setting
from recommend.models import Surface
from recommend.rules import rules_for
from recommend.searches import searched_products
from shop.catalog import selectors as catalog
from shop.catalog.models import Product
from shop.interactions import selectors as interaction_log

logger = logging.getLogger(__name__)

SURFACES = tuple(Surface.values)
# Per surface: the neighbour sources read for each anchor product, with their weight.
SOURCE_WEIGHTS: dict[str, tuple[tuple[str, float], ...]] = {
    Surface.HOME: (
        (explain.TRANSITIONS, 1.0),
        (explain.ITEM_KNN, 1.0),
        (explain.BOUGHT, 0.8),
        (explain.CONTENT, 0.5),
    ),
    Surface.PRODUCT: ((explain.CONTENT, 1.0),),
    Surface.BOUGHT_TOGETHER: ((explain.BOUGHT, 1.0),),
    Surface.CART: (
        (explain.BOUGHT, 1.0),
        (explain.ITEM_KNN, 0.7),
        (explain.TRANSITIONS, 0.5),
        (explain.CONTENT, 0.3),
    ),
    Surface.SEARCH: ((explain.ITEM_KNN, 1.0), (explain.BOUGHT, 0.8), (explain.CONTENT, 0.6)),
}
# Surfaces where the visitor's own recent products are anchors too.
PERSONAL_SURFACES = {Surface.HOME, Surface.CART, Surface.SEARCH}
# Surfaces that fill up with trending products when the personal candidates run out.
TRENDING_FILL = {Surface.HOME, Surface.PRODUCT, Surface.CART, Surface.SEARCH}
# History anchors count this much less per step back in time.
HISTORY_DECAY = 0.75
HISTORY_ANCHORS = 5
# A served-model score below this means no source proposed the item.
UNPROPOSED = -1000.0
# Content neighbours outside the anchor's category count this much.
CROSS_CATEGORY = 0.7
# How many of the served model's own best items join the candidates on personal surfaces.
MODEL_CANDIDATES = 60
# A search's results join "For you" at this weight (the visitor's products' neighbours score
# up to 1 each, trending 0.1).
SEARCH_WEIGHT = 0.6


@dataclass(frozen=True, slots=True)
class RecommendedItem:
    product_id: int
    card: catalog.ProductCard
    reason: str
    source: str
    score: float


@dataclass(frozen=True)
class RecommendationList:
    surface: str
    items: list[RecommendedItem]
    model_version: str
    degraded: str = ""


@dataclass
class _Candidate:
    score: float = 0.0
    source: str = ""
    anchor: int | None = None  # product id of the product that led here
    best: float = -1.0  # the strongest single contribution, whose source and anchor win
    from_history: bool = False
    query: str = ""  # the visitor's search that led here (source SEARCHED)


@dataclass
class _Request:
    surface: str
    limit: int
    product_id: int | None
    cart_ids: tuple[int, ...]
    anchor_ids: tuple[int, ...]
    history: list[int]  # product ids, oldest first, each once
    purchased: set[int]
    queries: list[str] = field(default_factory=list)  # the latest searches, newest first
    candidates: dict[int, _Candidate] = field(default_factory=dict)

    def add(
        self,
        product_id: int,
        score: float,
        source: str,
        anchor: int | None,
        from_history: bool,
        query: str = "",
    ) -> None:
        found = self.candidates.setdefault(product_id, _Candidate())
        found.score += score
        if score > found.best:
            found.best, found.source, found.anchor = score, source, anchor
            found.from_history, found.query = from_history, query


def _visitor_history(user_id: int | None, session_key: str) -> tuple[list[int], list[str]]:
    """The visitor's recent products (oldest first, each once) and distinct searches
    (newest first)."""
    events = interaction_log.recent_events(
        user_id=user_id,
        session_key=session_key,
        days=int(setting("HISTORY_DAYS")),
        limit=int(setting("HISTORY_ITEMS")) * 3,
    )
    ordered: dict[int, None] = {}
    queries: dict[str, None] = {}
    for event in events:
        if event.product_id is None:
            if event.query.strip():
                queries.pop(event.query.strip(), None)
                queries[event.query.strip()] = None
            continue
        ordered.pop(event.product_id, None)
        ordered[event.product_id] = None
    latest = list(queries)[::-1][: int(setting("SEARCH_QUERIES"))]
    return list(ordered)[-int(setting("HISTORY_ITEMS")) :], latest


def _from_neighbours(
    request: _Request, served: ServedRecommender, anchors: Iterable[tuple[int, float, bool]]
) -> None:
    for anchor_id, weight, from_history in anchors:
        item = served.index_of.get(anchor_id)
        if item is None:
            continue
        for source, source_weight in SOURCE_WEIGHTS[request.surface]:
            found = served.neighbours_of(item, source)
            if not found:
                continue
            top = found[0][1] or 1.0
            category = served.category_ids[item]
            for neighbour, value in found:
                # "Similar" across categories (a navy cat tree for a navy suitcase) ranks
                # below the anchor's own category on the product page.
                same = source != explain.CONTENT or served.category_ids[neighbour] == category
                if not same and request.surface != Surface.PRODUCT:
                    # Elsewhere only the same category is "similar" enough to show.
                    continue
                request.add(
                    int(served.product_ids[neighbour]),
                    weight * source_weight * value / top * (1.0 if same else CROSS_CATEGORY),
                    source,
                    anchor_id,
                    from_history,
                )


def _from_model(request: _Request, served: ServedRecommender) -> None:
    """The served model's scores of the visitor's history (home): it ranks the candidates."""
    model = served.served_model()
    history = [served.index_of[p] for p in request.history if p in served.index_of]
    if model is None or not history:
        return
    array = np.array(history, dtype=np.int64)
    sources = None
    try:
        with served.single_threaded():
            all_scores, explained = _score(model, array)
        scores = np.asarray(all_scores)[0]
        sources = (explained[0] if explained else {}) if explained is not None else None
    except Exception:  # noqa: BLE001 - a page never fails for its model; neighbours still serve
        logger.exception("recommender %s: the served model failed to score", served.name)
        return
    scores = scores.astype(np.float32, copy=True)
    scores[array] = -np.inf
    k = min(MODEL_CANDIDATES, len(scores) - 1)
    if k <= 0:
        return
    top = np.argpartition(-scores, k)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    anchors = _history_anchors(request, served)
    for rank, item in enumerate(top.tolist()):
        # Ranker outputs may be negative; items no source proposed sit far below (-1e4).
        if not np.isfinite(scores[item]) or scores[item] < UNPROPOSED:
            continue
        product_id = int(served.product_ids[item])
        # The model's order leads the ranking (its scores have no fixed scale).
        value = 2.0 * (1.0 - rank / k)
        found = request.candidates.get(product_id)
        if found is not None:
            # A neighbour list of the visitor's products proposed it too: that names the why.
            found.score += value
            continue
        source = sources.get(item, explain.SASREC) if sources is not None else served.served_name
        if source == "served":
            source = explain.SASREC
        # Name the visitor's product that leads to it (a neighbour of it, else the latest one
        # of its category); none: "Picked for you", never a product that did not lead there.
        anchor = anchors.get(item) or anchors.get(("category", int(served.category_ids[item])))
        request.add(product_id, value, source, anchor, True)


def _from_searches(request: _Request) -> None:
    """The first results of the visitor's latest searches (home): what they looked for, even
    when they clicked nothing. Their weight sits between the visitor's own products'
    neighbours and trending; the newest search counts most."""
    for i, query in enumerate(request.queries):
        found = searched_products(query)
        top = len(found)
        for rank, product_id in enumerate(found):
            value = SEARCH_WEIGHT * HISTORY_DECAY**i * (1.0 - rank / (2 * top))
            request.add(product_id, value, explain.SEARCHED, None, True, query=query)


def _score(model: Any, history: np.ndarray) -> tuple[Any, list[dict[int, str]] | None]:
    if hasattr(model, "score_with_sources"):
        return model.score_with_sources([history])
    return model.score([history]), None


def _history_anchors(request: _Request, served: ServedRecommender) -> dict[Any, int]:
    """item -> the most recent history product whose neighbour lists hold it; and
    ("category", id) -> the most recent history product of that category."""
    anchors: dict[Any, int] = {}
    for product_id in reversed(request.history[-10:]):
        item = served.index_of.get(product_id)
        if item is None:
            continue
        anchors.setdefault(("category", int(served.category_ids[item])), product_id)
        for items, _scores in served.neighbours.values():
            for neighbour in items[item].tolist():
                if neighbour >= 0:
                    anchors.setdefault(neighbour, product_id)
    return anchors


def _from_trending(
    request: _Request, served: ServedRecommender | None, category_id: int | None
) -> None:
    want = request.limit * 4
    if served is None:
        products = Product.objects.active().filter(stock__gt=0)
        if category_id is not None:
            products = products.filter(category_id=category_id)
        ids = list(products.order_by("-popularity", "-id").values_list("id", flat=True)[:want])
        scores = [0.1 * (len(ids) - i) / max(len(ids), 1) for i in range(len(ids))]
    else:
        order = served.trending_order
        if category_id is not None:
            order = order[served.category_ids[order] == category_id]
        order = order[:want]
        ids = [int(served.product_ids[i]) for i in order]
        top = float(served.trend[order[0]]) if len(order) else 0.0
        # Trending fills after the personal candidates: a tenth of their scale.
        scores = [0.1 * float(served.trend[i]) / top if top else 0.0 for i in order]
    for product_id, value in zip(ids, scores, strict=True):
        request.add(product_id, value, explain.POPULARITY, None, False)


def _diversify(
    ranked: list[tuple[int, float]], categories: dict[int, int], limit: int, penalty: float
) -> list[tuple[int, float]]:
    """Greedy MMR over categories: each item already picked from a category costs the next."""
    top = ranked[0][1] if ranked and ranked[0][1] > 0 else 1.0
    pool = [(pid, score / top) for pid, score in ranked]
    picked: list[tuple[int, float]] = []
    per_category: Counter[int] = Counter()
    while pool and len(picked) < limit:
        best = max(
            range(len(pool)),
            key=lambda i: (pool[i][1] - penalty * per_category[categories[pool[i][0]]], -i),
        )
        product_id, score = pool.pop(best)
        picked.append((product_id, score))
        per_category[categories[product_id]] += 1
    return picked


def _anchors(request: _Request) -> list[tuple[int, float, bool]]:
    anchors: list[tuple[int, float, bool]] = []
    if request.product_id is not None:
        anchors.append((request.product_id, 1.0, False))
    for i, pid in enumerate(request.cart_ids):
        anchors.append((pid, 1.0 * HISTORY_DECAY ** (i / 2), False))
    for i, pid in enumerate(request.anchor_ids):
        anchors.append((pid, 1.0 * HISTORY_DECAY**i, False))
    if request.surface in PERSONAL_SURFACES:
        # Explicit anchors (cart, results) lead; the visitor's history follows.
        scale = 0.5 if anchors else 1.0
        recent = request.history[-HISTORY_ANCHORS:][::-1]
        anchors += [(pid, scale * HISTORY_DECAY**i, True) for i, pid in enumerate(recent)]
    return anchors


def recommendations(surface: str, **options: Any) -> RecommendationList:
    """The recommendation list for one surface and visitor.

    Args:
        surface: one of :data:`SURFACES` (home, product, bought_together, cart, search).
        **options: see :func:`recommendation_lists`.

    Raises:
        ValueError: an unknown surface, or a product surface without a product.
    """
    return recommendation_lists((surface,), **options)[surface]


def recommendation_lists(
    surfaces: Sequence[str],
    *,
    user: Any = None,
    session_key: str = "",
    product_id: int | None = None,
    cart_product_ids: Sequence[int] = (),
    anchor_product_ids: Sequence[int] = (),
    language: str | None = None,
    limit: int | None = None,
    limits: dict[str, int] | None = None,
) -> dict[str, RecommendationList]:
    """Several surfaces' lists for one page and visitor (the product page shows two), sharing
    the visitor's events, the rules and one fetch of the product cards.

    Args:
        surfaces: each one of :data:`SURFACES`.
        user: the request's user (anonymous users count by ``session_key``).
        session_key: the browser session, whose events count until the visitor logs in.
        product_id: the product page's product (product, bought_together).
        cart_product_ids: the cart's products (cart); never recommended back.
        anchor_product_ids: other products in play, e.g. the first search results (search).
        language: the language of every text (the active one when None).
        limit: how many items per list (``RECOMMEND_DEFAULT_LIMIT`` when None);
            ``limits`` overrides it per surface.

    Raises:
        ValueError: an unknown surface, or a product surface without a product.
    """
    for surface in surfaces:
        if surface not in SURFACES:
            raise ValueError(f"Unknown surface {surface!r}; expected one of {', '.join(SURFACES)}.")
        if surface in {Surface.PRODUCT, Surface.BOUGHT_TOGETHER} and product_id is None:
            raise ValueError(f"Surface {surface!r} needs a product.")
    default_limit = int(limit or setting("DEFAULT_LIMIT"))
    language = language or catalog.current_language()
    served = active_recommender()
    user_id = user.pk if user is not None and getattr(user, "is_authenticated", False) else None
    personal = any(s in PERSONAL_SURFACES for s in surfaces)
    history, queries = _visitor_history(user_id, session_key) if personal else ([], [])
    purchased = interaction_log.purchased_product_ids(user_id=user_id, session_key=session_key)
    cart_ids = tuple(int(p) for p in cart_product_ids)
    with translation.override(language):
        plans = []
        for surface in surfaces:
            request = _Request(
                surface=surface,
                limit=int((limits or {}).get(surface) or default_limit),
                product_id=product_id,
                cart_ids=cart_ids,
                anchor_ids=tuple(int(p) for p in anchor_product_ids),
                history=history,
                purchased=purchased,
                queries=queries if surface == Surface.HOME else [],
            )
            plans.append((request, _ranked(request, served)))
        wanted = {pid for _request, (ranked, pins) in plans for pid, _ in ranked} | {
            pid for _request, (ranked, pins) in plans for pid in pins
        }
        sellable = _sellable(wanted)
        chosen = {
            request.surface: _choose(request, ranked, pins, sellable)
            for request, (ranked, pins) in plans
        }
        shown = {pid for picks in chosen.values() for pid, _score, _pinned in picks}
        anchors = {
            request.candidates[pid].anchor
            for request, _plan in plans
            for pid, _score, pinned in chosen[request.surface]
            if not pinned and request.candidates[pid].anchor is not None
        }
        cards = _cards(sorted(shown))
        titles = {pid: card.title for pid, card in cards.items()}
        titles.update(_titles(anchors - set(cards), language))
        return {
            request.surface: _finish(request, chosen[request.surface], cards, titles, served)
            for request, _plan in plans
        }


def _titles(product_ids: set[int], language: str) -> dict[int, str]:
    """Titles in ``language`` of the products a list names (no card, no images)."""
    if not product_ids:
        return {}
    products = list(
        Product.objects.filter(pk__in=list(product_ids)).only("id", "title", "language")
    )
    catalog.attach_translations(products, language)
    return {p.pk: catalog.local_text(p, language, full=False).title for p in products}


def _sellable(product_ids: set[int]) -> dict[int, int]:
    """product id -> category id of the active, in-stock products among ``product_ids``."""
    if not product_ids:
        return {}
    # By primary key only, unordered: with the status in the filter SQLite walks the status
    # index over the whole active catalog (2.5 ms against 0.5 ms at 10k products).
    rows = (
        Product.objects.filter(pk__in=list(product_ids))
        .order_by()
        .values_list("id", "category_id", "status", "stock")
    )
    return {
        pid: category
        for pid, category, status, stock in rows
        if status == Product.Status.ACTIVE and stock > 0
    }


def _cards(product_ids: Sequence[int]) -> dict[int, catalog.ProductCard]:
    """Cards of products :func:`_sellable` has just checked (by primary key, as there)."""
    if not product_ids:
        return {}
    products = catalog.card_queryset().filter(pk__in=list(product_ids)).order_by()
    return {card.id: card for card in catalog.product_cards(products)}


def _ranked(
    request: _Request, served: ServedRecommender | None
) -> tuple[list[tuple[int, float]], list[int]]:
    """The surface's candidates, best first, without what must never be shown; and the pins."""
    surface = request.surface
    if served is not None:
        _from_neighbours(request, served, _anchors(request))
        if surface == Surface.HOME:
            _from_model(request, served)
    if request.queries:
        _from_searches(request)
    if surface in TRENDING_FILL:
        category_id = None
        if surface == Surface.PRODUCT and request.product_id is not None:
            category_id = _category_of(request.product_id, served)
        _from_trending(request, served, category_id)
    in_play = {request.product_id, *request.cart_ids, *request.anchor_ids} - {None}
    if surface in {Surface.HOME, Surface.SEARCH}:
        in_play |= set(request.history)
    pins, excluded = rules_for(
        surface, [p for p in (request.product_id, *request.cart_ids) if p is not None]
    )
    unwanted = in_play | request.purchased | excluded
    ranked = sorted(
        ((pid, c.score) for pid, c in request.candidates.items() if pid not in unwanted),
        key=lambda pair: (-pair[1], pair[0]),
    )[: request.limit * 3]
    pins = [p for p in pins if p not in in_play and p not in request.purchased]
    return ranked, pins


def _category_of(product_id: int, served: ServedRecommender | None) -> int | None:
    if served is not None and product_id in served.index_of:
        return int(served.category_ids[served.index_of[product_id]])
    return Product.objects.filter(pk=product_id).values_list("category_id", flat=True).first()


def _choose(
    request: _Request,
    ranked: list[tuple[int, float]],
    pins: list[int],
    sellable: dict[int, int],
) -> list[tuple[int, float, bool]]:
    """(product id, score, pinned) of the list: sellable pins first, then a diverse head."""
    pinned = [p for p in pins if p in sellable][: request.limit]
    ranked = [(pid, s) for pid, s in ranked if pid in sellable and pid not in pinned]
    # "Similar items" are meant to be alike: there one category may lead the list.
    penalty = float(setting("DIVERSITY")) * (0.2 if request.surface == Surface.PRODUCT else 1.0)
    diverse = _diversify(ranked, sellable, request.limit - len(pinned), penalty)
    return [(pid, 1.0, True) for pid in pinned] + [(pid, score, False) for pid, score in diverse]


def _finish(
    request: _Request,
    chosen: list[tuple[int, float, bool]],
    cards: dict[int, catalog.ProductCard],
    titles: dict[int, str],
    served: ServedRecommender | None,
) -> RecommendationList:
    tree = catalog.category_tree()
    items = []
    for pid, score, pinned in chosen:
        card = cards.get(pid)
        if card is None:  # deactivated between the two reads
            continue
        if pinned:
            source, reason = explain.PINNED, explain.reason_for(explain.PINNED)
        else:
            found = request.candidates[pid]
            node = tree.nodes.get(card.category_id)
            source = found.source
            reason = explain.reason_for(
                source,
                anchor_title=titles.get(found.anchor, "") if found.anchor is not None else "",
                category_name=node.name if node else "",
                from_history=found.from_history,
                query=found.query,
            )
        position = len(items) + 1
        items.append(
            RecommendedItem(
                product_id=pid,
                card=replace(card, link=f"{card.url}?from=rec-{request.surface}&pos={position}"),
                reason=reason,
                source=source,
                score=round(score, 4),
            )
        )
    degraded = "No trained recommender yet: popular products only."
    return RecommendationList(
        surface=request.surface,
        items=items,
        model_version=served.name if served is not None else "",
        degraded=served.degraded if served is not None else degraded,
    )
