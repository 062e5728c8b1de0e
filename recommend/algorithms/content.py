"""Content similarity: items like the ones in the history, by their vectors.

In the shop the vectors are the e5 product embeddings (both languages in one space, so the
similarity is cross-lingual by construction, and a product nobody has viewed yet is reachable:
cold start). Without vectors, the items' attributes (TF-IDF, sparse) stand in. A history's
profile is the recency-weighted sum of its last ``last`` items' vectors; an item's score is its
cosine with that profile, plus ``pop_weight * log(1 + events)`` to order ties among lookalikes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

from recommend.algorithms.base import (
    TrainData,
    as_history,
    attribute_matrix,
    flatten,
    read_json,
    recency_weights,
    write_json,
)


class ContentRecommender:
    name = "content"

    def __init__(self, last: int = 3, recency: float = 0.5, pop_weight: float = 0.02) -> None:
        self.last = last
        self.recency = recency
        self.pop_weight = pop_weight
        self.vectors: np.ndarray | sparse.csr_matrix = np.zeros((0, 1), dtype=np.float32)
        self.prior = np.zeros(0, dtype=np.float32)

    def params(self) -> dict[str, float]:
        return {"last": self.last, "recency": self.recency, "pop_weight": self.pop_weight}

    def fit(self, data: TrainData) -> None:
        if data.item_vectors is not None:
            self.vectors = np.ascontiguousarray(data.item_vectors, dtype=np.float32)
        elif data.item_attributes is not None:
            self.vectors = attribute_matrix(data.item_attributes, data.n_items)
        else:
            self.vectors = sparse.csr_matrix((data.n_items, 1), dtype=np.float32)
        items, _, _ = flatten(data.sequences)
        self.prior = np.log1p(np.bincount(items, minlength=data.n_items)).astype(np.float32)

    def _profiles(self, histories: Sequence[np.ndarray]):
        n = self.vectors.shape[0]
        rows, cols, vals = [], [], []
        for row, history in enumerate(histories):
            recent = as_history(history)[-self.last :]
            rows.extend([row] * len(recent))
            cols.extend(recent.tolist())
            vals.extend(recency_weights(len(recent), self.recency).tolist())
        weights = sparse.csr_matrix(
            (np.asarray(vals, dtype=np.float32), (rows, cols)), shape=(len(histories), n)
        )
        return weights @ self.vectors

    def score(self, histories: Sequence[np.ndarray]) -> np.ndarray:
        profiles = self._profiles(histories)
        if sparse.issparse(self.vectors):
            scores = (sparse.csr_matrix(profiles) @ self.vectors.T).toarray()
        else:
            scores = np.asarray(profiles) @ self.vectors.T
        scores = np.asarray(scores, dtype=np.float32)
        return scores + self.pop_weight * self.prior[None, :]

    pair_feature_names = ("cosine_last", "cosine_max5")

    def pair_features(self, history: np.ndarray, items: np.ndarray) -> list[np.ndarray]:
        """Cosine of the candidates with the last item, and the best with the last five."""
        recent = history[-5:]
        if not len(recent):
            zeros = np.zeros(len(items), np.float32)
            return [zeros, zeros]
        products = self.vectors[recent] @ self.vectors[items].T
        products = products.toarray() if hasattr(products, "toarray") else np.asarray(products)
        return [products[-1], products.max(axis=0)]

    def item_neighbours(self, item: int, k: int) -> list[tuple[int, float]]:
        """The items whose vectors are closest to this one's ("Similar to …")."""
        scores = self.score([np.array([item])])[0]
        scores[item] = -np.inf
        order = np.lexsort((np.arange(len(scores)), -scores))[:k]
        return [(int(i), float(scores[i])) for i in order]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if sparse.issparse(self.vectors):
            sparse.save_npz(folder / "content_vectors.npz", sparse.csr_matrix(self.vectors))
        else:
            np.save(folder / "content_vectors.npy", self.vectors)
        np.save(folder / "content_prior.npy", self.prior)
        write_json(folder / "content.json", self.params())

    @classmethod
    def load(cls, folder: Path) -> ContentRecommender:
        model = cls(**read_json(folder / "content.json"))
        if (folder / "content_vectors.npz").exists():
            model.vectors = sparse.csr_matrix(
                sparse.load_npz(folder / "content_vectors.npz"), dtype=np.float32
            )
        else:
            model.vectors = np.load(folder / "content_vectors.npy")
        model.prior = np.load(folder / "content_prior.npy")
        return model
