"""What the recommender learns from: the interaction log and the catalog, as TrainData.

Every active product is an item (so content similarity covers products nobody has seen yet);
each visitor (a customer, or an anonymous session that never logged in) is one time-ordered
sequence of the products they viewed, put in the cart or bought, each event weighted by what
it says (``RECOMMEND_EVENT_WEIGHTS``: purchase > cart > click/view). The product vectors are
the search index's e5 vectors (``search.selectors.product_vectors``): one vector store for the
shop, multilingual, so an English and a Chinese product about the same thing are neighbours.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from django.utils import timezone

from recommend.algorithms.base import TrainData
from recommend.conf import setting
from search.selectors import product_vectors
from shop.catalog.models import Product
from shop.interactions.models import Interaction

LEARNED_KINDS = (
    Interaction.Kind.VIEW,
    Interaction.Kind.ADD_TO_CART,
    Interaction.Kind.PURCHASE,
)


@dataclass
class Signals:
    """TrainData plus the maps between items and the shop's products."""

    data: TrainData
    product_ids: np.ndarray  # item index -> product id
    category_ids: np.ndarray  # item index -> category id
    brand_ids: np.ndarray  # item index -> brand id (0: none)
    visitors: int
    events: int
    purchase_baskets: list[np.ndarray] = field(default_factory=list)
    vector_revision: str = ""
    index_of: dict[int, int] = field(default_factory=dict)

    @property
    def n_items(self) -> int:
        return len(self.product_ids)


def collect_signals(
    *, days: int | None = None, now: datetime | None = None, chunk_size: int = 5000
) -> Signals:
    """Read the catalog and the last ``days`` of the interaction log into :class:`Signals`."""
    days = days or int(setting("TRAINING_DAYS"))
    now = now or timezone.now()
    rows = list(
        Product.objects.active().order_by("id").values_list("id", "category_id", "brand_id")
    )
    product_ids = np.array([r[0] for r in rows], dtype=np.int64)
    category_ids = np.array([r[1] for r in rows], dtype=np.int64)
    brand_ids = np.array([r[2] or 0 for r in rows], dtype=np.int64)
    index_of = {int(pid): i for i, pid in enumerate(product_ids)}
    categories = {int(c): i for i, c in enumerate(sorted(set(category_ids.tolist())))}
    item_categories = np.array([categories[int(c)] for c in category_ids], dtype=np.int64)

    weights_by_kind = setting("EVENT_WEIGHTS")
    per_visitor: dict[str, list[tuple[float, int, float]]] = defaultdict(list)
    baskets: dict[str, set[int]] = defaultdict(set)
    events = 0
    log = (
        Interaction.objects.filter(
            kind__in=LEARNED_KINDS,
            product__isnull=False,
            created_at__gte=now - timedelta(days=days),
        )
        .order_by("created_at", "id")
        .values_list("user_id", "session_key", "product_id", "kind", "created_at")
        .iterator(chunk_size=chunk_size)
    )
    for user_id, session_key, product_id, kind, created_at in log:
        item = index_of.get(product_id)
        if item is None:
            continue
        visitor = f"u{user_id}" if user_id is not None else f"s{session_key}"
        if visitor == "s":
            continue
        per_visitor[visitor].append(
            (created_at.timestamp(), item, float(weights_by_kind.get(kind, 1.0)))
        )
        if kind in (Interaction.Kind.PURCHASE, Interaction.Kind.ADD_TO_CART):
            # A session (or a day of a customer's) purchases and cart adds form a basket.
            baskets[f"{session_key or user_id}:{created_at.date()}"].add(item)
        events += 1

    sequences, stamps, weights = [], [], []
    for visitor in sorted(per_visitor):
        items, times, strengths = _collapse(per_visitor[visitor])
        if len(items) == 0:
            continue
        sequences.append(items)
        stamps.append(times)
        weights.append(strengths)

    vectors, revision = _vectors(product_ids, index_of)
    data = TrainData(
        sequences=sequences,
        n_items=len(product_ids),
        item_categories=item_categories,
        item_vectors=vectors,
        # An empty log has no per-event arrays at all (nothing to concatenate).
        timestamps=stamps or None,
        weights=weights or None,
    )
    return Signals(
        data=data,
        product_ids=product_ids,
        category_ids=category_ids,
        brand_ids=brand_ids,
        visitors=len(sequences),
        events=events,
        purchase_baskets=[
            np.array(sorted(b), dtype=np.int64) for _, b in sorted(baskets.items()) if len(b) > 1
        ],
        vector_revision=revision,
        index_of=index_of,
    )


def _collapse(
    events: list[tuple[float, int, float]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One entry per run of the same item (a view, then its cart add, then the purchase):
    the strongest weight of the run, at its first time."""
    items: list[int] = []
    times: list[float] = []
    strengths: list[float] = []
    for stamp, item, weight in events:
        if items and items[-1] == item:
            strengths[-1] = max(strengths[-1], weight)
            continue
        items.append(item)
        times.append(stamp)
        strengths.append(weight)
    return (
        np.array(items, dtype=np.int64),
        np.array(times, dtype=np.float64),
        np.array(strengths, dtype=np.float32),
    )


def _vectors(product_ids: np.ndarray, index_of: dict[int, int]) -> tuple[np.ndarray | None, str]:
    """Item vectors from the search index (zero rows for products it has not embedded)."""
    published = product_vectors()
    if published is None:
        return None, ""
    vectors = np.zeros((len(product_ids), published.vectors.shape[1]), dtype=np.float32)
    for row, pid in enumerate(published.product_ids.tolist()):
        item = index_of.get(int(pid))
        if item is not None:
            vectors[item] = published.vectors[row]
    return vectors, published.revision
