"""What every recommender algorithm takes and gives: the training data and the protocol.

Items are integer indices ``0 .. n_items - 1``; the shop maps its product ids to them and back.
A history is a 1-d int array of item indices in time order (oldest first). Scores are float32,
higher is better; the caller excludes what it must (items already in the history, out-of-stock
products) after scoring. Nothing here imports Django or torch.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
from scipy import sparse


@dataclass
class TrainData:
    """Interaction sequences and what is known about the items."""

    sequences: list[np.ndarray]
    n_items: int
    item_categories: np.ndarray | None = None
    item_attributes: list[list[int]] | None = None
    item_vectors: np.ndarray | None = None
    timestamps: list[np.ndarray] | None = None
    weights: list[np.ndarray] | None = None

    def with_sequences(self, sequences: list[np.ndarray]) -> TrainData:
        """The same items with other sequences (time stamps and weights cut to match)."""

        def cut(per_user: list[np.ndarray] | None) -> list[np.ndarray] | None:
            if per_user is None:
                return None
            return [values[: len(seq)] for values, seq in zip(per_user, sequences, strict=True)]

        return TrainData(
            sequences=sequences,
            n_items=self.n_items,
            item_categories=self.item_categories,
            item_attributes=self.item_attributes,
            item_vectors=self.item_vectors,
            timestamps=cut(self.timestamps),
            weights=cut(self.weights),
        )


@runtime_checkable
class Recommender(Protocol):
    """A trained model that scores every item for a visitor's history."""

    name: str

    def fit(self, data: TrainData) -> None: ...

    def score(self, histories: Sequence[np.ndarray]) -> np.ndarray: ...

    def save(self, folder: Path) -> None: ...

    @classmethod
    def load(cls, folder: Path) -> Recommender: ...


def top_k(scores: np.ndarray, k: int, exclude: np.ndarray | None = None) -> np.ndarray:
    """Indices of the k highest scores, best first, skipping ``exclude`` (one history)."""
    scores = np.asarray(scores, dtype=np.float32)
    if exclude is not None and len(exclude):
        scores = scores.copy()
        scores[np.asarray(exclude, dtype=np.int64)] = -np.inf
    k = min(k, len(scores))
    part = np.argpartition(-scores, k - 1)[:k]
    order = np.lexsort((part, -scores[part]))
    return part[order]


def recency_weights(length: int, decay: float) -> np.ndarray:
    """Weights for the last ``length`` items of a history, oldest first, the last one 1."""
    return (decay ** np.arange(length - 1, -1, -1)).astype(np.float32)


def flatten(sequences: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(items, user of each event, position of each event in its sequence), all concatenated."""
    lengths = np.fromiter((len(s) for s in sequences), dtype=np.int64, count=len(sequences))
    if lengths.sum() == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    items = np.concatenate([np.asarray(s, dtype=np.int64) for s in sequences])
    users = np.repeat(np.arange(len(sequences)), lengths)
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    positions = np.arange(len(items)) - starts
    return items, users, positions


def event_weights(data: TrainData) -> np.ndarray | None:
    """Per-event strengths concatenated like :func:`flatten`'s items, or None."""
    if data.weights is None:
        return None
    return np.concatenate([np.asarray(w, dtype=np.float32) for w in data.weights])


def attribute_matrix(item_attributes: list[list[int]], n_items: int) -> sparse.csr_matrix:
    """Items × attributes, TF-IDF weighted, rows L2-normalised (empty rows stay empty)."""
    rows, cols = [], []
    for item, attrs in enumerate(item_attributes[:n_items]):
        for attr in set(attrs):
            rows.append(item)
            cols.append(attr)
    n_attrs = (max(cols) + 1) if cols else 1
    matrix = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n_items, n_attrs)
    )
    df = np.asarray((matrix > 0).sum(axis=0)).ravel()
    idf = np.log((1 + n_items) / (1 + df)).astype(np.float32)
    matrix = matrix @ sparse.diags(idf)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix, dtype=np.float32)


def attribute_vectors(item_attributes: list[list[int]], n_items: int, dim: int = 64) -> np.ndarray:
    """Dense L2-normalised item vectors from attributes (TF-IDF, truncated SVD to ``dim``)."""
    from scipy.sparse.linalg import svds

    matrix = attribute_matrix(item_attributes, n_items)
    dim = max(1, min(dim, min(matrix.shape) - 1))
    u, s, _ = svds(matrix.astype(np.float64), k=dim, random_state=0)
    vectors = (u * s).astype(np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


def categories_from_attributes(item_attributes: list[list[int]], n_items: int) -> np.ndarray:
    """One category per item: its most widely shared attribute that is not near-universal.

    Attribute files mix brands and category paths without saying which is which; the broadest
    attribute that fewer than half of the items carry is a top-level category on any such
    file (a brand is rarely that broad). Items without attributes get -1.
    """
    counts: dict[int, int] = {}
    for attrs in item_attributes[:n_items]:
        for attr in set(attrs):
            counts[attr] = counts.get(attr, 0) + 1
    limit = 0.5 * n_items
    result = np.full(n_items, -1, dtype=np.int64)
    for item, attrs in enumerate(item_attributes[:n_items]):
        usable = [a for a in set(attrs) if counts[a] < limit]
        if usable:
            result[item] = max(usable, key=lambda a: (counts[a], -a))
    return result


def write_json(path: Path, payload: dict[str, Any]) -> None:
    path.write_text(json.dumps(payload, indent=1, sort_keys=True), encoding="utf-8")


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def as_history(history: np.ndarray | Sequence[int]) -> np.ndarray:
    return np.asarray(history, dtype=np.int64).ravel()
