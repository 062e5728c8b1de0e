"""Offline evaluation of the recommenders: leave-one-out, full ranking (``eval_recommender``).

Each line of a dataset is ``user item item …`` in time order. A visitor's last item is the
test item and the one before it the validation item. Every setting is chosen on the validation
item (models fitted on the sequences without their last two items); then the models are
refitted without the test item only and scored on it: each one ranks the whole catalog, the
visitor's own history excluded. The served blend's ranker learns on the validation item too.
The command and the shop use the same model classes (``recommend.algorithms``).
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from recommend.algorithms.base import TrainData, categories_from_attributes
from recommend.algorithms.blend import BlendRecommender
from recommend.algorithms.content import ContentRecommender
from recommend.algorithms.item_knn import ItemKNNRecommender
from recommend.algorithms.metrics import K, hit_rate, ndcg, target_ranks
from recommend.algorithms.popularity import PopularityRecommender
from recommend.algorithms.sasrec import SASRecRecommender
from recommend.algorithms.transitions import TransitionRecommender

MODEL_NAMES = ("popularity", "item_knn", "transitions", "content", "sasrec", "served")
METRIC_KEYS = (
    "hr@10",
    "ndcg@10",
    "coverage@10",
    "popularity_bias",
    "diversity",
    "train_seconds",
    "p95_ms",
)
TUNING_USERS = 6000
LATENCY_REQUESTS = 200

# The settings tried on the validation item: the same for every file.
KNN_FITS = [{"window": w, "beta": b} for w, b in itertools.product((3, 10), (0.25, 0.45, 0.7))]
KNN_SCORING = [{"last": n, "recency": r} for n, r in itertools.product((2, 5, 10), (0.6, 0.85))]
TRANSITION_FITS = [{"beta": b} for b in (0.0, 0.3, 0.6)]
TRANSITION_SCORING = [
    {"skip_weight": s, "second_weight": w}
    for s, w in itertools.product((0.0, 0.3, 1.0), (0.0, 1.0, 3.0))
]
CONTENT_SCORING = [
    {"last": n, "pop_weight": p, "recency": 0.5}
    for n, p in itertools.product((1, 3), (0.0, 0.02, 0.1))
]


class DatasetError(ValueError):
    """A dataset file that cannot be read (the message names the line)."""


@dataclass
class Dataset:
    sequences: list[np.ndarray]
    n_items: int
    item_ids: list[str]
    item_attributes: list[list[int]] | None = None
    item_categories: np.ndarray | None = None
    path: Path = field(default_factory=Path)


def read_dataset(path: Path) -> Dataset:
    """Sequences with items renumbered 0..n-1, and the attributes file beside it, if any."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"{path}: no such file.")
    index: dict[str, int] = {}
    sequences = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) < 2 or not all(p.lstrip("-").isdigit() for p in parts):
                raise DatasetError(
                    f"{path}, line {number}: expected 'user item item …' (integers), "
                    f"got {line.strip()[:60]!r}."
                )
            sequences.append(
                np.array([index.setdefault(p, len(index)) for p in parts[1:]], dtype=np.int64)
            )
    if not sequences:
        raise DatasetError(f"{path}: no interactions.")
    dataset = Dataset(sequences, len(index), list(index), path=path)
    attributes_path = path.with_name(f"{path.stem}_item2attributes.json")
    if attributes_path.is_file():
        try:
            raw = json.loads(attributes_path.read_text(encoding="utf-8"))
            attributes: list[list[int]] = [[] for _ in range(dataset.n_items)]
            for item, values in raw.items():
                if item in index:
                    attributes[index[item]] = [int(v) for v in values]
        except (ValueError, TypeError, AttributeError) as error:
            raise DatasetError(
                f"{attributes_path}: not an item → attribute ids map ({error})."
            ) from error
        dataset.item_attributes = attributes
        dataset.item_categories = categories_from_attributes(attributes, dataset.n_items)
    return dataset


# Metrics ------------------------------------------------------------------------------------


def coverage(top_lists: np.ndarray, n_items: int) -> float:
    """Share of the catalog that appears in at least one list."""
    return float(len(np.unique(top_lists)) / n_items) if n_items else 0.0


def popularity_bias(top_lists: np.ndarray, counts: np.ndarray, share: float = 0.01) -> float:
    """Share of recommended items that are among the ``share`` most popular items."""
    n_head = max(1, int(np.ceil(share * len(counts))))
    head = np.zeros(len(counts), dtype=bool)
    head[np.argsort(-counts, kind="stable")[:n_head]] = True
    return float(head[top_lists].mean()) if top_lists.size else 0.0


