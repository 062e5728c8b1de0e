"""The storefront: GET /api/reviews/translation (reviews translated on demand), the product
page's translate buttons' data and script, and the "Machine-translated" mark."""

from __future__ import annotations

import pytest

from shop.catalog.models import Product
from tests.factories import ProductFactory, ReviewFactory
from tests.translation.engine_stub import fake_engine_fixture  # noqa: F401
from translation import services
from translation.models import TranslationDraft

pytestmark = pytest.mark.django_db

API = "/api/reviews/translation"


@pytest.fixture
def review(db):
    product = ProductFactory(review_count=1)
    return ReviewFactory(product=product, title="很好", text="质量不错。", language="zh-hans")


def test_the_api_answers_the_translation_labelled(client, review, fake_engine):
    fake_engine.table = {"很好": "Very good", "质量不错。": "Good quality."}

    response = client.get(API, {"review": review.pk, "lang": "en"})

    assert response.status_code == 200
    assert response.json() == {
        "review": review.pk,
        "source_language": "zh-hans",
        "language": "en",
        "title": "Very good",
        "text": "Good quality.",
        "machine_translated": True,
        "label": "Machine-translated",
        "cached": False,
        "flagged": False,
        "degraded": None,
        "message": None,
    }


def test_a_degraded_answer_has_no_text_and_says_so(client, review, fake_engine):
    """Never the untranslated review posing as its translation; the engine's reason (which
    may name the model server) stays in the log."""
    fake_engine.degraded = "The translation model is switched off."

    response = client.get(API, {"review": review.pk, "lang": "en"})

    assert response.status_code == 200
    assert response.json() == {
        "review": review.pk,
        "source_language": "zh-hans",
        "language": "en",
        "title": None,
        "text": None,
        "machine_translated": False,
        "label": None,
        "cached": False,
        "flagged": False,
        "degraded": "unavailable",
        "message": "The translation is unavailable right now; the review is shown as written.",
    }


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ({"lang": "en"}, 400, "review"),
        ({"review": "abc", "lang": "en"}, 400, "review"),
        ({"review": "１２", "lang": "en"}, 400, "review"),
        ({"review": "9" * 30, "lang": "en"}, 400, "review"),
        ({"review": "999999", "lang": "en"}, 404, "review"),
        ({"review": "REVIEW", "lang": "fr"}, 400, "lang"),
        ({"review": "REVIEW"}, 400, "lang"),
        ({"review": "REVIEW", "lang": "zh-hans"}, 400, "lang"),
    ],
)
def test_bad_requests_name_their_field(client, review, fake_engine, query, status, field):
    """Bad ids, unknown reviews, unknown languages and the review's own language."""
    query = {k: str(review.pk) if v == "REVIEW" else v for k, v in query.items()}

    response = client.get(API, query)

    assert response.status_code == status
    assert list(response.json()["fields"]) == [field]
    assert fake_engine.calls == []


def test_reviews_of_unpublished_products_are_not_found(client, review, fake_engine):
    Product.objects.filter(pk=review.product_id).update(status=Product.Status.DRAFT)

    response = client.get(API, {"review": review.pk, "lang": "en"})

    assert response.status_code == 404
    assert fake_engine.calls == []


def test_only_get_is_served(client, review):
    assert client.post(API, {"review": review.pk, "lang": "en"}).status_code == 405


def test_the_api_is_rate_limited(client, settings, review, fake_engine):
    settings.TRANSLATION_REVIEW_RATE_LIMIT = "1/m"

    first = client.get(API, {"review": review.pk, "lang": "en"})
    second = client.get(API, {"review": review.pk, "lang": "en"})

    assert first.status_code == 200
    assert second.status_code == 429
    assert int(second["Retry-After"]) >= 1
    assert len(fake_engine.calls) == 1


def test_the_product_page_marks_reviews_and_loads_the_script(client, review):
    """Each review carries its id and language; the page, in English, gets the script and
    the button's labels once."""
    ReviewFactory(product=review.product, language="en", title="Fine", text="Works.")
    Product.objects.filter(pk=review.product_id).update(review_count=2, rating_average=4)

    content = client.get(f"/en/p/{review.product.slug}/").content.decode()

    assert f'<li class="review" lang="zh-hans" data-review-id="{review.pk}">' in content
    assert content.count('id="review-translation"') == 1
    assert 'data-endpoint="/api/reviews/translation"' in content
    assert 'data-language="en"' in content
    assert 'data-label-translate="Translate to English"' in content
    assert 'data-label-original="Show original"' in content
    assert '<script src="/static/translation/reviews.js" defer></script>' in content


def test_no_script_when_every_review_is_in_the_page_language(client):
    product = ProductFactory(review_count=1, rating_average=5)
    ReviewFactory(product=product, language="en")

    content = client.get(f"/en/p/{product.slug}/").content.decode()

    assert "data-review-id=" in content
    assert "translation/reviews.js" not in content


@pytest.fixture
def approved(fake_engine):
    fake_engine.table = {"Trail shoe": "越野跑鞋", "Grippy sole.": "抓地鞋底。"}
    product = ProductFactory(title="Trail shoe", description="Grippy sole.", highlights=[])
    job = services.request_translation(product_ids=[product.pk], target_language="zh-hans")
    services.run_job(job.pk)
    draft = TranslationDraft.objects.get()
    services.approve_draft(draft_id=draft.pk, user=None)
    return product


def test_an_approved_machine_translation_is_marked(client, approved):
    content = client.get(f"/zh-hans/p/{approved.slug}/").content.decode()

    assert "越野跑鞋" in content
    assert 'class="muted small machine-translated"' in content


def test_the_source_text_is_not_marked(client, approved):
    """The English page shows the merchant's own text: no mark."""
    content = client.get(f"/en/p/{approved.slug}/").content.decode()

    assert "Trail shoe" in content
    assert "machine-translated" not in content


def test_a_translation_rewritten_by_hand_is_not_marked(client, approved):
    approved.translations.update(title="手写标题", description="手写的描述。")

    content = client.get(f"/zh-hans/p/{approved.slug}/").content.decode()

    assert "手写的描述。" in content
    assert "machine-translated" not in content
