"""Writes of customer insights, re-exported here for ``from insights import services``:

- ``sentiment``: training the review sentiment classifier and storing it as a version;
- ``aspects``: reading reviews for aspects and rebuilding the products' aspect summaries.
"""

from .aspects import (
    DEFAULT_REFRESH_CHUNK,
    KEYWORD_CONFIDENCE,
    REFRESH_QUEUE,
    REFRESH_TASK,
    InsightsRefreshReport,
    analyse_reviews,
    queue_review_insights_refresh,
    rebuild_aspect_summaries,
    refresh_review_insights,
)
from .sentiment import (
    HELD_OUT_SHARE,
    MIN_HELD_OUT_PER_CLASS,
    SPLIT_SEED,
    SentimentTrainingError,
    SentimentTrainingReport,
    train_sentiment_classifier,
)

__all__ = [
    "DEFAULT_REFRESH_CHUNK",
    "HELD_OUT_SHARE",
    "KEYWORD_CONFIDENCE",
    "MIN_HELD_OUT_PER_CLASS",
    "REFRESH_QUEUE",
    "REFRESH_TASK",
    "SPLIT_SEED",
    "InsightsRefreshReport",
    "SentimentTrainingError",
    "SentimentTrainingReport",
    "analyse_reviews",
    "queue_review_insights_refresh",
    "rebuild_aspect_summaries",
    "refresh_review_insights",
    "train_sentiment_classifier",
]
