"""Classifier heads trained on embeddings: a logistic regression over an embedder's vectors.

No classifier model ships with its weights (see MODELS.md); a linear head on the e5 encoder is
the cheap substitute. Train it with ``train_logistic_head``, save it as .npz, serve it with
``EmbeddingClassifier``::

    head = train_logistic_head(llm["embed"].encode(texts, kind="query"), y, labels)
    head.save(path)
    EmbeddingClassifier("embed", path).predict(["fast delivery, great quality"])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from llm_services.backends.base import Embedder
from llm_services.exceptions import LLMBadRequest, LLMUnavailable
from llm_services.types import EmbeddingKind


@runtime_checkable
class Classifier(Protocol):
    """Maps texts to one of ``labels``."""

    @property
    def labels(self) -> tuple[str, ...]: ...

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities of shape (len(texts), len(labels)); each row sums to 1."""
        ...

    def predict(self, texts: Sequence[str]) -> list[str]:
        """The most probable label of each text."""
        ...


@dataclass(frozen=True)
class LogisticHead:
    """A softmax layer: ``softmax(X @ weights.T + bias)``, columns in ``labels`` order.

    ``embed_model_id`` / ``embed_revision`` record which embedder produced the training vectors;
    vectors from another model mean nothing to the head.
    """

    weights: np.ndarray  # (n_labels, dim)
    bias: np.ndarray  # (n_labels,)
    labels: tuple[str, ...]
    embed_model_id: str = ""
    embed_revision: str = ""
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def dim(self) -> int:
        return int(self.weights.shape[1])

    def predict_proba(self, vectors: np.ndarray) -> np.ndarray:
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise LLMBadRequest(f"Expected vectors of shape (n, {self.dim}), got {vectors.shape}.")
        logits = vectors @ self.weights.T + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return (exp / exp.sum(axis=1, keepdims=True)).astype(np.float32)

    def arrays(self) -> dict[str, np.ndarray]:
        """The head as named arrays (weights, bias, labels, embedder id and revision)."""
        return {
            "weights": self.weights.astype(np.float32),
            "bias": self.bias.astype(np.float32),
            "labels": np.array(self.labels, dtype=str),
            "embed_model_id": np.array(self.embed_model_id),
            "embed_revision": np.array(self.embed_revision),
        }

    def save(self, path: str | Path) -> None:
        """Write the head to ``path`` (.npz of :meth:`arrays`)."""
        with Path(path).open("wb") as handle:
            np.savez(handle, **self.arrays())

    @classmethod
    def load(cls, path: str | Path) -> LogisticHead:
        """Read a head written by ``save``.

        Raises:
            LLMUnavailable: the file is missing or not a head.
        """
        try:
            with np.load(Path(path), allow_pickle=False) as data:
                return cls(
                    weights=data["weights"].astype(np.float32),
                    bias=data["bias"].astype(np.float32),
                    labels=tuple(str(label) for label in data["labels"]),
                    embed_model_id=str(data["embed_model_id"]),
                    embed_revision=str(data["embed_revision"]),
                )
        except (OSError, KeyError, ValueError) as exc:
            raise LLMUnavailable(f"Cannot read classifier head {path}: {exc}") from exc


def train_logistic_head(
    vectors: np.ndarray,
    y: Sequence[str] | Sequence[int],
    labels: Sequence[str],
    *,
    c: float = 1.0,
    max_iter: int = 1000,
    standardize: bool = False,
    embed_model_id: str = "",
    embed_revision: str = "",
) -> LogisticHead:
    """Fit a (multinomial) logistic regression on embeddings with scikit-learn.

    Args:
        vectors: training embeddings, shape (n, dim).
        y: the label of each row, as a label string or an index into ``labels``.
        labels: every label, in the column order of ``predict_proba``; each must occur in ``y``.
        c: inverse regularisation strength (scikit-learn's ``C``).
        standardize: fit on features scaled to zero mean and unit variance (the scaling is
            folded into the stored weights, so the head still takes raw vectors).
        embed_model_id, embed_revision: the embedder that produced ``vectors``.

    Raises:
        LLMBadRequest: a label in ``y`` is not in ``labels``, or a label has no example.
    """
    from sklearn.linear_model import LogisticRegression

    labels = tuple(labels)
    index = {label: i for i, label in enumerate(labels)}
    try:
        targets = np.array(
            [int(value) if isinstance(value, int | np.integer) else index[value] for value in y]
        )
    except KeyError as exc:
        raise LLMBadRequest(f"Label {exc.args[0]!r} is not one of {labels}.") from exc
    missing = [label for i, label in enumerate(labels) if not np.any(targets == i)]
    if missing or len(labels) < 2:
        raise LLMBadRequest(f"Every label needs training examples (missing: {missing}).")
    vectors = np.asarray(vectors, dtype=np.float32)
    mean = np.zeros(vectors.shape[1], dtype=np.float32)
    scale = np.ones(vectors.shape[1], dtype=np.float32)
    if standardize:
        mean = vectors.mean(axis=0)
        scale = np.maximum(vectors.std(axis=0), 1e-6)
    model = LogisticRegression(C=c, max_iter=max_iter)
    model.fit((vectors - mean) / scale, targets)
    # softmax(((x - mean) / scale) @ W.T + b) == softmax(x @ (W / scale).T + b - W @ (mean / scale))
    coef = (model.coef_ / scale).astype(np.float32)
    intercept = (model.intercept_ - model.coef_ @ (mean / scale)).astype(np.float32)
    if len(labels) == 2:
        # scikit-learn keeps one row for two classes (sigmoid); softmax over [-z/2, z/2]
        # gives the same probabilities.
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2], dtype=np.float32)
    return LogisticHead(
        weights=coef,
        bias=intercept,
        labels=labels,
        embed_model_id=embed_model_id,
        embed_revision=embed_revision,
    )


