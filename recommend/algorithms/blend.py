"""The served model: a learned ranker over the candidates of every other model.

Each source (co-occurrence, transitions, content, SASRec, popularity) proposes its top
``candidates`` items for a history; a LightGBM LambdaRank model orders their union with
features that any catalog has: each source's score, its rank and its gap to that source's best
item, how many sources agree, the item's popularity and trend, the history's length, and
whether the item shares the category of the last item or of the history. No feature names an
item, so the ranker carries over from one catalog to another.

Training (:meth:`BlendRecommender.fit`) holds back every visitor's last item: the sources are
fitted without it, the ranker learns to put it first among the candidates, then the sources are
refitted on everything (SASRec, the slow one, is kept as trained on the held-back data).
Items no source proposed score below every candidate, in order of popularity.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from recommend.algorithms.base import (
    Recommender,
    TrainData,
    as_history,
    read_json,
    write_json,
)
from recommend.algorithms.content import ContentRecommender
from recommend.algorithms.item_knn import ItemKNNRecommender
from recommend.algorithms.popularity import PopularityRecommender
from recommend.algorithms.sasrec import SASRecRecommender
from recommend.algorithms.transitions import TransitionRecommender

MODEL_CLASSES: dict[str, type] = {
    "popularity": PopularityRecommender,
    "item_knn": ItemKNNRecommender,
    "transitions": TransitionRecommender,
    "content": ContentRecommender,
    "sasrec": SASRecRecommender,
}
# Preference among sources that rank an item equally well (explanations).
SOURCE_ORDER = ("item_knn", "transitions", "sasrec", "content", "popularity")
NOT_PROPOSED = -1e4


def default_factories(sasrec_budget: float = 600.0) -> dict[str, Callable[[], Recommender]]:
    return {
        "popularity": PopularityRecommender,
        "item_knn": ItemKNNRecommender,
        "transitions": TransitionRecommender,
        "content": ContentRecommender,
        "sasrec": lambda: SASRecRecommender(time_budget=sasrec_budget),
    }


class BlendRecommender:
    name = "served"

    def __init__(
        self,
        factories: Mapping[str, Callable[[], Recommender]] | None = None,
        candidates: int = 50,
        trees: int = 400,
        learning_rate: float = 0.05,
        leaves: int = 31,
        keep: Sequence[str] = ("sasrec",),
        seed: int = 0,
    ) -> None:
        self.factories = dict(factories) if factories is not None else default_factories()
        self.candidates = candidates
        self.trees = trees
        self.learning_rate = learning_rate
        self.leaves = leaves
        self.keep = tuple(keep)
        self.seed = seed
        self.models: dict[str, Recommender] = {}
        self.ranker: Any = None
        self.categories: np.ndarray | None = None
        self.popularity = np.zeros(0, dtype=np.float32)
        self.n_items = 0
        self.training_report: dict[str, Any] = {}

    def params(self) -> dict[str, Any]:
        return {
            "candidates": self.candidates,
            "trees": self.trees,
            "learning_rate": self.learning_rate,
            "leaves": self.leaves,
            "keep": list(self.keep),
            "seed": self.seed,
        }

    # Training -----------------------------------------------------------------------------

    def fit(self, data: TrainData) -> None:
        held = [s[:-1] if len(s) >= 3 else s for s in data.sequences]
        users = [i for i, s in enumerate(data.sequences) if len(s) >= 3]
        inner = data.with_sequences(held)
        models = {}
        for name, factory in self.factories.items():
            models[name] = factory()
            models[name].fit(inner)
        self.fit_ranker(
            models,
            [held[i] for i in users],
            np.array([int(data.sequences[i][-1]) for i in users]),
            inner,
        )
        refitted = {}
        for name, factory in self.factories.items():
            if name in self.keep:
                refitted[name] = models[name]
            else:
                refitted[name] = factory()
                refitted[name].fit(data)
        self.use_models(refitted, data)

    def use_models(self, models: Mapping[str, Recommender], data: TrainData) -> None:
        """Serve with these fitted sources (the ranker stays)."""
        self.models = dict(models)
        self.n_items = data.n_items
        self.categories = None if data.item_categories is None else np.asarray(data.item_categories)
        counts = np.zeros(data.n_items, dtype=np.float64)
        for sequence in data.sequences:
            np.add.at(counts, np.asarray(sequence, dtype=np.int64), 1.0)
        self.popularity = np.log1p(counts).astype(np.float32)

    def fit_ranker(
        self,
        models: Mapping[str, Recommender],
        histories: Sequence[np.ndarray],
        targets: np.ndarray,
        data: TrainData,
        chunk: int = 1024,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Learn the ranker from ``models`` fitted without ``targets`` (one per history)."""
        import lightgbm

        self.use_models(models, data)
        features, labels, groups = [], [], []
        found = 0
        for start in range(0, len(histories), chunk):
            part = histories[start : start + chunk]
            for target, (items, matrix, _) in zip(
                targets[start : start + chunk], self._candidates(part), strict=True
            ):
                label = (items == target).astype(np.int32)
                if not label.any():
                    continue
                found += 1
                features.append(matrix)
                labels.append(label)
                groups.append(len(items))
            if progress is not None:
                progress(len(part))
        if not groups:
            raise ValueError("No held-back item was among the candidates: nothing to learn.")
        rng = np.random.default_rng(self.seed)
        order = rng.permutation(len(groups))
        n_valid = max(1, len(groups) // 10) if len(groups) >= 20 else 0
        valid, train = order[:n_valid], order[n_valid:]

        def stack(which: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[int]]:
            return (
                np.vstack([features[i] for i in which]),
                np.concatenate([labels[i] for i in which]),
                [groups[i] for i in which],
            )

        x, y, g = stack(train)
        ranker = lightgbm.LGBMRanker(
            objective="lambdarank",
            n_estimators=self.trees,
            learning_rate=self.learning_rate,
            num_leaves=self.leaves,
            min_child_samples=50,
            subsample=0.8,
            subsample_freq=1,
            colsample_bytree=0.8,
            lambdarank_truncation_level=20,
            random_state=self.seed,
            # Small problems on one thread: OpenMP's hand-offs cost more than the trees.
            n_jobs=1 if len(y) < 100_000 else 0,
            verbose=-1,
        )
        fit_args: dict[str, Any] = {"group": g, "eval_at": [10]}
        if n_valid:
            vx, vy, vg = stack(valid)
            fit_args.update(
                eval_X=(vx,),
                eval_y=(vy,),
                eval_group=[vg],
                callbacks=[lightgbm.early_stopping(40, verbose=False)],
            )
        ranker.fit(x, y, **fit_args)
        self.ranker = ranker.booster_
        self.training_report = {
            "histories": len(histories),
            "target_in_candidates": found / max(len(histories), 1),
            "trees": int(self.ranker.current_iteration()),
            "rows": int(len(y)),
        }

    # Features -----------------------------------------------------------------------------

    def _sources(self) -> list[str]:
        return [name for name in SOURCE_ORDER if name in self.models] + [
            name for name in self.models if name not in SOURCE_ORDER
        ]

    def feature_names(self) -> list[str]:
        names = []
        for source in self._sources():
            names += [f"{source}_score", f"{source}_rank", f"{source}_gap", f"{source}_rel"]
        for source in self._sources():
            names += list(getattr(self.models[source], "pair_feature_names", ()))
        return names + [
            "sources_proposing",
            "best_rank",
            "popularity",
            "history_length",
            "same_category_last",
            "category_share",
        ]

    def _candidates(
        self, histories: Sequence[np.ndarray]
    ) -> list[tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]]:
        """Per history: (candidate items, their feature rows, each source's rank of them)."""
        histories = [as_history(h) for h in histories]
        sources = self._sources()
        scores = {name: self.models[name].score(histories) for name in sources}
        k = self.candidates
        result = []
        for row, history in enumerate(histories):
            tops, proposed = {}, []
            for name in sources:
                values = scores[name][row]
                values[history] = -np.inf
                depth = min(k // 2 if name == "popularity" else k, self.n_items - 1)
                part = np.argpartition(-values, depth)[:depth]
                top = part[np.argsort(-values[part], kind="stable")]
                top = top[np.isfinite(values[top]) & (values[top] > -1e30)]
                tops[name] = top
                proposed.append(top)
            items = np.unique(np.concatenate(proposed))
            columns, ranks = [], {}
            for name in sources:
                values = scores[name][row]
                top = tops[name]
                rank = np.full(self.n_items, k, dtype=np.float32)
                rank[top] = np.arange(len(top), dtype=np.float32)
                ranks[name] = rank[items]
                chosen = values[items]
                best = values[top[0]] if len(top) else 0.0
                nth = values[top[-1]] if len(top) else 0.0
                columns += [
                    chosen,
                    rank[items],
                    chosen - best,
                    (chosen - nth) / (abs(best - nth) + 1e-9),
                ]
            for name in sources:
                model = self.models[name]
                if hasattr(model, "pair_features"):
                    columns += model.pair_features(history, items)
            rank_stack = np.vstack([ranks[name] for name in sources])
            columns.append((rank_stack < k).sum(axis=0).astype(np.float32))
            columns.append(rank_stack.min(axis=0))
            columns.append(self.popularity[items])
            columns.append(np.full(len(items), np.log1p(len(history)), dtype=np.float32))
            if self.categories is not None and len(history):
                cats = self.categories[items]
                known = cats >= 0
                columns.append(((cats == self.categories[history[-1]]) & known).astype(np.float32))
                history_cats = self.categories[history]
                share = (cats[:, None] == history_cats[None, :]).mean(axis=1)
                columns.append(np.where(known, share, 0.0).astype(np.float32))
            else:
                columns += [np.zeros(len(items), np.float32), np.zeros(len(items), np.float32)]
            matrix = np.nan_to_num(np.vstack(columns).T.astype(np.float32), neginf=-1e4, posinf=1e4)
            result.append((items, matrix, ranks))
        return result

    # Serving -------------------------------------------------------------------------------

    def _fallback(self) -> np.ndarray:
        top = float(self.popularity.max(initial=0.0)) or 1.0
        return (NOT_PROPOSED + self.popularity / top).astype(np.float32)

    def score_with_sources(
        self, histories: Sequence[np.ndarray]
    ) -> tuple[np.ndarray, list[dict[int, str]]]:
        """Scores, and per history the source that ranked each proposed item best."""
        sources = self._sources()
        result = np.tile(self._fallback(), (len(histories), 1))
        explained: list[dict[int, str]] = []
        proposals = self._candidates(histories)
        if not proposals:
            return result, explained
        rows = np.vstack([m for _, m, _ in proposals])
        # One request: a single thread (hand-offs between threads cost more than they save).
        predicted = self.ranker.predict(rows, num_threads=1 if len(proposals) == 1 else 0)
        offset = 0
        for row, (items, _, ranks) in enumerate(proposals):
            result[row, items] = predicted[offset : offset + len(items)]
            offset += len(items)
            rank_stack = np.vstack([ranks[name] for name in sources])
            best = rank_stack.argmin(axis=0)
            explained.append({int(i): sources[b] for i, b in zip(items, best, strict=True)})
        return result, explained

    def score(self, histories: Sequence[np.ndarray]) -> np.ndarray:
        return self.score_with_sources(histories)[0]

    def item_neighbours(self, item: int, k: int) -> list[tuple[int, float]]:
        """Co-occurrence neighbours when there is that source, else content ones."""
        for name in ("item_knn", "content", "transitions", "popularity"):
            model = self.models.get(name)
            if model is not None and hasattr(model, "item_neighbours"):
                return model.item_neighbours(item, k)
        return []

    # Storage -------------------------------------------------------------------------------

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name, model in self.models.items():
            model.save(folder / name)
        self.ranker.save_model(str(folder / "ranker.txt"))
        arrays = {"popularity": self.popularity}
        if self.categories is not None:
            arrays["categories"] = self.categories
        np.savez(folder / "blend.npz", **arrays)
        write_json(
            folder / "blend.json",
            {
                **self.params(),
                "models": list(self.models),
                "n_items": self.n_items,
                "report": self.training_report,
            },
        )

    @classmethod
    def load(cls, folder: Path) -> BlendRecommender:
        import lightgbm

        payload = read_json(folder / "blend.json")
        names = payload.pop("models")
        n_items = payload.pop("n_items")
        report = payload.pop("report", {})
        blend = cls(factories={name: MODEL_CLASSES[name] for name in names}, **payload)
        blend.models = {name: MODEL_CLASSES[name].load(folder / name) for name in names}
        blend.ranker = lightgbm.Booster(model_file=str(folder / "ranker.txt"))
        blend.n_items = n_items
        blend.training_report = report
        with np.load(folder / "blend.npz") as arrays:
            blend.popularity = arrays["popularity"]
            blend.categories = arrays["categories"] if "categories" in arrays else None
        return blend
