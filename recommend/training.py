"""Fitting the recommenders on the shop's signals and measuring them (no Django writes here).

Each model of ``recommend.algorithms`` that has landed is fitted on the whole log for serving,
and once more without each visitor's last item for the offline figures (leave-one-out: the
last item is the test, full ranking over every product, the visitor's history excluded). Per
product, the neighbours of each source are precomputed here, so a request reads short lists
instead of scoring the catalog.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from recommend.algorithms.base import TrainData
from recommend.algorithms.metrics import hit_rate, ndcg, target_ranks

logger = logging.getLogger(__name__)

# Model name -> module; the class is the one whose ``name`` matches (see _model_class).
MODEL_MODULES = {
    "popularity": "recommend.algorithms.popularity",
    "item_knn": "recommend.algorithms.item_knn",
    "transitions": "recommend.algorithms.transitions",
    "content": "recommend.algorithms.content",
    "sasrec": "recommend.algorithms.sasrec",
}
BLEND_MODULE = "recommend.algorithms.blend"
# The neighbour lists a request reads, per source; "bought" is item co-occurrence fitted on
# purchase and cart baskets only ("frequently bought together").
NEIGHBOUR_SOURCES = ("item_knn", "transitions", "content", "bought")
METRIC_K = 10
# Candidates per source the blend ranks (its default); fewer on a catalog smaller than that.
BLEND_CANDIDATES = 50
# Visitors the offline figures are computed on (a sample above this, for time).
MAX_EVALUATED = 5000


def _model_class(module_name: str, name: str) -> type | None:
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    for value in vars(module).values():
        if (
            isinstance(value, type)
            and getattr(value, "name", None) == name
            and hasattr(value, "fit")
        ):
            return value
    return None


def available_models() -> dict[str, type]:
    """The algorithm classes present in this checkout, by name."""
    found = {}
    for name, module in MODEL_MODULES.items():
        cls = _model_class(module, name)
        if cls is not None:
            found[name] = cls
    return found


def blend_class() -> type | None:
    try:
        module = importlib.import_module(BLEND_MODULE)
    except ImportError:
        return None
    return getattr(module, "BlendRecommender", None)


def _factories(names: Sequence[str], time_budget: float) -> dict[str, Callable[[], Any]]:
    classes = available_models()
    factories: dict[str, Callable[[], Any]] = {}
    for name in names:
        cls = classes[name]
        factories[name] = (lambda c=cls: c(time_budget=time_budget)) if name == "sasrec" else cls
    return factories


def usable_models(data: TrainData, time_budget: float) -> tuple[list[str], dict[str, str]]:
    """The models that can be fitted on ``data``, and why the others cannot."""
    has_history = any(len(s) for s in data.sequences)
    usable, skipped = [], {}
    for name in available_models():
        if name == "content" and data.item_vectors is None:
            skipped[name] = "no product vectors (build the search index)"
        elif name in {"item_knn", "transitions", "sasrec"} and not has_history:
            skipped[name] = "no interaction history yet"
        elif name == "sasrec" and time_budget <= 0:
            skipped[name] = "no time budget"
        else:
            usable.append(name)
    return usable, skipped


def fit_models(
    data: TrainData,
    *,
    baskets: Sequence[np.ndarray],
    time_budget: float,
    on_step: Callable[[str], None] | None = None,
) -> tuple[dict[str, Any], Any, str, dict[str, float], dict[str, str]]:
    """Fit every usable model and the blend on ``data``.

    With the blend (``recommend.algorithms.blend``) and two or more sources, the blend fits
    the sources itself (and its ranker on their held-back last items); its sources are the
    models returned. Otherwise each model is fitted here and the first of item_knn,
    transitions, content and popularity serves.

    Returns:
        (models by name, the served model, its name, seconds per model, skipped models with
        the reason).
    """
    names, skipped = usable_models(data, time_budget)
    step = on_step or (lambda _name: None)
    seconds: dict[str, float] = {}
    blend = blend_class()
    served: Any = None
    served_name = ""
    models: dict[str, Any] = {}
    if blend is not None and len(names) > 1 and any(len(s) >= 3 for s in data.sequences):
        started = time.perf_counter()
        options = {}
        if data.n_items <= BLEND_CANDIDATES:
            # A tiny catalog: every other item is a candidate.
            options["candidates"] = max(1, data.n_items - 2)
        served = blend(factories=_factories(names, time_budget), **options)
        served.fit(data)
        models = dict(served.models)
        served_name = "served"
        seconds["served"] = round(time.perf_counter() - started, 2)
        for name in names:
            step(name)
    else:
        if blend is None:
            skipped["blend"] = "recommend.algorithms.blend is not there yet"
        else:
            skipped["blend"] = "needs two sources and visitors with three items or more"
        for name, factory in _factories(names, time_budget).items():
            started = time.perf_counter()
            model = factory()
            model.fit(data)
            models[name] = model
            seconds[name] = round(time.perf_counter() - started, 2)
            step(name)
        for name in ("item_knn", "transitions", "content", "popularity"):
            if name in models:
                served, served_name = models[name], name
                break
        if served is None:
            raise ValueError("No recommender could be fitted: the catalog has no active product.")
    step("served")
    if baskets and "item_knn" in models:
        # Baskets are unordered: every pair in one basket co-occurs.
        started = time.perf_counter()
        bought = type(models["item_knn"])(window=max(len(b) for b in baskets), last=3)
        bought.fit(TrainData(sequences=list(baskets), n_items=data.n_items))
        models["bought"] = bought
        seconds["bought"] = round(time.perf_counter() - started, 2)
    return models, served, served_name, seconds, skipped


def neighbour_table(
    model: Any, n_items: int, k: int, chunk: int = 256
) -> tuple[np.ndarray, np.ndarray]:
    """Each item's k best neighbours by the model's score of a one-item history.

    Returns:
        (indices, scores), both (n_items, k); -1 and 0 where an item has fewer neighbours.
    """
    k = min(k, max(n_items - 1, 0))
    indices = np.full((n_items, k), -1, dtype=np.int32)
    scores = np.zeros((n_items, k), dtype=np.float32)
    if k == 0:
        return indices, scores
    for start in range(0, n_items, chunk):
        items = np.arange(start, min(start + chunk, n_items))
        block = np.asarray(model.score([np.array([i]) for i in items]), dtype=np.float32)
        block[np.arange(len(items)), items] = -np.inf
        part = np.argpartition(-block, k - 1, axis=1)[:, :k]
        values = np.take_along_axis(block, part, axis=1)
        order = np.argsort(-values, axis=1, kind="stable")
        part = np.take_along_axis(part, order, axis=1)
        values = np.take_along_axis(values, order, axis=1)
        keep = np.isfinite(values) & (values > 0)
        indices[start : start + len(items)] = np.where(keep, part, -1)
        scores[start : start + len(items)] = np.where(keep, values, 0.0)
    return indices, scores


def neighbour_tables(
    models: dict[str, Any], n_items: int, k: int
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return {
        source: neighbour_table(models[source], n_items, k)
        for source in NEIGHBOUR_SOURCES
        if source in models
    }


def leave_one_out(data: TrainData) -> tuple[TrainData, list[np.ndarray], np.ndarray]:
    """(training data without each evaluated visitor's last item, their histories, targets)."""
    rng = np.random.default_rng(0)
    evaluated = [i for i, s in enumerate(data.sequences) if len(s) >= 3]
    if len(evaluated) > MAX_EVALUATED:
        evaluated = sorted(rng.choice(evaluated, MAX_EVALUATED, replace=False).tolist())
    chosen = set(evaluated)
    truncated = [s[:-1] if i in chosen else s for i, s in enumerate(data.sequences)]
    histories = [data.sequences[i][:-1] for i in evaluated]
    targets = np.array([data.sequences[i][-1] for i in evaluated], dtype=np.int64)
    return data.with_sequences(truncated), histories, targets


def hit_figures(model: Any, histories: list[np.ndarray], targets: np.ndarray) -> dict[str, float]:
    """HR@10 and NDCG@10 over all items, each visitor's history excluded (as eval_recommender
    scores them: ties count against the model)."""
    if not len(targets):
        return {"hr@10": 0.0, "ndcg@10": 0.0, "users": 0}
    ranks = np.concatenate(
        [
            target_ranks(
                model.score(histories[start : start + 256]),
                histories[start : start + 256],
                targets[start : start + 256],
            )[0]
            for start in range(0, len(histories), 256)
        ]
    )
    return {
        "hr@10": round(hit_rate(ranks, METRIC_K), 4),
        "ndcg@10": round(ndcg(ranks, METRIC_K), 4),
        "users": len(targets),
    }


def offline_metrics(
    data: TrainData, *, baskets: Sequence[np.ndarray], time_budget: float
) -> dict[str, dict[str, float]]:
    """Leave-one-out figures of every model and the served one, fitted without the test items."""
    train, histories, targets = leave_one_out(data)
    if not len(targets):
        return {}
    models, served, served_name, _seconds, _skipped = fit_models(
        train, baskets=baskets, time_budget=time_budget
    )
    figures = {
        name: hit_figures(model, histories, targets)
        for name, model in models.items()
        if name != "bought"
    }
    figures["served"] = hit_figures(served, histories, targets)
    figures["served"]["model"] = served_name
    return figures


def save_served(served: Any, served_name: str, folder: Path) -> None:
    """The served model (the blend holds its sources); requests read the rest from tables."""
    served.save(folder / "models" / served_name)
