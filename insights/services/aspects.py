"""Review aspects: ``refresh_review_insights`` reads the reviews that changed (clauses,
catalogue aspects, the head's polarity) and rebuilds each product's ``ReviewAspectSummary``
from its verified-purchase reviews; the ``refresh_review_insights_task`` (queued when reviews
change, and hourly by beat) and the ``refresh_review_insights`` command call it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from insights import selectors
from insights.aspects import (
    MAX_CLAUSE_CHARS,
    NEGATIVE,
    POSITIVE,
    Catalogue,
    load_catalogue,
    split_clauses,
)
from insights.models import ReviewAnalysis, ReviewAspectMention, ReviewAspectSummary
from llm_services import LLMError

logger = logging.getLogger("insights")

REFRESH_TASK = "insights.tasks.refresh_review_insights_task"
# The worker that holds the embedder (search's index rebuilds embed there too).
REFRESH_QUEUE = "index"
# Reviews read per transaction: their texts and clauses are embedded in one call each.
DEFAULT_REFRESH_CHUNK = 200
# A keyword mention takes the clause's polarity only when the head is this sure either way
# (probability of positive at most 1 - KEYWORD_CONFIDENCE, or at least KEYWORD_CONFIDENCE);
# "the price is what it is" says nothing either way and is left out.
KEYWORD_CONFIDENCE = 0.65


@dataclass
class InsightsRefreshReport:
    reviews_read: int
    reviews_up_to_date: int
    mentions: int
    summaries_written: int
    summaries_deleted: int
    remaining: int
    sentiment_version: str
    # The active sentiment version could not be served (embedder missing or failing): keyword
    # mentions took the reviews' stars, and the next refresh reads those reviews again.
    degraded: bool = False


def queue_review_insights_refresh(*, product_ids: list[int]) -> None:
    """Queue the refresh of these products' review insights once the transaction commits."""
    from celery import current_app

    ids = sorted(set(product_ids))
    if not ids:
        return
    transaction.on_commit(
        lambda: current_app.tasks[REFRESH_TASK].apply_async(args=[ids], queue=REFRESH_QUEUE)
    )


def _polarity_from_stars(rating: int) -> str | None:
    if rating >= 4:
        return POSITIVE
    return NEGATIVE if rating <= 2 else None


def _polarity_from_head(positive_probability: float) -> str | None:
    if positive_probability >= KEYWORD_CONFIDENCE:
        return POSITIVE
    return NEGATIVE if positive_probability <= 1 - KEYWORD_CONFIDENCE else None


def analyse_reviews(
    reviews: list[selectors.ReviewRow], *, catalogue: Catalogue
) -> tuple[list[ReviewAnalysis], list[ReviewAspectMention], str]:
    """The analysis and aspect mentions of each review (unsaved), and the sentiment version.

    Wordings of the catalogue carry their own polarity; keyword mentions take the sentiment
    head's reading of their clause, or the review's stars when no version is active or it
    cannot be served (the embedder is missing or fails: logged, and the returned version is
    "", so these reviews are read again once it serves).
    """
    clauses = {row.pk: split_clauses(row.text) for row in reviews}
    matches = {
        (pk, index): catalogue.match(clause)
        for pk, parts in clauses.items()
        for index, clause in enumerate(parts)
    }
    keyword_clauses = sorted(
        {
            clauses[pk][index]
            for (pk, index), found in matches.items()
            if any(match.polarity is None for match in found)
        }
    )
    texts = [row.text for row in reviews]
    # One embedding call for the reviews and the clauses; None: no version is active.
    try:
        predictions = selectors.review_sentiments([*texts, *keyword_clauses]) or []
    except LLMError as exc:
        logger.warning(
            "review insights: the sentiment version cannot be served (%s); keyword mentions "
            "take the reviews' stars",
            exc,
        )
        predictions = []
    version = predictions[0].version if predictions else ""
    whole = dict(zip(texts, predictions[: len(texts)], strict=False))
    by_clause = {
        clause: prediction.positive_probability
        for clause, prediction in zip(keyword_clauses, predictions[len(texts) :], strict=False)
    }
    analyses, mentions = [], []
    for row in reviews:
        prediction = whole.get(row.text)
        analyses.append(
            ReviewAnalysis(
                review_id=row.pk,
                content_hash=row.content_hash,
                catalogue_version=catalogue.version,
                sentiment_version=version,
                sentiment=prediction.label if prediction else "",
                positive_probability=prediction.positive_probability if prediction else None,
            )
        )
        for index, clause in enumerate(clauses[row.pk]):
            for match in matches[(row.pk, index)]:
                polarity, source = match.polarity, "phrase"
                if polarity is None:
                    source = "keyword"
                    polarity = (
                        _polarity_from_head(by_clause[clause])
                        if version
                        else _polarity_from_stars(row.rating)
                    )
                if polarity is None:
                    continue
                mentions.append(
                    ReviewAspectMention(
                        review_id=row.pk,
                        product_id=row.product_id,
                        reviewed_at=row.created_at,
                        verified_purchase=row.verified_purchase,
                        aspect=match.aspect,
                        polarity=polarity,
                        clause=clause[:MAX_CLAUSE_CHARS],
                        source=source,
                    )
                )
    return analyses, mentions, version


