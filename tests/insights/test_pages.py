"""The "Customers mention" slot on the product page and the merchant's negative-review report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Permission

from insights import reports, services
from shop.accounts.services import grant_merchant_role
from shop.reviews.models import Review
from shop.reviews.services import refresh_product_ratings
from tests.factories import ProductFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reset_language():
    from django.utils import translation

    yield
    translation.deactivate()


def summarised_product():
    product = ProductFactory(slug="trail-shoe", title="Trail shoe")
    for text in ("Very comfortable, but it runs small.", "很舒服。", "Comfy and fast delivery."):
        ReviewFactory(product=product, rating=5, text=text, verified_purchase=True)
    refresh_product_ratings([product.pk])
    services.refresh_review_insights()
    return product


def test_product_page_shows_the_summary_in_english():
    """Labels in the page's language with polarity marks, counts of reviews, the AI label."""
    summarised_product()
    from django.test import Client

    html = Client().get("/en/p/trail-shoe/").content.decode()

    assert "Customers mention:" in html
    assert "AI-generated from reviews" in html
    assert (
        '<li class="chip aspect aspect-positive" data-aspect="comfort" data-polarity="positive">'
        '<span class="aspect-mark" aria-hidden="true">+</span><span class="visually-hidden">'
        'Positive: </span>comfortable <span class="aspect-count">(3)</span></li>'
    ) in html
    assert (
        'data-aspect="size_small" data-polarity="negative"><span class="aspect-mark" '
        'aria-hidden="true">&minus;</span><span class="visually-hidden">Negative: </span>'
        'runs small <span class="aspect-count">(1)</span>'
    ) in html
    assert "Counted in 3 verified-purchase reviews, in any language." in html
    # Above the list of reviews, under the reviews' heading.
    assert html.index("Customers mention:") > html.index('id="reviews-title"')


def test_product_page_shows_chinese_labels_for_english_reviews(client):
    summarised_product()

    html = client.get("/zh-hans/p/trail-shoe/").content.decode()

    assert '</span>舒适 <span class="aspect-count">(3)</span>' in html
    assert '</span>偏小 <span class="aspect-count">(1)</span>' in html
    assert "</span>comfortable <span" not in html


def test_a_new_summary_shows_without_invalidating_the_cached_body(client):
    """The slot is rendered per request: a summary stored after the body was cached shows."""
    product = ProductFactory(slug="kettle")
    ReviewFactory(product=product, rating=5, text="Fast delivery.", verified_purchase=True)
    refresh_product_ratings([product.pk])
    assert "Customers mention:" not in client.get("/en/p/kettle/").content.decode()

    services.refresh_review_insights()

    assert "fast delivery" in client.get("/en/p/kettle/").content.decode()


def test_a_product_without_reviews_reads_no_summary(client, django_assert_num_queries):
    """No reviews: the slot renders nothing and costs no query."""
    from insights.templatetags.insights_tags import review_aspects

    product = ProductFactory(slug="lonely")

    with django_assert_num_queries(0):
        assert review_aspects(product.pk, 0) is None
    assert "Customers mention:" not in client.get("/en/p/lonely/").content.decode()


# --- the merchant's report ----------------------------------------------------------------

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)  # a Thursday


def review_at(product, days_ago: int, text: str, rating: int = 2) -> Review:
    review = ReviewFactory(product=product, rating=rating, text=text)
    Review.objects.filter(pk=review.pk).update(created_at=NOW - timedelta(days=days_ago))
    return review


def complaints():
    shoe = ProductFactory(title="Trail shoe", sku="SHOE-1")
    kettle = ProductFactory(title="Kettle", sku="KET-1")
    review_at(shoe, 0, "It runs small.")
    review_at(shoe, 3, "Runs small and uncomfortable.")
    review_at(shoe, 40, "Too small.")
    review_at(kettle, 10, "Very noisy.")
    review_at(kettle, 70, "Noisy.")  # outside 8 weeks and outside the 60 days
    review_at(kettle, 1, "Fine really.", rating=1)  # negative, no aspect
    review_at(kettle, 2, "Quiet and lovely.", rating=5)
    services.refresh_review_insights()
    return shoe, kettle


def test_report_groups_complaints_by_aspect_with_weekly_trend():
    shoe, kettle = complaints()

    report = reports.negative_review_report(now=NOW)

    assert report.week_starts[0].isoformat() == "2026-10-12"
    assert report.week_starts[-1].isoformat() == "2026-11-30"
    rows = {row.aspect: row for row in report.aspects}
    assert list(rows) == ["size_small", "comfort", "noise"]
    small = rows["size_small"]
    assert small.label == "runs small"
    # 40 days before Thursday 3 December: Thursday 24 October, in the week of the 19th.
    assert small.trend.weekly == [0, 1, 0, 0, 0, 0, 0, 2]
    assert (small.trend.total, small.trend.last_30_days, small.trend.previous_30_days) == (3, 2, 1)
    assert small.products == 1
    assert rows["noise"].trend.weekly == [0, 0, 0, 0, 0, 0, 1, 0]
    assert [(p.title, p.trend.total, p.aspects) for p in report.products] == [
        ("Trail shoe", 3, [("runs small", 3), ("uncomfortable", 1)]),
        ("Kettle", 1, [("noisy", 1)]),
    ]
    # 2-star reviews and the 1-star one in the window; the 1-star names no aspect.
    assert (report.negative_reviews, report.negative_without_aspect) == (5, 1)
    assert report.examples == []


def test_report_narrowed_to_an_aspect_quotes_its_complaints_in_chinese():
    shoe, kettle = complaints()

    report = reports.negative_review_report(now=NOW, aspect="noise", language="zh")

    assert report.aspect_label == "噪音大"
    assert [(p.title, p.aspects) for p in report.products] == [("Kettle", [("噪音大", 1)])]
    assert [example.clause for example in report.examples] == ["Very noisy", "Noisy"]


def merchant():
    user = UserFactory()
    grant_merchant_role(user=user)
    return user


def test_merchant_reads_the_report_from_the_admin_index(client):
    complaints()
    client.force_login(merchant())

    index = client.get("/en/admin/").content.decode()
    response = client.get("/en/admin/insights/reviewaspectsummary/")

    assert 'href="/en/admin/insights/reviewaspectsummary/"' in index
    assert response.status_code == 200
    html = response.content.decode()
    assert "Negative reviews by aspect" in html
    assert '<tr data-aspect="size_small">' in html
    assert '<a href="?aspect=noise">noisy</a>' in html


def test_staff_without_the_review_permission_is_refused(client):
    user = UserFactory(is_staff=True)
    client.force_login(user)

    assert client.get("/en/admin/insights/reviewaspectsummary/").status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="view_review"))
    user = type(user).objects.get(pk=user.pk)  # permissions are cached on the instance
    client.force_login(user)
    assert client.get("/en/admin/insights/reviewaspectsummary/?aspect=nope").status_code == 200


def test_nobody_adds_or_edits_summaries_in_the_admin(client):
    client.force_login(merchant())

    assert client.get("/en/admin/insights/reviewaspectsummary/add/").status_code == 403