class EmbeddingClassifier:
    """A head over an embedding alias: texts in, labels out.

    Args:
        embed_alias: the LLM_MODELS alias whose embeddings the head was trained on.
        head: a LogisticHead or the path of one saved with ``LogisticHead.save``.
        kind: how texts are embedded ("query" by default: e5 recommends it for classification).

    Raises (on first prediction):
        LLMUnavailable: the head was trained on another embedder or revision than the alias
            serves, or on vectors of another size.
    """

    def __init__(
        self, embed_alias: str, head: LogisticHead | str | Path, *, kind: EmbeddingKind = "query"
    ) -> None:
        self.embed_alias = embed_alias
        self.head = head if isinstance(head, LogisticHead) else LogisticHead.load(head)
        self.kind: EmbeddingKind = kind

    @property
    def labels(self) -> tuple[str, ...]:
        return self.head.labels

    def _embedder(self) -> Embedder:
        from llm_services import llm

        embedder = llm[self.embed_alias]
        head = self.head
        if embedder.dim != head.dim:
            raise LLMUnavailable(
                f"Head expects {head.dim}-dim vectors; alias {self.embed_alias!r} gives "
                f"{embedder.dim}. Retrain the head."
            )
        trained_on = (head.embed_model_id, head.embed_revision)
        if all(trained_on) and trained_on != (embedder.model_id, embedder.revision):
            raise LLMUnavailable(
                f"Head was trained on {head.embed_model_id}@{head.embed_revision}; alias "
                f"{self.embed_alias!r} serves {embedder.model_id}@{embedder.revision}. "
                "Retrain the head."
            )
        return embedder

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        vectors = self._embedder().encode(texts, kind=self.kind)
        return self.head.predict_proba(vectors)

    def predict(self, texts: Sequence[str]) -> list[str]:
        probabilities = self.predict_proba(texts)
        return [self.labels[i] for i in probabilities.argmax(axis=1)]


class ActiveHead:
    """The head of an alias's active version, loaded once per version (thread-safe).

    Which version is active comes from ``llm_services.active_versions()`` (read at most every
    ``LLM_VERSION_CHECK_SECONDS``): a version activated by the worker that trained it is
    served within seconds, without a restart. ``load(path)`` reads the head from ``file`` in
    the version's folder; a head that cannot load is logged and served as None.
    """

    def __init__(self, alias: str, load: Callable[[Path], object], file: str) -> None:
        import threading

        self.alias = alias
        self.file = file
        self._load = load
        self._lock = threading.Lock()
        # (version name, head), replaced whole so that a reader never pairs one version's
        # name with another's head.
        self._state: tuple[str | None, object | None] = (None, None)

    def get(self) -> tuple[str, object] | None:
        """(version name, head) of the active version, or None."""
        import logging

        from llm_services.conf import active_versions

        active = active_versions().get(self.alias)
        name = active.name if active else None
        if name != self._state[0]:
            with self._lock:
                if name != self._state[0]:
                    head = None
                    if active is not None:
                        try:
                            head = self._load(Path(active.model) / self.file)
                        except LLMUnavailable as exc:
                            logging.getLogger("llm_services").warning(
                                "%s head %s cannot load: %s", self.alias, name, exc
                            )
                    self._state = (name, head)
        loaded, head = self._state
        return (loaded, head) if loaded is not None and head is not None else None

    def reset(self) -> None:
        """Forget the loaded version (tests); the next call loads the active one."""
        with self._lock:
            self._state = (None, None)
