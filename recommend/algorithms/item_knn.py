"""Item-to-item co-occurrence: "visitors who chose this also chose…".

Two items co-occur when they are at most ``window`` steps apart in one visitor's sequence; a
pair ``d`` steps apart counts ``d ** -distance_decay`` (times the events' strengths when given).
The similarity divides the count by ``n_i ** alpha * n_j ** beta`` (n = the item's events), so
``beta`` sets how much popular items are held back. A history scores items by the similarity to
its last ``last`` items, the newest weighted 1 and each older one ``recency`` times less.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

from recommend.algorithms.base import TrainData, event_weights, flatten, read_json, write_json
from recommend.algorithms.sparse_utils import (
    history_matrix,
    load_matrix,
    neighbours,
    prune_rows,
    save_matrix,
)


def pair_counts(
    data: TrainData, window: int, distance_decay: float, directed: bool
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """(pair counts, per-item event counts); directed counts only earlier → later."""
    items, users, _ = flatten(data.sequences)
    strength = event_weights(data)
    n = data.n_items
    rows, cols, vals = [], [], []
    for d in range(1, window + 1):
        same = np.flatnonzero(users[:-d] == users[d:]) if len(items) > d else np.zeros(0, int)
        if not len(same):
            break
        weight = np.full(len(same), d ** -float(distance_decay), dtype=np.float32)
        if strength is not None:
            weight = weight * np.sqrt(strength[same] * strength[same + d])
        rows.append(items[same])
        cols.append(items[same + d])
        vals.append(weight)
    if rows:
        r, c, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    else:
        r = c = np.zeros(0, dtype=np.int64)
        v = np.zeros(0, dtype=np.float32)
    counts = sparse.csr_matrix((v, (r, c)), shape=(n, n), dtype=np.float32)
    if not directed:
        counts = counts + counts.T
    counts = sparse.csr_matrix(counts)
    counts.setdiag(0)
    counts.eliminate_zeros()
    occurrences = np.bincount(items, minlength=n).astype(np.float32)
    return counts, occurrences


def normalise(
    counts: sparse.csr_matrix, occurrences: np.ndarray, alpha: float, beta: float
) -> sparse.csr_matrix:
    safe = np.maximum(occurrences, 1.0)
    return sparse.csr_matrix(
        sparse.diags(safe**-alpha) @ counts @ sparse.diags(safe**-beta), dtype=np.float32
    )


class ItemKNNRecommender:
    name = "item_knn"

    def __init__(
        self,
        window: int = 3,
        distance_decay: float = 1.0,
        alpha: float = 0.5,
        beta: float = 0.5,
        last: int = 3,
        recency: float = 0.6,
        max_neighbours: int = 200,
    ) -> None:
        self.window = window
        self.distance_decay = distance_decay
        self.alpha = alpha
        self.beta = beta
        self.last = last
        self.recency = recency
        self.max_neighbours = max_neighbours
        self.similarity = sparse.csr_matrix((0, 0), dtype=np.float32)
        self.occurrences = np.zeros(0, dtype=np.float32)

    def params(self) -> dict[str, float]:
        return {
            "window": self.window,
            "distance_decay": self.distance_decay,
            "alpha": self.alpha,
            "beta": self.beta,
            "last": self.last,
            "recency": self.recency,
            "max_neighbours": self.max_neighbours,
        }

    def fit(self, data: TrainData) -> None:
        counts, self.occurrences = pair_counts(
            data, self.window, self.distance_decay, directed=False
        )
        self.similarity = prune_rows(
            normalise(counts, self.occurrences, self.alpha, self.beta), self.max_neighbours
        )

    def score(self, histories: Sequence[np.ndarray]) -> np.ndarray:
        n = self.similarity.shape[0]
        weights = history_matrix(histories, n, self.last, self.recency)
        return np.asarray((weights @ self.similarity).toarray(), dtype=np.float32)

    pair_feature_names = ("sim_last1", "sim_last2", "sim_last3", "sim_max10", "sim_sum10")

    def pair_features(self, history: np.ndarray, items: np.ndarray) -> list[np.ndarray]:
        """The candidates' similarity to each of the last three items, and to the last ten."""
        recent = history[-10:][::-1]
        rows = self.similarity[recent][:, items].toarray() if len(recent) else None
        columns = []
        for back in range(3):
            have = rows is not None and back < len(recent)
            columns.append(rows[back] if have else np.zeros(len(items), np.float32))
        if rows is None:
            return columns + [np.zeros(len(items), np.float32)] * 2
        return columns + [rows.max(axis=0), rows.sum(axis=0)]

    def item_neighbours(self, item: int, k: int) -> list[tuple[int, float]]:
        """Items most often chosen near this one (also "frequently bought together")."""
        return neighbours(self.similarity, item, k)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        save_matrix(folder / "item_knn.npz", self.similarity)
        np.save(folder / "item_knn_occurrences.npy", self.occurrences)
        write_json(folder / "item_knn.json", self.params())

    @classmethod
    def load(cls, folder: Path) -> ItemKNNRecommender:
        model = cls(**read_json(folder / "item_knn.json"))
        model.similarity = load_matrix(folder / "item_knn.npz")
        model.occurrences = np.load(folder / "item_knn_occurrences.npy")
        return model
