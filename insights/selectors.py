"""Reads of customer insights: the shop's reviews as training data, the served sentiment head."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from insights.sentiment import HEAD_FILE, LABELS, SENTIMENT_ALIAS, label_from_rating
from shop.reviews.models import Review


@dataclass(frozen=True)
class SentimentPrediction:
    """One review's sentiment: ``label`` "negative" or "positive", the head's probability of
    positive, and the version that said so."""

    label: str
    positive_probability: float
    version: str


def review_text(title: str, text: str) -> str:
    """A review as the head reads it: its title, then its text, on two lines."""
    return "\n".join(part.strip() for part in (title, text) if part and part.strip())


def review_training_rows() -> tuple[list[str], list[int]]:
    """Texts and binary labels of the shop's reviews (1-2 stars negative, 4-5 positive).

    3-star reviews are left out; the order is stable (by primary key).
    """
    texts, labels = [], []
    rows = Review.objects.exclude(rating=3).order_by("pk").values_list("title", "text", "rating")
    for title, text, rating in rows:
        label = label_from_rating(rating)
        content = review_text(title, text)
        if label is not None and content:
            texts.append(content)
            labels.append(label)
    return texts, labels


@functools.cache
def _active_head() -> Any:
    from llm_services.training import ActiveHead, LogisticHead

    return ActiveHead(SENTIMENT_ALIAS, LogisticHead.load, HEAD_FILE)


def active_sentiment_head() -> tuple[str, Any] | None:
    """(version name, LogisticHead) of the active ``sentiment`` version, or None.

    The active version comes from ``llm_services.active_versions()`` (read at most every
    ``LLM_VERSION_CHECK_SECONDS``), so a newly activated version is served without a restart.
    """
    return _active_head().get()


def reset_sentiment_head() -> None:
    """Forget the loaded version (tests); the next call loads the active one."""
    _active_head().reset()


def review_sentiments(texts: Sequence[str]) -> list[SentimentPrediction] | None:
    """The active sentiment version's prediction for each text, or None without one.

    Raises:
        LLMError: the embedder cannot serve (or serves another model than the head's).
    """
    from insights.sentiment import EMBED_ALIAS, encode_texts
    from llm_services import LLMUnavailable, llm

    loaded = active_sentiment_head()
    if loaded is None:
        return None
    name, head = loaded
    if not texts:
        return []
    embedder = llm[EMBED_ALIAS]
    trained_on = (head.embed_model_id, head.embed_revision)
    if all(trained_on) and trained_on != (embedder.model_id, embedder.revision):
        raise LLMUnavailable(
            f"Sentiment head {name} was trained on {trained_on[0]}@{trained_on[1]}; "
            f"{EMBED_ALIAS!r} serves {embedder.model_id}@{embedder.revision}. Retrain it."
        )
    probabilities = head.predict_proba(encode_texts(texts))
    return [
        SentimentPrediction(
            label=LABELS[int(row.argmax())],
            positive_probability=round(float(row[1]), 6),
            version=name,
        )
        for row in probabilities
    ]
