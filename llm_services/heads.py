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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from llm_services.backends.base import Embedder
from llm_services.exceptions import LLMBadRequest, LLMUnavailable
from llm_services.lexical import LEXICAL_C, LexicalHead, train_lexical_head
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

    def save(self, path: str | Path) -> None:
        """Write the head to ``path`` (.npz: weights, bias, labels, embedder id and revision)."""
        with Path(path).open("wb") as handle:
            np.savez(
                handle,
                weights=self.weights.astype(np.float32),
                bias=self.bias.astype(np.float32),
                labels=np.array(self.labels, dtype=str),
                embed_model_id=np.array(self.embed_model_id),
                embed_revision=np.array(self.embed_revision),
            )

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


# Open-set classification: intents with an out-of-scope answer learnt from in-scope data alone.

OPEN_SET_FILE = "open_set_head.npz"


@dataclass(frozen=True)
class OpenSetPrediction:
    """One text's answer: its label (``oos_label`` when out of scope) and how sure the head is.

    ``confidence`` is the probability of the best in-scope label; ``clarify`` is set when that
    label is kept but the confidence is low (ask the user what they mean).
    """

    label: str
    confidence: float
    out_of_scope: bool
    clarify: bool


@dataclass(frozen=True)
class OpenSetHead:
    """A logistic head plus two confidence thresholds calibrated on held-out training rows.

    A text is out of scope when its best in-scope probability is below ``oos_threshold`` or when
    the head's own out-of-scope class (present only if the training data had examples of it)
    wins; it is in scope but needs clarifying below ``clarify_threshold``. With a ``lexical``
    head (same labels) the probabilities are the mean of both heads', and predicting needs the
    texts as well as their vectors.
    """

    head: LogisticHead
    oos_label: str
    oos_threshold: float
    clarify_threshold: float
    lexical: LexicalHead | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        return self.head.labels

    @property
    def dim(self) -> int:
        return self.head.dim

    def predict_vectors(
        self, vectors: np.ndarray, texts: Sequence[str] | None = None
    ) -> list[OpenSetPrediction]:
        """Each row's prediction; ``texts`` (the rows' texts) are needed with a lexical head.

        Raises:
            LLMBadRequest: a lexical head and no texts, or not one text per vector.
        """
        probabilities = self.head.predict_proba(vectors)
        if self.lexical is not None:
            if texts is None or len(texts) != len(probabilities):
                raise LLMBadRequest("This head also reads the texts: pass one per vector.")
            probabilities = (probabilities + self.lexical.predict_proba(texts)) / 2
        inscope = np.array([label != self.oos_label for label in self.labels])
        scores = np.where(inscope, probabilities, -1.0)
        best = scores.argmax(axis=1)
        confidence = scores[np.arange(len(best)), best]
        winner = probabilities.argmax(axis=1)
        predictions = []
        for row, index in enumerate(best):
            value = float(confidence[row])
            out = value < self.oos_threshold or not inscope[winner[row]]
            predictions.append(
                OpenSetPrediction(
                    label=self.oos_label if out else self.labels[index],
                    confidence=round(value, 6),
                    out_of_scope=bool(out),
                    clarify=bool(not out and value < self.clarify_threshold),
                )
            )
        return predictions

    def save(self, path: str | Path) -> None:
        """Write the head and its thresholds to one .npz file."""
        head = self.head
        with Path(path).open("wb") as handle:
            np.savez(
                handle,
                weights=head.weights.astype(np.float32),
                bias=head.bias.astype(np.float32),
                labels=np.array(head.labels, dtype=str),
                embed_model_id=np.array(head.embed_model_id),
                embed_revision=np.array(head.embed_revision),
                oos_label=np.array(self.oos_label),
                thresholds=np.array([self.oos_threshold, self.clarify_threshold]),
                **(self.lexical.arrays() if self.lexical is not None else {}),
            )

    @classmethod
    def load(cls, path: str | Path) -> OpenSetHead:
        """Read a head written by ``save``.

        Raises:
            LLMUnavailable: the file is missing or not an open-set head.
        """
        try:
            with np.load(Path(path), allow_pickle=False) as data:
                oos_threshold, clarify_threshold = (float(v) for v in data["thresholds"])
                return cls(
                    head=LogisticHead(
                        weights=data["weights"].astype(np.float32),
                        bias=data["bias"].astype(np.float32),
                        labels=tuple(str(label) for label in data["labels"]),
                        embed_model_id=str(data["embed_model_id"]),
                        embed_revision=str(data["embed_revision"]),
                    ),
                    oos_label=str(data["oos_label"]),
                    oos_threshold=oos_threshold,
                    clarify_threshold=clarify_threshold,
                    lexical=LexicalHead.from_arrays(data),
                )
        except (OSError, KeyError, ValueError) as exc:
            raise LLMUnavailable(f"Cannot read open-set head {path}: {exc}") from exc


