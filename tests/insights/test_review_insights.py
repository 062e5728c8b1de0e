"""Refreshing review insights: mentions, summaries from verified purchases, idempotency, the
hook that queues the task, the task's batches and the command."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from insights import services, tasks
from insights.models import ReviewAnalysis, ReviewAspectMention, ReviewAspectSummary
from shop.reviews import services as review_services
from tests.factories import ProductFactory, ReviewFactory
from tests.insights.conftest import NEGATIVE, POSITIVE, reviews

pytestmark = pytest.mark.django_db


def shoe_reviews():
    """One product: three verified reviews and one unverified, English and Chinese."""
    product = ProductFactory(title="Trail shoe")
    ReviewFactory(
        product=product,
        rating=5,
        title="Great",
        text="Very comfortable, but it runs a little small.",
        verified_purchase=True,
    )
    ReviewFactory(
        product=product, rating=4, title="不错", text="很舒服，发货很快。", verified_purchase=True
    )
    ReviewFactory(
        product=product, rating=2, title="Meh", text="The price is high.", verified_purchase=True
    )
    ReviewFactory(
        product=product,
        rating=1,
        title="Bad",
        text="Uncomfortable and noisy.",
        verified_purchase=False,
    )
    return product


def test_refresh_counts_verified_reviews_per_aspect_without_a_head():
    """Summaries count verified reviews only; without a sentiment version a keyword mention
    takes the review's stars (2 stars: the price complaint is negative)."""
    product = shoe_reviews()

    report = services.refresh_review_insights()

    assert (report.reviews_read, report.reviews_up_to_date) == (4, 0)
    assert (report.summaries_written, report.summaries_deleted) == (1, 0)
    assert report.sentiment_version == ""
    assert report.mentions == 7  # 5 verified, 2 from the unverified review
    summary = ReviewAspectSummary.objects.get(product=product)
    assert summary.review_count == 3
    assert summary.sentiment_version == ""
    assert summary.catalogue_version == "3"
    assert summary.counts == [
        {"aspect": "comfort", "polarity": "positive", "reviews": 2},
        {"aspect": "delivery", "polarity": "positive", "reviews": 1},
        {"aspect": "size_small", "polarity": "negative", "reviews": 1},
        {"aspect": "value", "polarity": "negative", "reviews": 1},
    ]
    unverified = ReviewAspectMention.objects.filter(verified_purchase=False)
    assert sorted(unverified.values_list("aspect", "polarity", "source")) == [
        ("comfort", "negative", "phrase"),
        ("noise", "negative", "phrase"),
    ]
    keyword = ReviewAspectMention.objects.get(source="keyword")
    assert (keyword.clause, keyword.aspect, keyword.polarity) == (
        "The price is high",
        "value",
        "negative",
    )


def test_a_second_refresh_reads_and_writes_nothing():
    """Idempotent: nothing changed, nothing is read or written."""
    product = shoe_reviews()
    services.refresh_review_insights()
    built_at = ReviewAspectSummary.objects.get(product=product).built_at

    report = services.refresh_review_insights()

    assert (report.reviews_read, report.reviews_up_to_date, report.mentions) == (0, 4, 0)
    assert (report.summaries_written, report.summaries_deleted) == (0, 0)
    assert ReviewAspectSummary.objects.get(product=product).built_at == built_at
    assert ReviewAspectMention.objects.count() == 7


def test_an_edited_review_is_read_again_alone():
    """Changing one review's text re-reads that review and replaces its mentions."""
    product = shoe_reviews()
    services.refresh_review_insights()
    review = product.reviews.get(title="Meh")
    review.text = "Smells lovely."
    review.save()

    report = services.refresh_review_insights(product_ids=[product.pk])

    assert (report.reviews_read, report.reviews_up_to_date, report.summaries_written) == (1, 3, 1)
    assert list(
        ReviewAspectMention.objects.filter(review=review).values_list("aspect", "polarity")
    ) == [("smell", "positive")]
    counts = ReviewAspectSummary.objects.get(product=product).counts
    assert {"aspect": "value", "polarity": "negative", "reviews": 1} not in counts
    assert {"aspect": "smell", "polarity": "positive", "reviews": 1} in counts


def test_a_product_without_verified_reviews_left_loses_its_summary():
    product = shoe_reviews()
    services.refresh_review_insights()
    product.reviews.filter(verified_purchase=True).delete()

    report = services.refresh_review_insights()

    assert (report.summaries_written, report.summaries_deleted) == (0, 1)
    assert not ReviewAspectSummary.objects.exists()
    assert ReviewAnalysis.objects.count() == 1


def test_keyword_polarity_comes_from_the_active_sentiment_head():
    """With a version active, a keyword clause takes the head's reading of the clause, and the
    analyses and summaries record the version."""
    anchor = ReviewFactory(rating=5, title="Love it", text=reviews(POSITIVE)[0])
    for text in reviews(POSITIVE)[1:]:
        ReviewFactory(product=anchor.product, rating=5, title="Love it", text=text)
    for text in reviews(NEGATIVE):
        ReviewFactory(product=anchor.product, rating=1, title="Bad", text=text)
    version = services.train_sentiment_classifier().version
    product = ProductFactory()
    good = ReviewFactory(
        product=product,
        rating=1,
        verified_purchase=True,
        title="",
        text="The price, I love it, excellent value, the best",
    )
    bad = ReviewFactory(
        product=product,
        rating=5,
        verified_purchase=True,
        title="",
        text="The price is terrible and awful, a waste, I hate it",
    )

    report = services.refresh_review_insights(product_ids=[product.pk])

    assert report.sentiment_version == version
    polarities = dict(
        ReviewAspectMention.objects.filter(product=product).values_list("review_id", "polarity")
    )
    # The stars say the opposite: the head, not the stars, decided.
    assert polarities == {good.pk: "positive", bad.pk: "negative"}
    analysis = ReviewAnalysis.objects.get(review=bad)
    assert (analysis.sentiment_version, analysis.sentiment) == (version, "negative")
    assert ReviewAspectSummary.objects.get(product=product).sentiment_version == version


