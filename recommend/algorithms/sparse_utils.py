"""Sparse item × item matrices shared by the co-occurrence and transition models."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

from recommend.algorithms.base import as_history, recency_weights


def prune_rows(matrix: sparse.csr_matrix, keep: int) -> sparse.csr_matrix:
    """Keep the ``keep`` largest entries of every row."""
    matrix = sparse.csr_matrix(matrix)
    matrix.sum_duplicates()
    indptr, indices, data = matrix.indptr, matrix.indices, matrix.data
    counts = np.diff(indptr)
    if counts.max(initial=0) <= keep:
        matrix.sort_indices()
        return matrix
    mask = np.ones(len(data), dtype=bool)
    for row in np.flatnonzero(counts > keep):
        start, end = indptr[row], indptr[row + 1]
        drop = np.argpartition(-data[start:end], keep)[keep:]
        mask[start + drop] = False
    rows = np.repeat(np.arange(matrix.shape[0]), counts)[mask]
    pruned = sparse.csr_matrix(
        (data[mask], (rows, indices[mask])), shape=matrix.shape, dtype=np.float32
    )
    pruned.sort_indices()
    return pruned


def history_matrix(
    histories: Sequence[np.ndarray], n_items: int, last: int, decay: float
) -> sparse.csr_matrix:
    """Histories as rows: the last ``last`` items, weighted ``decay ** steps_back``."""
    rows, cols, vals = [], [], []
    for row, history in enumerate(histories):
        recent = as_history(history)[-last:] if last > 0 else as_history(history)
        if not len(recent):
            continue
        rows.append(np.full(len(recent), row))
        cols.append(recent)
        vals.append(recency_weights(len(recent), decay))
    if not rows:
        return sparse.csr_matrix((len(histories), n_items), dtype=np.float32)
    return sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(len(histories), n_items),
        dtype=np.float32,
    )


def neighbours(matrix: sparse.csr_matrix, item: int, k: int) -> list[tuple[int, float]]:
    start, end = matrix.indptr[item], matrix.indptr[item + 1]
    cols, vals = matrix.indices[start:end], matrix.data[start:end]
    order = np.lexsort((cols, -vals))[:k]
    return [(int(cols[i]), float(vals[i])) for i in order if cols[i] != item]


def save_matrix(path: Path, matrix: sparse.csr_matrix) -> None:
    sparse.save_npz(path, sparse.csr_matrix(matrix), compressed=False)


def load_matrix(path: Path) -> sparse.csr_matrix:
    return sparse.csr_matrix(sparse.load_npz(path), dtype=np.float32)
