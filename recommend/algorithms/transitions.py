"""Sequential transitions: what visitors chose right after this item, or after these two.

First order: ``P(next = j | last = i)``; skip: ``P(j two steps after i)`` from the item before
the last; second order: ``P(j | the last two items)`` where that pair was seen. Each is a count
divided by how often the source occurred, with the target's popularity held back by
``beta``. The score is ``first + skip_weight * skip + second_weight * second``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

from recommend.algorithms.base import TrainData, as_history, flatten, read_json, write_json
from recommend.algorithms.sparse_utils import load_matrix, neighbours, prune_rows, save_matrix


def _directed(
    items: np.ndarray, users: np.ndarray, n: int, d: int
) -> tuple[np.ndarray, np.ndarray]:
    same = np.flatnonzero(users[:-d] == users[d:]) if len(items) > d else np.zeros(0, int)
    return items[same], items[same + d]


def _conditional(
    sources: np.ndarray, targets: np.ndarray, n_rows: int, n: int, beta: float, pop: np.ndarray
) -> sparse.csr_matrix:
    counts = sparse.csr_matrix(
        (np.ones(len(sources), dtype=np.float32), (sources, targets)), shape=(n_rows, n)
    )
    counts.sum_duplicates()
    totals = np.asarray(counts.sum(axis=1)).ravel()
    totals[totals == 0] = 1.0
    penalty = np.maximum(pop, 1.0) ** -beta
    return sparse.csr_matrix(
        sparse.diags(1.0 / (totals + 1.0)) @ counts @ sparse.diags(penalty), dtype=np.float32
    )


class TransitionRecommender:
    name = "transitions"

    def __init__(
        self,
        skip_weight: float = 0.3,
        second_weight: float = 1.0,
        beta: float = 0.2,
        max_neighbours: int = 200,
    ) -> None:
        self.skip_weight = skip_weight
        self.second_weight = second_weight
        self.beta = beta
        self.max_neighbours = max_neighbours
        self.first = sparse.csr_matrix((0, 0), dtype=np.float32)
        self.skip = sparse.csr_matrix((0, 0), dtype=np.float32)
        self.second = sparse.csr_matrix((0, 0), dtype=np.float32)
        self.pair_codes = np.zeros(0, dtype=np.int64)
        self.n_items = 0

    def params(self) -> dict[str, float]:
        return {
            "skip_weight": self.skip_weight,
            "second_weight": self.second_weight,
            "beta": self.beta,
            "max_neighbours": self.max_neighbours,
        }

    def fit(self, data: TrainData) -> None:
        items, users, _ = flatten(data.sequences)
        n = self.n_items = data.n_items
        pop = np.bincount(items, minlength=n).astype(np.float32)
        a, b = _directed(items, users, n, 1)
        self.first = prune_rows(_conditional(a, b, n, n, self.beta, pop), self.max_neighbours)
        a, b = _directed(items, users, n, 2)
        self.skip = prune_rows(_conditional(a, b, n, n, self.beta, pop), self.max_neighbours)
        # Second order: the pair (i, j) at t-2, t-1 → item at t.
        same = np.flatnonzero(users[:-2] == users[2:]) if len(items) > 2 else np.zeros(0, int)
        codes = items[same] * n + items[same + 1]
        self.pair_codes, rows = np.unique(codes, return_inverse=True)
        self.second = prune_rows(
            _conditional(rows, items[same + 2], len(self.pair_codes), n, self.beta, pop),
            self.max_neighbours,
        )

    def _pair_row(self, first: int, second: int) -> int:
        code = first * self.n_items + second
        at = int(np.searchsorted(self.pair_codes, code))
        if at < len(self.pair_codes) and self.pair_codes[at] == code:
            return at
        return -1

    def score(self, histories: Sequence[np.ndarray]) -> np.ndarray:
        n = self.n_items
        rows_first, rows_skip, rows_second, hist_rows = [], [], [], []
        for row, history in enumerate(histories):
            history = as_history(history)
            if not len(history):
                continue
            rows_first.append((row, int(history[-1])))
            if len(history) >= 2:
                rows_skip.append((row, int(history[-2])))
                pair = self._pair_row(int(history[-2]), int(history[-1]))
                if pair >= 0:
                    rows_second.append((row, pair))
            hist_rows.append(row)
        result = np.zeros((len(histories), n), dtype=np.float32)
        for pairs, matrix, weight in (
            (rows_first, self.first, 1.0),
            (rows_skip, self.skip, self.skip_weight),
            (rows_second, self.second, self.second_weight),
        ):
            if not pairs or weight == 0:
                continue
            target = np.array([p[0] for p in pairs])
            source = np.array([p[1] for p in pairs])
            result[target] += weight * matrix[source].toarray()
        return result

    pair_feature_names = ("next_first", "next_skip", "next_second")

    def pair_features(self, history: np.ndarray, items: np.ndarray) -> list[np.ndarray]:
        """Each transition table's own score of the candidates."""
        zeros = np.zeros(len(items), np.float32)
        if not len(history):
            return [zeros, zeros, zeros]
        first = self.first[int(history[-1])][:, items].toarray()[0]
        if len(history) < 2:
            return [first, zeros, zeros]
        skip = self.skip[int(history[-2])][:, items].toarray()[0]
        pair = self._pair_row(int(history[-2]), int(history[-1]))
        second = self.second[pair][:, items].toarray()[0] if pair >= 0 else zeros
        return [first, skip, second]

    def item_neighbours(self, item: int, k: int) -> list[tuple[int, float]]:
        """What visitors chose next after this item."""
        return neighbours(self.first, item, k)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        save_matrix(folder / "transitions_first.npz", self.first)
        save_matrix(folder / "transitions_skip.npz", self.skip)
        save_matrix(folder / "transitions_second.npz", self.second)
        np.save(folder / "transitions_pairs.npy", self.pair_codes)
        write_json(folder / "transitions.json", {**self.params(), "n_items": self.n_items})

    @classmethod
    def load(cls, folder: Path) -> TransitionRecommender:
        params = read_json(folder / "transitions.json")
        n_items = params.pop("n_items")
        model = cls(**params)
        model.n_items = n_items
        model.first = load_matrix(folder / "transitions_first.npz")
        model.skip = load_matrix(folder / "transitions_skip.npz")
        model.second = load_matrix(folder / "transitions_second.npz")
        model.pair_codes = np.load(folder / "transitions_pairs.npy")
        return model
