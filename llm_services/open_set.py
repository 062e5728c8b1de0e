"""Open-set classification: intents with an out-of-scope answer learnt from in-scope data alone.

``train_open_set_head`` fits a logistic head on embeddings (with a lexical head beside it); a
message is out of scope when the head's own out-of-scope class wins (present when the training
rows have examples of it: the file's own or the caller's background messages) or when its best
in-scope probability is below the ``oos_quantile`` of held-out in-scope training rows. Other
cuts measured on the public intent sets and not adopted are in docs/benchmarks.md (intents).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from llm_services.exceptions import LLMBadRequest, LLMUnavailable
from llm_services.heads import LogisticHead, train_logistic_head
from llm_services.lexical import LEXICAL_C, LexicalHead, train_lexical_head


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
    """A logistic head plus its out-of-scope and clarify rules, calibrated on held-out rows.

    A text is out of scope when its best in-scope probability is below ``oos_threshold`` or
    when the head's own out-of-scope class (present only if the training data had rows of it)
    wins; it is in scope but needs clarifying below ``clarify_threshold``.
    With a ``lexical`` head (same labels) the probabilities are the mean of both heads', and
    predicting needs the texts as well as their vectors.
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
        rejected = ~inscope[probabilities.argmax(axis=1)] | (confidence < self.oos_threshold)
        predictions = []
        for row, index in enumerate(best):
            value = float(confidence[row])
            out = bool(rejected[row])
            predictions.append(
                OpenSetPrediction(
                    label=self.oos_label if out else self.labels[index],
                    confidence=round(value, 6),
                    out_of_scope=out,
                    clarify=bool(not out and value < self.clarify_threshold),
                )
            )
        return predictions

    def save(self, path: str | Path) -> None:
        """Write the head and its thresholds to one .npz file."""
        with Path(path).open("wb") as handle:
            np.savez(
                handle,
                **self.head.arrays(),
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
            fewer examples; labels with one example are left out of the folds).
        oos_quantile: share of held-out in-scope rows the quantile cut may reject (0.5% since
            the lexical head joined, 1% before; chosen on CLINC150's validation split, see
            docs/benchmarks.md, which also says what the test split showed first).
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
    from the in-scope data alone. A label with one example cannot be held out: the folds (and
    so the thresholds) use the other labels' rows, and the final head is fitted on every row.

    ``on_fit(done, total)`` is called after each fit (the folds', then the final one).

    Returns:
        The head and calibration facts (thresholds, folds, held-out in-scope accuracy).

    Raises:
        LLMBadRequest: fewer than two in-scope labels, or not one text per vector.
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

    counts = Counter(y.tolist())
    cv_rows = np.flatnonzero([counts[label] >= 2 for label in y])
    cv_labels = {label for label in y[cv_rows].tolist() if label != oos_label}
    folds = min(settings.folds, min((counts[label] for label in y[cv_rows]), default=0))
    if len(cv_labels) < 2:
        folds = 0
    calibration: dict[str, float] = {"folds": folds, "oos_threshold": 0.0}
    singletons = sum(1 for count in counts.values() if count < 2)
    if singletons:
        calibration["single_example_labels"] = singletons
    oos_threshold = clarify_threshold = 0.0
    if folds >= 2:
        held_out = np.zeros(len(y), dtype=np.float32)
        correct = np.zeros(len(y), dtype=bool)
        splitter = StratifiedKFold(folds, shuffle=True, random_state=settings.seed)
        for fold, (train_at, test_at) in enumerate(splitter.split(cv_rows, y[cv_rows]), start=1):
            test_rows = cv_rows[test_at]
            head = fit(cv_rows[train_at])
            texts_of = list(text_array[test_rows]) if with_lexical else None
            predictions = head.predict_vectors(vectors[test_rows], texts_of)
            if on_fit:
                on_fit(fold, folds + 1)
            held_out[test_rows] = [p.confidence for p in predictions]
            correct[test_rows] = [
                p.label == label for p, label in zip(predictions, y[test_rows], strict=True)
            ]
        positive = cv_rows[y[cv_rows] != oos_label]
        oos_threshold = float(np.quantile(held_out[positive], settings.oos_quantile))
        clarify_threshold = float(np.quantile(held_out[positive], settings.clarify_quantile))
        calibration.update(
            oos_threshold=round(oos_threshold, 6),
            clarify_threshold=round(clarify_threshold, 6),
            held_out_accuracy=round(float(correct[cv_rows].mean()), 4),
        )
    final = fit(np.arange(len(y)))
    if on_fit:
        fits = folds + 1 if folds >= 2 else 1
        on_fit(fits, fits)
    calibration["lexical"] = final.lexical is not None
    head = replace(final, oos_threshold=oos_threshold, clarify_threshold=clarify_threshold)
    return head, calibration
