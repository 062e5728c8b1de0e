"""Reads of customer insights: the shop's reviews as training data, the served sentiment head,
the reviews a refresh must read, and the stored aspect summaries (the merchant's report is in
``insights.reports``)."""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from insights.aspects import load_catalogue
from insights.models import ReviewAnalysis, ReviewAspectMention, ReviewAspectSummary
from insights.sentiment import HEAD_FILE, LABELS, SENTIMENT_ALIAS, label_from_rating
from shop.reviews.models import Review

# The product page lists at most this many aspects, most mentioned first.
PAGE_ASPECTS = 8


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


# --- Review aspects -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewRow:
    """A review as the aspect analysis reads it (``text`` is its title and text)."""

    pk: int
    product_id: int
    rating: int
    text: str
    verified_purchase: bool
    created_at: datetime
    content_hash: str


_ROW_FIELDS = ("pk", "product_id", "rating", "title", "text", "verified_purchase", "created_at")


def _row(pk, product_id, rating, title, text, verified_purchase, created_at) -> ReviewRow:
    content = review_text(title, text)
    # Everything a mention copies or depends on: a change to any of it reads the review again.
    key = f"{rating}|{int(verified_purchase)}|{created_at.isoformat()}|{content}"
    return ReviewRow(
        pk=pk,
        product_id=product_id,
        rating=rating,
        text=content,
        verified_purchase=verified_purchase,
        created_at=created_at,
        content_hash=hashlib.sha256(key.encode()).hexdigest(),
    )


def review_rows(review_ids: Sequence[int]) -> list[ReviewRow]:
    """The reviews ``review_ids``, by primary key."""
    rows = Review.objects.filter(pk__in=review_ids).order_by("pk").values_list(*_ROW_FIELDS)
    return [_row(*values) for values in rows]


def stale_review_ids(
    *, product_ids: Sequence[int] | None, catalogue_version: str, sentiment_version: str
) -> tuple[list[int], int]:
    """(ids of the reviews to read again, how many are up to date), in primary-key order.

    A review is read again when it was never read, or its content, the catalogue version or
    the sentiment version differ from its stored analysis.
    """
    reviews = Review.objects.all()
    analyses = ReviewAnalysis.objects.all()
    if product_ids is not None:
        reviews = reviews.filter(product_id__in=product_ids)
        analyses = analyses.filter(review__product_id__in=product_ids)
    stored = {
        pk: (content_hash, catalogue, sentiment)
        for pk, content_hash, catalogue, sentiment in analyses.values_list(
            "review_id", "content_hash", "catalogue_version", "sentiment_version"
        )
    }
    stale, fresh = [], 0
    for values in reviews.order_by("pk").values_list(*_ROW_FIELDS).iterator(chunk_size=2000):
        row = _row(*values)
        if stored.get(row.pk) == (row.content_hash, catalogue_version, sentiment_version):
            fresh += 1
        else:
            stale.append(row.pk)
    return stale, fresh


def summaries_from_mentions(
    *, product_ids: Sequence[int] | None
) -> dict[int, tuple[int, list[dict[str, Any]]]]:
    """product id -> (verified-purchase reviews, aspect counts) of products with such reviews.

    The counts are ``{"aspect", "polarity", "reviews"}`` for every (aspect, polarity) some
    verified review mentions, by number of reviews (most first), then aspect and polarity.
    """
    reviews = Review.objects.filter(verified_purchase=True)
    mentions = ReviewAspectMention.objects.filter(verified_purchase=True)
    if product_ids is not None:
        reviews = reviews.filter(product_id__in=product_ids)
        mentions = mentions.filter(product_id__in=product_ids)
    review_counts: dict[int, int] = defaultdict(int)
    for product_id in reviews.values_list("product_id", flat=True).iterator(chunk_size=5000):
        review_counts[product_id] += 1
    seen: dict[int, dict[tuple[str, str], set[int]]] = defaultdict(lambda: defaultdict(set))
    rows = mentions.values_list("product_id", "aspect", "polarity", "review_id")
    for product_id, aspect, polarity, review_id in rows.iterator(chunk_size=5000):
        seen[product_id][(aspect, polarity)].add(review_id)
    result = {}
    for product_id, review_count in review_counts.items():
        counts = [
            {"aspect": aspect, "polarity": polarity, "reviews": len(ids)}
            for (aspect, polarity), ids in seen.get(product_id, {}).items()
        ]
        counts.sort(key=lambda item: (-item["reviews"], item["aspect"], item["polarity"]))
        result[product_id] = (review_count, counts)
    return result


def stored_summaries(
    *, product_ids: Sequence[int] | None
) -> dict[int, tuple[int, list[dict[str, Any]], str, str]]:
    """product id -> (review_count, counts, sentiment_version, catalogue_version) as stored."""
    summaries = ReviewAspectSummary.objects.all()
    if product_ids is not None:
        summaries = summaries.filter(product_id__in=product_ids)
    return {
        row[0]: tuple(row[1:])
        for row in summaries.values_list(
            "product_id", "review_count", "counts", "sentiment_version", "catalogue_version"
        )
    }


@dataclass(frozen=True)
class AspectCount:
    """One line of "Customers mention": the label in the page's language, how many reviews."""

    aspect: str
    polarity: str
    label: str
    reviews: int


@dataclass(frozen=True)
class AspectSummaryInfo:
    review_count: int
    aspects: list[AspectCount]
    built_at: datetime


def product_aspect_summary(product_id: int, *, language: str) -> AspectSummaryInfo | None:
    """The stored aspect summary of a product, labelled in ``language`` ("en" or "zh").

    One query by primary key; None when the product has no summary or it mentions no aspect.
    Aspects the shipped catalogue no longer has are left out.
    """
    summary = (
        ReviewAspectSummary.objects.filter(product_id=product_id)
        .only("counts", "review_count", "built_at")
        .first()
    )
    if summary is None:
        return None
    catalogue = load_catalogue()
    aspects = []
    for item in summary.counts:
        aspect = catalogue.aspects.get(item["aspect"])
        label = aspect.label(item["polarity"], language) if aspect else None
        if label:
            aspects.append(AspectCount(item["aspect"], item["polarity"], label, item["reviews"]))
    if not aspects:
        return None
    return AspectSummaryInfo(
        review_count=summary.review_count,
        aspects=aspects[:PAGE_ASPECTS],
        built_at=summary.built_at,
    )
