"""Popularity and trending: what many visitors chose lately, overall and per category.

With time stamps each event counts ``0.5 ** (age / half_life)``; without them the latest
events of the log (by position in each visitor's sequence, newest last) count for more in the
"trending" figure only. The score is the same for every history: the fallback for a visitor
nobody knows yet, and a feature of the blend.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from recommend.algorithms.base import TrainData, event_weights, flatten, read_json, write_json


class PopularityRecommender:
    name = "popularity"

    def __init__(self, half_life_days: float = 14.0) -> None:
        self.half_life_days = half_life_days
        self.counts = np.zeros(0, dtype=np.float32)
        self.trend = np.zeros(0, dtype=np.float32)
        self.categories: np.ndarray | None = None

    def fit(self, data: TrainData) -> None:
        items, users, positions = flatten(data.sequences)
        strength = event_weights(data)
        base = np.ones(len(items), dtype=np.float64) if strength is None else strength
        self.counts = np.bincount(items, weights=base, minlength=data.n_items).astype(np.float32)
        if data.timestamps is not None and len(items):
            stamps = np.concatenate([np.asarray(t, dtype=np.float64) for t in data.timestamps])
            age_days = (stamps.max() - stamps) / 86400.0
            decay = 0.5 ** (age_days / self.half_life_days)
        else:
            # No clock: an event's "age" is how far from the end of its visitor's sequence it is.
            lengths = np.bincount(users, minlength=len(data.sequences))
            from_end = lengths[users] - 1 - positions
            decay = 0.5 ** (from_end / 3.0)
        self.trend = np.bincount(items, weights=base * decay, minlength=data.n_items).astype(
            np.float32
        )
        self.categories = None if data.item_categories is None else np.asarray(data.item_categories)

    def score(self, histories: Sequence[np.ndarray]) -> np.ndarray:
        row = np.log1p(self.trend) + 1e-3 * np.log1p(self.counts)
        return np.tile(row.astype(np.float32), (len(histories), 1))

    def trending(self, category: int | None = None, k: int = 10) -> list[tuple[int, float]]:
        """The k items trending most, within one category when given."""
        trend = self.trend.astype(np.float64)
        if category is not None and self.categories is not None:
            trend = np.where(self.categories == category, trend, -np.inf)
        order = np.argsort(-trend, kind="stable")[:k]
        return [(int(i), float(trend[i])) for i in order if np.isfinite(trend[i]) and trend[i] > 0]

    def item_neighbours(self, item: int, k: int) -> list[tuple[int, float]]:
        """Trending items of the item's own category (no pairwise signal here)."""
        category = None if self.categories is None else int(self.categories[item])
        return [(i, s) for i, s in self.trending(category, k + 1) if i != item][:k]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        arrays = {"counts": self.counts, "trend": self.trend}
        if self.categories is not None:
            arrays["categories"] = self.categories
        np.savez(folder / "popularity.npz", **arrays)
        write_json(folder / "popularity.json", {"half_life_days": self.half_life_days})

    @classmethod
    def load(cls, folder: Path) -> PopularityRecommender:
        model = cls(**read_json(folder / "popularity.json"))
        with np.load(folder / "popularity.npz") as arrays:
            model.counts = arrays["counts"]
            model.trend = arrays["trend"]
            model.categories = arrays["categories"] if "categories" in arrays else None
        return model