@dataclass(frozen=True)
class OpenSetSettings:
    """How ``train_open_set_head`` fits and calibrates.

    Attributes:
        c: inverse regularisation strength of the logistic head.
        standardize: fit the head on standardised features (see ``train_logistic_head``).
        folds: cross-validation folds for the held-out confidences (fewer when a label has
            fewer examples; none below 2 examples, then nothing is flagged by threshold).
        oos_quantile: share of held-out in-scope rows the out-of-scope threshold may reject
            (0.5% since the lexical head joined, 1% before; chosen on CLINC150's validation
            split, see docs/benchmarks.md, which also says what the test split showed first).
        clarify_quantile: share of held-out in-scope rows below the clarify threshold.
        lexical_c: inverse regularisation of the lexical head fitted beside the embedding head
            when texts are given (see ``lexical``); None fits none.
        seed: the folds' shuffle.
    """

    c: float = 0.1
    standardize: bool = True
    folds: int = 5
    oos_quantile: float = 0.005
    clarify_quantile: float = 0.10
    max_iter: int = 1000
    lexical_c: float | None = LEXICAL_C
    seed: int = 0


def train_open_set_head(
    vectors: np.ndarray,
    y: Sequence[str],
    *,
    oos_label: str,
    settings: OpenSetSettings | None = None,
    embed_model_id: str = "",
    embed_revision: str = "",
    on_fit: Callable[[int, int], None] | None = None,
    texts: Sequence[str] | None = None,
) -> tuple[OpenSetHead, dict[str, float]]:
    """Fit a logistic head and calibrate its out-of-scope and clarify thresholds.

    With ``texts`` (the rows' texts) and ``settings.lexical_c`` set, a lexical head is fitted
    beside it on the same rows, in every fold too, so the thresholds are calibrated on the
    heads' mean probability, the one served.

    Rows labelled ``oos_label`` are optional: when present they become a class of their own;
    either way the thresholds are quantiles of the best in-scope probability on held-out
    in-scope rows (k-fold cross-validation of the same head), so out-of-scope texts are flagged
    from the in-scope data alone.

    ``on_fit(done, total)`` is called after each fit (the folds', then the final one).

    Returns:
        The head and calibration facts (thresholds, folds, held-out in-scope accuracy).

    Raises:
        LLMBadRequest: fewer than two in-scope labels.
    """
    from sklearn.model_selection import StratifiedKFold

    settings = settings or OpenSetSettings()
    vectors = np.asarray(vectors, dtype=np.float32)
    y = np.asarray([str(label) for label in y])
    labels = tuple(sorted(set(y.tolist())))
    inscope_labels = [label for label in labels if label != oos_label]
    if len(inscope_labels) < 2:
        raise LLMBadRequest(f"Need at least two in-scope labels, got {inscope_labels}.")

    if texts is not None and len(texts) != len(y):
        raise LLMBadRequest(f"Got {len(texts)} texts for {len(y)} vectors.")
    with_lexical = texts is not None and settings.lexical_c is not None
    text_array = np.asarray(list(texts) if texts is not None else [], dtype=object)

    def fit(rows: np.ndarray) -> OpenSetHead:
        row_labels = sorted(set(y[rows].tolist()))
        lexical = None
        if with_lexical:
            lexical = train_lexical_head(
                list(text_array[rows]), y[rows], row_labels, c=settings.lexical_c
            )
        head = train_logistic_head(
            vectors[rows],
            y[rows],
            row_labels,
            c=settings.c,
            max_iter=settings.max_iter,
            standardize=settings.standardize,
            embed_model_id=embed_model_id,
            embed_revision=embed_revision,
        )
        return OpenSetHead(head, oos_label, 0.0, 0.0, lexical=lexical)

    def texts_of(rows: np.ndarray) -> list[str] | None:
        return list(text_array[rows]) if with_lexical else None

    smallest = min(int(np.sum(y == label)) for label in labels)
    folds = min(settings.folds, smallest)
    calibration: dict[str, float] = {"folds": folds, "oos_threshold": 0.0}
    oos_threshold = clarify_threshold = 0.0
    if folds >= 2:
        held_out = np.zeros(len(y), dtype=np.float32)
        correct = np.zeros(len(y), dtype=bool)
        splitter = StratifiedKFold(folds, shuffle=True, random_state=settings.seed)
        for fold, (train_rows, test_rows) in enumerate(splitter.split(vectors, y), start=1):
            predictions = fit(train_rows).predict_vectors(vectors[test_rows], texts_of(test_rows))
            if on_fit:
                on_fit(fold, folds + 1)
            held_out[test_rows] = [p.confidence for p in predictions]
            pairs = zip(predictions, test_rows, strict=True)
            correct[test_rows] = [p.label == y[i] for p, i in pairs]
        inscope = y != oos_label
        oos_threshold = float(np.quantile(held_out[inscope], settings.oos_quantile))
        clarify_threshold = float(np.quantile(held_out[inscope], settings.clarify_quantile))
        calibration.update(
            oos_threshold=round(oos_threshold, 6),
            clarify_threshold=round(clarify_threshold, 6),
            held_out_accuracy=round(float(correct.mean()), 4),
        )
    final = fit(np.arange(len(y)))
    if on_fit:
        fits = folds + 1 if folds >= 2 else 1
        on_fit(fits, fits)
    calibration["lexical"] = final.lexical is not None
    head = replace(final, oos_threshold=oos_threshold, clarify_threshold=clarify_threshold)
    return head, calibration


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