def diversity(top_lists: np.ndarray, categories: np.ndarray | None) -> float | None:
    """Mean share of pairs in a list whose categories differ (items without one left out)."""
    if categories is None:
        return None
    values = []
    for items in top_lists:
        cats = categories[items]
        cats = cats[cats >= 0]
        if len(cats) < 2:
            continue
        same = (cats[:, None] == cats[None, :]).sum() - len(cats)
        pairs = len(cats) * (len(cats) - 1)
        values.append(1.0 - same / pairs)
    return float(np.mean(values)) if values else None


def p95_latency_ms(model: Any, histories: Sequence[np.ndarray], requests: int) -> float:
    """95th percentile of one request's time: score one history and take its top 10."""
    rng = np.random.default_rng(1)
    chosen = rng.choice(len(histories), min(requests, len(histories)), replace=False)
    times = []
    for row in chosen:
        history = histories[row]
        started = time.perf_counter()
        scores = model.score([history])[0]
        scores[history] = -np.inf
        np.argpartition(-scores, K)[:K]
        times.append((time.perf_counter() - started) * 1000.0)
    return float(np.percentile(times, 95)) if times else 0.0


def evaluate(
    model: Any,
    histories: Sequence[np.ndarray],
    targets: np.ndarray,
    counts: np.ndarray,
    categories: np.ndarray | None,
    chunk: int = 512,
    full: bool = True,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Ranking metrics of ``model`` over these histories (and exposure metrics when ``full``)."""
    all_ranks, tops = [], []
    for start in range(0, len(histories), chunk):
        part = histories[start : start + chunk]
        ranks, scores = target_ranks(model.score(part), part, targets[start : start + chunk])
        all_ranks.append(ranks)
        if full:
            top = np.argpartition(-scores, K, axis=1)[:, :K]
            tops.append(top)
        if progress is not None:
            progress(len(part))
    ranks = np.concatenate(all_ranks)
    result: dict[str, Any] = {"hr@10": hit_rate(ranks), "ndcg@10": ndcg(ranks)}
    if full:
        top_lists = np.vstack(tops)
        result["coverage@10"] = coverage(top_lists, len(counts))
        result["popularity_bias"] = popularity_bias(top_lists, counts)
        result["diversity"] = diversity(top_lists, categories)
    return result


# The run ------------------------------------------------------------------------------------


def _sample(n: int, size: int) -> np.ndarray:
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(0).choice(n, size, replace=False))


def _tune(
    name: str,
    make: Callable[[dict[str, Any]], Any],
    fits: list[dict[str, Any]],
    scorings: list[dict[str, Any]],
    data: TrainData,
    histories: list[np.ndarray],
    targets: np.ndarray,
    log: Callable[[str], None],
) -> tuple[Any, dict[str, Any]]:
    """The model with the best validation NDCG@10 over fits × scoring settings."""
    best, best_model, best_params = -1.0, None, {}
    counts = np.zeros(data.n_items)
    for fit_params in fits:
        model = make(fit_params)
        model.fit(data)
        for scoring in scorings:
            for key, value in scoring.items():
                setattr(model, key, value)
            value = evaluate(model, histories, targets, counts, None, full=False)["ndcg@10"]
            if value > best:
                best, best_model, best_params = value, model, {**fit_params, **scoring}
    for key, value in best_params.items():
        setattr(best_model, key, value)
    log(f"{name}: validation NDCG@10 {best:.4f} with {best_params}")
    return best_model, best_params


def run_evaluation(
    path: Path,
    models: Sequence[str] = MODEL_NAMES,
    time_budget: float = 600.0,
    sasrec_settings: dict[str, Any] | None = None,
    log: Callable[[str], None] = print,
    bar: Callable[..., Any] | None = None,
) -> dict[str, dict[str, Any]]:
    """Every model's metrics on the test item (see the module), keyed by model name."""
    dataset = read_dataset(path)
    wanted = set(models)
    if "served" in wanted:
        wanted |= {"popularity", "item_knn", "transitions", "content", "sasrec"}
    users = [i for i, s in enumerate(dataset.sequences) if len(s) >= 3]
    full = dataset.sequences

    def train_data(sequences: list[np.ndarray]) -> TrainData:
        return TrainData(
            sequences=sequences,
            n_items=dataset.n_items,
            item_categories=dataset.item_categories,
            item_attributes=dataset.item_attributes,
        )

    val_data = train_data([s[:-2] if len(s) >= 3 else s for s in full])
    test_data = train_data([s[:-1] if len(s) >= 3 else s for s in full])
    val_hist = [full[i][:-2] for i in users]
    val_targets = np.array([full[i][-2] for i in users])
    test_hist = [full[i][:-1] for i in users]
    test_targets = np.array([full[i][-1] for i in users])
    sample = _sample(len(users), TUNING_USERS)
    tune_hist = [val_hist[i] for i in sample]
    tune_targets = val_targets[sample]
    log(
        f"{path.name}: {len(full)} users ({len(users)} evaluated), {dataset.n_items} items, "
        f"{sum(len(s) for s in full)} interactions"
    )

    # 1. Settings on the validation item.
    fitted: dict[str, Any] = {}
    params: dict[str, dict[str, Any]] = {}
    seconds: dict[str, float] = {}
    started = time.monotonic()
    makers: dict[str, tuple[Callable[[dict[str, Any]], Any], list, list]] = {
        "popularity": (lambda p: PopularityRecommender(**p), [{}], [{}]),
        "item_knn": (lambda p: ItemKNNRecommender(**p), KNN_FITS, KNN_SCORING),
        "transitions": (lambda p: TransitionRecommender(**p), TRANSITION_FITS, TRANSITION_SCORING),
        "content": (lambda p: ContentRecommender(**p), [{}], CONTENT_SCORING),
    }
    for name, (make, fits, scorings) in makers.items():
        if name in wanted:
            fitted[name], params[name] = _tune(
                name, make, fits, scorings, val_data, tune_hist, tune_targets, log
            )
    log(f"tuning the counting models: {time.monotonic() - started:.0f} s")

    if "sasrec" in wanted:
        # Trained on the sequences without the test item; it stops early on the validation
        # item and never sees it as a target; it is not refitted for the test.
        started = time.monotonic()
        sasrec = SASRecRecommender(
            time_budget=time_budget,
            **(sasrec_settings or {}),
            progress=lambda r: log(
                f"sasrec epoch {r['epoch']}: loss {r['loss']:.3f}, validation "
                f"NDCG@10 {r['ndcg@10']:.4f}, {r['seconds']:.0f} s"
            ),
        )
        sasrec.fit(test_data)
        seconds["sasrec"] = time.monotonic() - started
        fitted["sasrec"] = sasrec

    blend = None
    if "served" in models:
        started = time.monotonic()
        blend = BlendRecommender(factories={})
        sources = {
            n: fitted[n] for n in ("popularity", "item_knn", "transitions", "content", "sasrec")
        }
        progress = bar(total=len(users), desc="served: ranker features") if bar else None
        blend.fit_ranker(
            sources,
            val_hist,
            val_targets,
            val_data,
            progress=progress.update if progress else None,
        )
        if progress:
            progress.close()
        seconds["served_ranker"] = time.monotonic() - started
        log(f"served: ranker {blend.training_report}")

    # 2. Refit without the test item only, and score the test item.
    counts = np.bincount(np.concatenate(test_data.sequences), minlength=dataset.n_items)
    results: dict[str, dict[str, Any]] = {}
    test_models: dict[str, Any] = {}
    for name in ("popularity", "item_knn", "transitions", "content", "sasrec"):
        if name not in wanted:
            continue
        if name == "sasrec":
            model = fitted["sasrec"]
        else:
            started = time.monotonic()
            model = makers[name][0](params[name])
            model.fit(test_data)
            seconds[name] = time.monotonic() - started
        test_models[name] = model
    for name in [n for n in MODEL_NAMES if n in models]:
        if name == "served":
            blend.use_models(test_models, test_data)
            model = blend
            train_seconds = sum(seconds.values())
        else:
            model = test_models[name]
            train_seconds = seconds[name]
        progress = bar(total=len(users), desc=f"{name}: test") if bar else None
        metrics = evaluate(
            model,
            test_hist,
            test_targets,
            counts,
            dataset.item_categories,
            progress=progress.update if progress else None,
        )
        if progress:
            progress.close()
        metrics["train_seconds"] = round(train_seconds, 2)
        metrics["p95_ms"] = round(p95_latency_ms(model, test_hist, LATENCY_REQUESTS), 2)
        results[name] = {key: metrics.get(key) for key in METRIC_KEYS}
        log(f"{name}: {results[name]}")
    return results
