"""Leave-one-out ranking metrics: one definition for eval_recommender and for the shop's
training, which decides whether a new version is activated."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

K = 10


def target_ranks(scores: np.ndarray, histories: Sequence[np.ndarray], targets: np.ndarray):
    """0-based rank of each target among all items, its history excluded (ties count against)."""
    scores = scores.copy()
    for row, history in enumerate(histories):
        scores[row, history] = -np.inf
    target_scores = scores[np.arange(len(targets)), targets]
    ranks = (scores > target_scores[:, None]).sum(axis=1)
    # Ties with the target rank it after them (a constant model does not hit by luck).
    ties = (scores == target_scores[:, None]).sum(axis=1) - 1
    return ranks + ties, scores


def hit_rate(ranks: np.ndarray, k: int = K) -> float:
    return float(np.mean(ranks < k)) if len(ranks) else 0.0


def ndcg(ranks: np.ndarray, k: int = K) -> float:
    if not len(ranks):
        return 0.0
    return float(np.mean(np.where(ranks < k, 1.0 / np.log2(ranks + 2.0), 0.0)))
