"""A lexical head: character n-gram TF-IDF features and a logistic regression (scikit-learn).

It sits beside an embedding head (``open_set.OpenSetHead``) and the two heads' probabilities are
averaged, the sparse + dense pairing of Rasa's default NLU pipeline. The e5 encoder alone
confuses messages that merely share a topic with an intent; word-piece overlap with the
intent's own examples is the second opinion (docs/benchmarks.md, intents, "Since commit
e30a471: e5 and lexical heads").
``char_wb`` n-grams need no tokenizer, so Chinese text is matched by its characters and
English by word pieces, typos included.

Stored as plain arrays (no pickle): the vocabulary, its idf weights and the logistic layer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from llm_services.exceptions import LLMBadRequest

NGRAM_RANGE = (2, 4)
# Inverse regularisation of the logistic layer over TF-IDF rows (unit length, sparse): the
# scikit-learn default of 1.0 underfits a few examples per label; 10 was set before any run.
LEXICAL_C = 10.0


@dataclass(frozen=True)
class LexicalHead:
    """``softmax(tfidf(text) @ weights.T + bias)`` with columns in ``labels`` order."""

    terms: tuple[str, ...]
    idf: np.ndarray  # (n_terms,)
    weights: np.ndarray  # (n_labels, n_terms)
    bias: np.ndarray  # (n_labels,)
    labels: tuple[str, ...]

    @cached_property
    def _vectorizer(self) -> Any:
        vectorizer = _vectorizer(vocabulary={term: i for i, term in enumerate(self.terms)})
        vectorizer.idf_ = self.idf
        return vectorizer

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        features = self._vectorizer.transform(list(texts))
        logits = np.asarray(features @ self.weights.T) + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return (exp / exp.sum(axis=1, keepdims=True)).astype(np.float32)

    def arrays(self, prefix: str = "lexical_") -> dict[str, np.ndarray]:
        """The head as named arrays, to be stored beside another head's in one .npz."""
        return {
            f"{prefix}terms": np.array(self.terms, dtype=str),
            f"{prefix}idf": self.idf.astype(np.float32),
            f"{prefix}weights": self.weights.astype(np.float32),
            f"{prefix}bias": self.bias.astype(np.float32),
            f"{prefix}labels": np.array(self.labels, dtype=str),
        }

    @classmethod
    def from_arrays(cls, data: Any, prefix: str = "lexical_") -> LexicalHead | None:
        """The head stored by ``arrays`` in ``data`` (an open .npz), or None if it has none."""
        if f"{prefix}terms" not in data:
            return None
        return cls(
            terms=tuple(str(term) for term in data[f"{prefix}terms"]),
            idf=data[f"{prefix}idf"].astype(np.float64),
            weights=data[f"{prefix}weights"].astype(np.float32),
            bias=data[f"{prefix}bias"].astype(np.float32),
            labels=tuple(str(label) for label in data[f"{prefix}labels"]),
        )


def _vectorizer(**kwargs: Any) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        analyzer="char_wb", ngram_range=NGRAM_RANGE, sublinear_tf=True, lowercase=True, **kwargs
    )


def train_lexical_head(
    texts: Sequence[str],
    y: Sequence[str],
    labels: Sequence[str],
    *,
    c: float = LEXICAL_C,
    max_iter: int = 2000,
) -> LexicalHead:
    """Fit the TF-IDF vocabulary and a logistic layer on ``texts``; columns in ``labels`` order.

    Raises:
        LLMBadRequest: no texts, lengths differ, a label of ``y`` is not in ``labels``, or
            fewer than two labels occur.
    """
    from sklearn.linear_model import LogisticRegression

    y = [str(label) for label in y]
    if not texts or len(texts) != len(y):
        raise LLMBadRequest(f"Need one label per text, got {len(texts)} texts, {len(y)} labels.")
    unknown = sorted(set(y) - set(labels))
    if unknown:
        raise LLMBadRequest(f"Labels not in the label list: {unknown}.")
    present = sorted(set(y))
    if len(present) < 2:
        raise LLMBadRequest(f"Need at least two labels, got {present}.")
    vectorizer = _vectorizer()
    features = vectorizer.fit_transform(list(texts))
    model = LogisticRegression(C=c, max_iter=max_iter).fit(features, y)
    coef, intercept = model.coef_, model.intercept_
    if len(model.classes_) == 2:
        # scikit-learn keeps one row for two classes, the second class's logit against the first.
        coef = np.vstack([np.zeros_like(coef[0]), coef[0]])
        intercept = np.array([0.0, intercept[0]])
    weights = np.zeros((len(labels), features.shape[1]), dtype=np.float32)
    # A label without training rows never wins: a very low bias and no weights.
    bias = np.full(len(labels), -1e4, dtype=np.float32)
    for column, label in enumerate(model.classes_):
        row = list(labels).index(label)
        weights[row], bias[row] = coef[column], intercept[column]
    terms = [""] * len(vectorizer.vocabulary_)
    for term, index in vectorizer.vocabulary_.items():
        terms[index] = term
    return LexicalHead(
        terms=tuple(terms),
        idf=vectorizer.idf_.astype(np.float64),
        weights=weights,
        bias=bias,
        labels=tuple(labels),
    )