def test_a_new_review_queues_the_refresh_on_commit(django_capture_on_commit_callbacks):
    """create_review runs the reviews-changed hook; the task runs after the commit (inline
    here) and the product's summary is stored."""
    product = ProductFactory()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        review_services.create_review(
            product=product,
            author_name="Li",
            rating=5,
            title="好",
            text="发货很快，很舒服",
            verified_purchase=True,
        )
    assert not ReviewAspectSummary.objects.exists()  # nothing before the commit
    for callback in callbacks:
        callback()

    summary = ReviewAspectSummary.objects.get(product=product)
    assert summary.counts == [
        {"aspect": "comfort", "polarity": "positive", "reviews": 1},
        {"aspect": "delivery", "polarity": "positive", "reviews": 1},
    ]


def test_the_task_works_in_batches_and_queues_the_rest(monkeypatch):
    """TASK_BATCH reviews per run; a run that leaves some queues the next one."""
    shoe_reviews()
    monkeypatch.setattr(tasks, "TASK_BATCH", 3)

    result = tasks.refresh_review_insights_task.apply().get()

    assert (result["reviews_read"], result["remaining"]) == (3, 1)
    assert ReviewAnalysis.objects.count() == 4  # the queued run (inline) read the last one
    assert ReviewAspectSummary.objects.get().review_count == 3


def test_command_prints_a_json_report():
    shoe_reviews()
    out = StringIO()

    call_command("refresh_review_insights", "--json", "--chunk-size", "2", stdout=out)

    report = json.loads(out.getvalue().strip().splitlines()[-1])
    assert report == {
        "reviews_read": 4,
        "reviews_up_to_date": 0,
        "mentions": 7,
        "summaries_written": 1,
        "summaries_deleted": 0,
        "remaining": 0,
        "sentiment_version": "",
        "degraded": False,
    }


def test_command_narrows_to_a_product_and_says_when_no_head_is_active():
    product = shoe_reviews()
    other = ReviewFactory(text="Smells lovely.", verified_purchase=True)
    out = StringIO()

    call_command("refresh_review_insights", "--product", str(product.pk), stdout=out)

    assert out.getvalue().strip().splitlines()[-1] == (
        "4 reviews read (0 up to date), 7 aspect mentions, 1 summaries written, 0 deleted; "
        "no sentiment version active: keyword mentions took the reviews' stars"
    )
    assert not ReviewAnalysis.objects.filter(review=other).exists()


def test_beat_refreshes_hourly_on_the_index_queue(settings):
    """The periodic refresh is scheduled and routed to the worker that holds the embedder."""
    from celery import current_app

    entry = settings.CELERY_BEAT_SCHEDULE["refresh-review-insights"]
    assert entry == {
        "task": "insights.tasks.refresh_review_insights_task",
        "schedule": 3600,
        "options": {"expires": 3600},
    }
    assert entry["task"] in current_app.tasks
    assert settings.CELERY_TASK_ROUTES["insights.tasks.*"] == {"queue": "index"}


def test_deleting_reviews_in_the_admin_refreshes_the_summary(
    client, django_capture_on_commit_callbacks
):
    """The review admin runs the reviews-changed hook: the summary follows a deletion."""
    from django.contrib.auth import get_user_model

    product = shoe_reviews()
    services.refresh_review_insights()
    admin = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")
    client.force_login(admin)
    verified = list(product.reviews.filter(verified_purchase=True).values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            "/en/admin/reviews/review/",
            {"action": "delete_selected", "_selected_action": verified, "post": "yes"},
        )

    assert response.status_code == 302
    assert len(callbacks) == 1
    assert not ReviewAspectSummary.objects.filter(product=product).exists()


def test_a_hook_is_registered_once():
    from shop.reviews import hooks

    calls = []

    def hook(*, product_ids):
        calls.append(product_ids)

    hooks.register_reviews_changed_hook(hook)
    hooks.register_reviews_changed_hook(hook)
    try:
        hooks.run_reviews_changed_hooks([3, 1, 3])
        hooks.run_reviews_changed_hooks([])
    finally:
        hooks.unregister_reviews_changed_hook(hook)

    assert calls == [[1, 3]]


def test_an_embedder_that_cannot_serve_degrades_to_stars_and_is_retried(monkeypatch, caplog):
    """The active version fails to serve: keyword mentions take the stars, the report and the
    summary say so, and the next refresh reads those reviews again."""
    from insights import selectors
    from llm_services import LLMUnavailable

    product = shoe_reviews()
    monkeypatch.setattr(selectors, "active_sentiment_head", lambda: ("sentiment-x", object()))

    def unavailable(texts):
        raise LLMUnavailable("embed: model files missing")

    monkeypatch.setattr(selectors, "review_sentiments", unavailable)

    report = services.refresh_review_insights()

    assert (report.degraded, report.sentiment_version, report.reviews_read) == (
        True,
        "sentiment-x",
        4,
    )
    assert "embed: model files missing" in caplog.text
    keyword = ReviewAspectMention.objects.get(source="keyword")
    assert (keyword.aspect, keyword.polarity) == ("value", "negative")  # from 2 stars
    assert ReviewAspectSummary.objects.get(product=product).sentiment_version == ""
    assert set(ReviewAnalysis.objects.values_list("sentiment_version", flat=True)) == {""}
    assert services.refresh_review_insights().reviews_read == 4
