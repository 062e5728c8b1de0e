"""Writes of the recommend app: training a version, logging impressions and clicks.

``train_recommender`` reads the shop's signals, fits every model of ``recommend.algorithms``
and the blend, measures them offline (leave-one-out on the shop's own visitors), stores ONE
versioned folder as a ``ModelVersion`` (alias ``RECOMMEND_ALIAS``) with the figures, and
activates it when it is good enough. Serving processes pick the new version up within
``LLM_VERSION_CHECK_SECONDS`` (``recommend.artifacts.active_recommender``).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from recommend import training
from recommend.artifacts import reset_active_recommender, write_artifact
from recommend.conf import setting
from recommend.models import RecommendationImpression, Surface
from recommend.rules import RULES_CACHE_KEY
from recommend.signals_data import collect_signals
from shop.interactions import services as interactions

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainingReport:
    version: str
    activated: bool
    reason: str
    degraded: str
    items: int
    visitors: int
    events: int
    models: list[str]
    metrics: dict[str, dict[str, Any]]
    seconds: float


def _fingerprint(sequences: Sequence[np.ndarray], product_ids: np.ndarray) -> str:
    digest = hashlib.sha256(product_ids.tobytes())
    for sequence in sequences:
        digest.update(np.asarray(sequence, dtype=np.int64).tobytes())
        digest.update(b"|")
    return digest.hexdigest()


def _should_activate(metrics: dict[str, dict[str, Any]]) -> tuple[bool, str]:
    """Activate unless the served model ranks worse than popularity on the same visitors.

    The active version's figures were measured on an older log, so they do not compare; a
    regression against the simplest baseline of the same data is what blocks a version.
    """
    served = metrics.get("served")
    if served is None:
        return True, "no visitor has enough history to measure; activated as the fallback"
    popularity = metrics.get("popularity", {}).get("hr@10", 0.0)
    if served["hr@10"] < popularity:
        return False, f"served HR@10 {served['hr@10']} is below popularity's {popularity}"
    return True, f"served HR@10 {served['hr@10']} is at least popularity's {popularity}"


def train_recommender(
    *,
    time_budget: float | None = None,
    chunk_size: int = 5000,
    activate: bool = True,
    evaluate: bool = True,
    on_step: Callable[[str], None] | None = None,
) -> TrainingReport:
    """Fit, measure, store and (when good) activate a new recommender version.

    Args:
        time_budget: seconds the sequential transformer may train (each of its two fits);
            the other models take seconds. ``RECOMMEND_TIME_BUDGET`` when None.
        chunk_size: interaction rows read per database round trip.
        activate: activate the version when its figures are good enough.
        evaluate: compute the leave-one-out figures (a second fit without the test items).
        on_step: called with a step's name as it finishes (progress bars).

    Returns:
        What was stored and why it was (or was not) activated.

    Raises:
        ValueError: the catalog has no active product.
    """
    from llm_services.training import store_version

    started = time.perf_counter()
    budget = float(setting("TIME_BUDGET") if time_budget is None else time_budget)
    signals = collect_signals(chunk_size=chunk_size)
    if signals.n_items == 0:
        raise ValueError("The catalog has no active product to recommend.")
    step = on_step or (lambda _name: None)
    step("signals")
    data = signals.data
    degraded = ""
    if not signals.visitors:
        degraded = "No interaction history yet: trending and similar products only."
    elif data.item_vectors is None:
        degraded = "No search index with product vectors: no content similarity."

    metrics: dict[str, dict[str, Any]] = {}
    if evaluate:
        metrics = training.offline_metrics(
            data, baskets=signals.purchase_baskets, time_budget=budget / 2
        )
        step("evaluation")
    models, served, served_name, seconds, skipped = training.fit_models(
        data, baskets=signals.purchase_baskets, time_budget=budget / 2, on_step=step
    )
    k = int(setting("NEIGHBOURS"))
    neighbours = training.neighbour_tables(models, signals.n_items, k)
    step("neighbours")
    trend = models["popularity"].trend if "popularity" in models else np.zeros(signals.n_items)

    alias = setting("ALIAS")
    info: dict[str, Any] = {
        "items": signals.n_items,
        "visitors": signals.visitors,
        "events": signals.events,
        "baskets": len(signals.purchase_baskets),
        "vector_revision": signals.vector_revision,
        "models": sorted(models),
        "served_model": served_name,
        "skipped": skipped,
        "neighbour_sources": sorted(neighbours),
        "fit_seconds": seconds,
        "time_budget": budget,
        "degraded": degraded,
        "metrics": metrics,
    }

    def write(folder: Path, name: str) -> dict[str, Any]:
        write_artifact(
            folder,
            product_ids=signals.product_ids,
            category_ids=signals.category_ids,
            trend=np.asarray(trend, dtype=np.float32),
            neighbours=neighbours,
        )
        training.save_served(served, served_name, folder)
        manifest = dict(info)
        # The stored training record (``info``) also says how long all of it took.
        info.update(name=name, seconds=round(time.perf_counter() - started, 1))
        return manifest

    should, reason = _should_activate(metrics)
    with transaction.atomic():
        version = store_version(
            alias,
            write,
            kind="recommender",
            task="recommend",
            method=served_name,
            base_model="recommend.algorithms",
            base_revision=signals.vector_revision,
            training_data_hash=_fingerprint(data.sequences, signals.product_ids),
            metrics={"after": metrics},
            training=info,
        )
    activated = False
    if activate and should:
        from llm_services.training import activate_version

        activate_version(version.pk)
        reset_active_recommender()
        activated = True
    return TrainingReport(
        version=version.name,
        activated=activated,
        reason=reason if activate else "not asked to activate",
        degraded=degraded,
        items=signals.n_items,
        visitors=signals.visitors,
        events=signals.events,
        models=sorted(models) + ([served_name] if served_name == "served" else []),
        metrics=metrics,
        seconds=info["seconds"],
    )


def report_as_dict(report: TrainingReport) -> dict[str, Any]:
    return asdict(report)


def record_impression(
    *,
    surface: str,
    product_ids: Sequence[int],
    request: HttpRequest | None,
    language: str,
    model_version: str,
) -> None:
    """Log one shown list (one row per list) through the interaction log's buffered writer."""
    if not product_ids or surface not in Surface.values:
        return
    user_id, session_key = None, ""
    if request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user_id = user.pk
        if hasattr(request, "session"):
            session_key = request.session.session_key or ""
    row = RecommendationImpression(
        surface=surface,
        product_ids=[int(p) for p in product_ids],
        user_id=user_id,
        session_key=session_key,
        language=language,
        model_version=model_version or "",
        created_at=timezone.now(),
    )
    interactions.log_row(row)


def rules_changed() -> None:
    """Drop the cached merchant rules once the change commits, so a saved pin or exclusion
    applies at once (dropped before the commit, a request could cache the old rules again)."""
    transaction.on_commit(lambda: cache.delete(RULES_CACHE_KEY))


def ensure_visitor_session(request: HttpRequest) -> str:
    """The visitor's session key, starting a session for a first-time anonymous visitor.

    What an anonymous visitor browses is logged by session; without a session their next
    views would count for nobody (and could not join their account at login).
    """
    session = getattr(request, "session", None)
    if session is None:
        return ""
    if session.session_key is None and not getattr(request.user, "is_authenticated", False):
        session.save()
    return session.session_key or ""