def refresh_review_insights(
    *,
    product_ids: list[int] | None = None,
    limit: int | None = None,
    chunk_size: int = DEFAULT_REFRESH_CHUNK,
    progress: bool = False,
) -> InsightsRefreshReport:
    """Analyse the reviews that changed and rebuild the products' aspect summaries.

    A review is read again only when its text, stars, verified flag or date, the aspect
    catalogue or the active sentiment version changed since it was last read, so a second run
    reads nothing and writes nothing. Each chunk of reviews is written in one transaction.

    Args:
        product_ids: only these products' reviews and summaries; None: every product.
        limit: read at most this many reviews (a task's batch); ``remaining`` says how many
            are left, and summaries are rebuilt only for the products read.
        chunk_size: reviews per transaction (and per embedding call).
        progress: a tqdm bar over the reviews.
    """
    catalogue = load_catalogue()
    loaded = selectors.active_sentiment_head()
    version = loaded[0] if loaded else ""
    stale, up_to_date = selectors.stale_review_ids(
        product_ids=product_ids, catalogue_version=catalogue.version, sentiment_version=version
    )
    todo = stale[:limit] if limit is not None else stale
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), desc="reviews", unit="review")
    touched: set[int] = set()
    degraded = False
    mention_count = 0
    for start in range(0, len(todo), chunk_size):
        rows = selectors.review_rows(todo[start : start + chunk_size])
        analyses, mentions, used = analyse_reviews(rows, catalogue=catalogue)
        degraded = degraded or used != version
        with transaction.atomic():
            ReviewAspectMention.objects.filter(review_id__in=[row.pk for row in rows]).delete()
            ReviewAspectMention.objects.bulk_create(mentions)
            ReviewAnalysis.objects.bulk_create(
                analyses,
                update_conflicts=True,
                unique_fields=["review"],
                update_fields=[
                    "content_hash",
                    "catalogue_version",
                    "sentiment_version",
                    "sentiment",
                    "positive_probability",
                    "analysed_at",
                ],
            )
        touched.update(row.product_id for row in rows)
        mention_count += len(mentions)
        if bar is not None:
            bar.update(len(rows))
    if bar is not None:
        bar.close()
    remaining = len(stale) - len(todo)
    scope = product_ids if product_ids is not None else (sorted(touched) if remaining else None)
    written, deleted = rebuild_aspect_summaries(
        product_ids=scope,
        catalogue_version=catalogue.version,
        sentiment_version="" if degraded else version,
    )
    return InsightsRefreshReport(
        reviews_read=len(todo),
        reviews_up_to_date=up_to_date,
        mentions=mention_count,
        summaries_written=written,
        summaries_deleted=deleted,
        remaining=remaining,
        sentiment_version=version,
        degraded=degraded,
    )


def rebuild_aspect_summaries(
    *, product_ids: list[int] | None, catalogue_version: str, sentiment_version: str
) -> tuple[int, int]:
    """Write the summaries that differ from the stored mentions; delete those of products
    without verified-purchase reviews left. Returns (written, deleted)."""
    wanted = selectors.summaries_from_mentions(product_ids=product_ids)
    existing = selectors.stored_summaries(product_ids=product_ids)
    now = timezone.now()
    changed = [
        ReviewAspectSummary(
            product_id=product_id,
            counts=counts,
            review_count=review_count,
            sentiment_version=sentiment_version,
            catalogue_version=catalogue_version,
            built_at=now,
        )
        for product_id, (review_count, counts) in wanted.items()
        if existing.get(product_id) != (review_count, counts, sentiment_version, catalogue_version)
    ]
    gone = [product_id for product_id in existing if product_id not in wanted]
    with transaction.atomic():
        ReviewAspectSummary.objects.bulk_create(
            changed,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["product"],
            update_fields=[
                "counts",
                "review_count",
                "sentiment_version",
                "catalogue_version",
                "built_at",
            ],
        )
        ReviewAspectSummary.objects.filter(product_id__in=gone).delete()
    return len(changed), len(gone)
