"""The translation workflow's services: jobs (queued on commit, resumable, idempotent,
degraded), drafts (edit, approve into ProductTranslation, reject) and reviews on demand.
The engine is a stand-in (tests/translation/engine_stub.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from search.documents import catalog_documents
from search.services import APPLIED_VERSION_KEY, index_is_stale
from shop.catalog.cache import catalog_version
from shop.catalog.models import CatalogImport, Product, ProductTranslation
from shop.reviews.models import Review
from tests.factories import ProductFactory, ProductTranslationFactory, ReviewFactory, UserFactory
from tests.translation.engine_stub import fake_engine_fixture  # noqa: F401
from translation import selectors, services
from translation.models import TranslationDraft, TranslationJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def products():
    first = ProductFactory(
        title="Trail shoe",
        description="Grippy sole.",
        highlights=["Light", "Waterproof"],
    )
    second = ProductFactory(title="Road shoe", description="", highlights=[])
    return [first, second]


def run(product_ids, target="zh-hans", **kwargs):
    job = services.request_translation(product_ids=product_ids, target_language=target)
    return services.run_job(job.pk, **kwargs)


def test_request_translation_stores_the_job_and_queues_it_after_commit(
    products, django_capture_on_commit_callbacks, fake_engine
):
    """One job with the ids once each, queued only when the transaction commits."""
    user = UserFactory(is_staff=True)
    ids = [products[0].pk, products[1].pk, products[0].pk]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.request_translation(
            product_ids=ids, target_language="zh-hans", requested_by=user
        )

    assert len(callbacks) == 1
    assert job.product_ids == [products[0].pk, products[1].pk]
    assert job.total == 2
    assert job.status == TranslationJob.Status.QUEUED
    assert job.requested_by == user
    assert fake_engine.calls == []
    assert TranslationDraft.objects.count() == 0


def test_request_translation_refuses_an_unknown_language(products):
    """Only English and Simplified Chinese are targets; nothing is stored otherwise."""
    with pytest.raises(services.TranslationError, match="not 'fr'"):
        services.request_translation(product_ids=[products[0].pk], target_language="fr")

    assert TranslationJob.objects.count() == 0


def test_run_job_drafts_each_product_with_one_engine_call_per_kind(products, fake_engine):
    """Titles, descriptions and highlights go to the engine in one call per kind; each product
    gets one draft holding its translated fields, its source hash and the engine's provenance."""
    fake_engine.table = {
        "Trail shoe": "越野跑鞋",
        "Road shoe": "公路跑鞋",
        "Grippy sole.": "抓地鞋底。",
        "Light": "轻便",
        "Waterproof": "防水",
    }

    job = run([p.pk for p in products])

    assert [(c["kind"], c["texts"]) for c in fake_engine.calls] == [
        ("title", ["Trail shoe", "Road shoe"]),
        ("description", ["Grippy sole."]),
        ("highlight", ["Light", "Waterproof"]),
    ]
    assert {c["source"] for c in fake_engine.calls} == {"en"}
    assert {c["target"] for c in fake_engine.calls} == {"zh-hans"}
    assert (job.status, job.cursor, job.translated, job.skipped, job.flagged) == (
        TranslationJob.Status.DONE,
        2,
        2,
        0,
        0,
    )
    first = TranslationDraft.objects.get(product=products[0])
    assert first.fields == {
        "title": "越野跑鞋",
        "description": "抓地鞋底。",
        "highlights": ["轻便", "防水"],
    }
    assert first.generated == first.fields
    assert first.source_language == "en"
    assert first.target_language == "zh-hans"
    assert first.source_hash == services.source_hash(products[0], "zh-hans")
    assert first.status == TranslationDraft.Status.DRAFT
    assert first.job_id == job.pk
    assert (first.prompt_version, first.model_alias, first.model_revision) == (
        "translate-v1",
        "generate",
        "gemma-3-270m@int8",
    )
    second = TranslationDraft.objects.get(product=products[1])
    assert second.fields == {"title": "公路跑鞋", "description": "", "highlights": []}
    assert ProductTranslation.objects.count() == 0


def test_a_second_job_over_the_same_text_skips_it_without_calling_the_engine(products, fake_engine):
    """Idempotent: a product whose source text has a draft (any state) is skipped."""
    run([p.pk for p in products])
    TranslationDraft.objects.filter(product=products[1]).update(
        status=TranslationDraft.Status.REJECTED
    )
    fake_engine.calls.clear()

    job = run([p.pk for p in products])

    assert fake_engine.calls == []
    assert (job.status, job.translated, job.skipped) == (TranslationJob.Status.DONE, 0, 2)
    assert TranslationDraft.objects.count() == 2


def test_a_changed_source_is_translated_again(products, fake_engine):
    """A new source text has a new hash, so a rerun drafts it next to the old draft."""
    run([products[0].pk])
    Product.objects.filter(pk=products[0].pk).update(title="Trail shoe II")

    job = run([products[0].pk])

    assert job.translated == 1
    assert sorted(
        d["title"] for d in TranslationDraft.objects.values_list("fields", flat=True)
    ) == ["[zh-hans] Trail shoe", "[zh-hans] Trail shoe II"]


def test_products_in_the_target_language_or_deleted_are_skipped(products, fake_engine):
    """A product written in the target language needs no translation; a deleted one is gone."""
    chinese = ProductFactory(language="zh-hans", title="跑鞋")
    gone = ProductFactory()
    gone_id = gone.pk
    gone.delete()

    job = run([chinese.pk, gone_id, products[1].pk])

    assert (job.translated, job.skipped, job.cursor) == (1, 2, 3)
    assert list(TranslationDraft.objects.values_list("product_id", flat=True)) == [products[1].pk]


def test_sources_of_each_language_go_to_the_engine_apart(fake_engine):
    """Chinese (Simplified and Traditional) products translated into English: one call per
    source language and kind, each draft recording its source language."""
    simplified = ProductFactory(language="zh-hans", title="跑鞋", description="", highlights=[])
    traditional = ProductFactory(language="zh-hant", title="跑鞋", description="", highlights=[])
    fake_engine.table = {"跑鞋": "Running shoe"}

    job = run([simplified.pk, traditional.pk], target="en")

    assert [(c["source"], c["kind"], c["texts"]) for c in fake_engine.calls] == [
        ("zh-hans", "title", ["跑鞋"]),
        ("zh-hant", "title", ["跑鞋"]),
    ]
    assert job.translated == 2
    assert sorted(
        TranslationDraft.objects.values_list("source_language", "target_language", "fields")
    ) == [
        ("zh-hans", "en", {"title": "Running shoe", "description": "", "highlights": []}),
        ("zh-hant", "en", {"title": "Running shoe", "description": "", "highlights": []}),
    ]


def test_run_job_resumes_from_its_cursor(products, fake_engine):
    """A job whose first chunk is done starts at its cursor; progress is reported per chunk."""
    job = services.request_translation(
        product_ids=[p.pk for p in products], target_language="zh-hans"
    )
    TranslationJob.objects.filter(pk=job.pk).update(
        cursor=1, translated=1, status=TranslationJob.Status.RUNNING
    )
    seen = []

    job = services.run_job(job.pk, chunk_size=1, on_progress=lambda j: seen.append(j.cursor))

    assert seen == [2]
    assert (job.status, job.cursor, job.translated) == (TranslationJob.Status.DONE, 2, 2)
    assert list(TranslationDraft.objects.values_list("product_id", flat=True)) == [products[1].pk]


def test_a_finished_job_is_not_run_again(products, fake_engine):
    """Running a done job (a redelivered message) changes nothing."""
    job = run([products[0].pk])
    fake_engine.calls.clear()

    again = services.run_job(job.pk)

    assert fake_engine.calls == []
    assert (again.status, again.translated) == (TranslationJob.Status.DONE, 1)


def test_a_degraded_engine_fails_the_job_and_drafts_nothing(
    products, fake_engine, django_capture_on_commit_callbacks
):
    """The engine's degraded answer is never stored as a translation: the job fails with the
    reason at its cursor, and resuming it once the engine serves finishes it."""
    fake_engine.degraded = "generate model unavailable"

    job = run([p.pk for p in products])

    assert job.status == TranslationJob.Status.FAILED
    assert job.error == "Translation is unavailable: generate model unavailable"
    assert (job.cursor, job.translated) == (0, 0)
    assert TranslationDraft.objects.count() == 0

    fake_engine.degraded = ""
    with django_capture_on_commit_callbacks(execute=True):
        services.resume_job(job_id=job.pk)
    job.refresh_from_db()

    assert (job.status, job.error, job.translated) == (TranslationJob.Status.DONE, "", 2)


def test_flagged_translations_are_drafted_flagged_with_their_checks(products, fake_engine):
    """The engine's checks land on the draft with the part (and highlight) they concern."""
    fake_engine.flagged = {"Waterproof"}

    job = run([products[0].pk])

    draft = TranslationDraft.objects.get()
    assert draft.is_flagged is True
    assert draft.checks == [
        {
            "name": "protected_terms",
            "severity": "error",
            "detail": "missing: X-100",
            "part": "highlights",
            "index": 1,
        }
    ]
    assert job.flagged == 1


# -- review of drafts ---------------------------------------------------------------------------


@pytest.fixture
def draft(products, fake_engine):
    fake_engine.table = {"Trail shoe": "越野跑鞋", "Grippy sole.": "抓地鞋底。"}
    run([products[0].pk])
    return TranslationDraft.objects.get()


@pytest.fixture
def merchant():
    return UserFactory(username="merchant", is_staff=True, permissions=["catalog.change_product"])


def test_approve_writes_the_product_translation_and_makes_it_searchable(
    draft, merchant, django_capture_on_commit_callbacks
):
    """Approval writes ProductTranslation, touches the product (its cached page) and, after
    commit, bumps the catalog version: the search index is stale and its next documents hold
    the translated text."""
    from django.core.cache import cache

    product = draft.product
    stamp = product.updated_at
    cache.set(APPLIED_VERSION_KEY, catalog_version())
    version = catalog_version()

    with django_capture_on_commit_callbacks(execute=True):
        approved = services.approve_draft(draft_id=draft.pk, user=merchant)

    translation = ProductTranslation.objects.get(product=product, language_code="zh-hans")
    assert (translation.title, translation.description, translation.highlights) == (
        "越野跑鞋",
        "抓地鞋底。",
        ["[zh-hans] Light", "[zh-hans] Waterproof"],
    )
    assert approved.status == TranslationDraft.Status.APPROVED
    assert approved.reviewer == merchant
    assert approved.reviewed_at is not None
    product.refresh_from_db()
    assert product.updated_at > stamp
    assert catalog_version() == version + 1
    assert index_is_stale() is True
    document = next(d for d in catalog_documents() if d.key == product.pk)
    assert "越野跑鞋" in document.lexical_text.split("\n")
    assert "抓地鞋底。" in document.lexical_text.split("\n")


def test_approve_with_edits_keeps_what_the_model_wrote(draft, merchant):
    """The merchant's fields are written; ``generated`` stays the model's provenance."""
    services.approve_draft(
        draft_id=draft.pk,
        user=merchant,
        fields={"title": "越野跑鞋 X", "description": "", "highlights": "轻\n\n防水 "},
    )

    draft.refresh_from_db()
    assert draft.fields == {"title": "越野跑鞋 X", "description": "", "highlights": ["轻", "防水"]}
    assert draft.generated == {
        "title": "越野跑鞋",
        "description": "抓地鞋底。",
        "highlights": ["[zh-hans] Light", "[zh-hans] Waterproof"],
    }
    assert ProductTranslation.objects.get().title == "越野跑鞋 X"


def test_approve_replaces_an_existing_translation(draft, merchant):
    """The product's earlier translation in that language is replaced, not duplicated."""
    ProductTranslationFactory(product=draft.product, title="旧标题")

    services.approve_draft(draft_id=draft.pk, user=merchant)

    assert list(ProductTranslation.objects.values_list("title", flat=True)) == ["越野跑鞋"]


def test_approve_needs_the_permission_to_change_products(draft):
    """A staff user without catalog.change_product cannot write a product's translation."""
    clerk = UserFactory(username="clerk", is_staff=True)

    with pytest.raises(services.ApprovalBlocked, match="You may not change products"):
        services.approve_draft(draft_id=draft.pk, user=clerk)

    draft.refresh_from_db()
    assert draft.status == TranslationDraft.Status.DRAFT
    assert ProductTranslation.objects.count() == 0


def test_a_stale_draft_cannot_be_approved(draft, merchant):
    """A draft of text the product no longer has would write an outdated translation."""
    Product.objects.filter(pk=draft.product_id).update(description="New sole.")

    with pytest.raises(services.ApprovalBlocked, match="text changed after this draft"):
        services.approve_draft(draft_id=draft.pk, user=merchant)

    assert ProductTranslation.objects.count() == 0


def test_a_flagged_draft_needs_its_findings_accepted(products, fake_engine, merchant):
    """Flagged: refused until the merchant says they read the findings."""
    fake_engine.flagged = {"Trail shoe"}
    run([products[0].pk])
    flagged = TranslationDraft.objects.get()

    with pytest.raises(services.ApprovalBlocked, match="flagged by the translation checks"):
        services.approve_draft(draft_id=flagged.pk, user=merchant)
    assert ProductTranslation.objects.count() == 0

    services.approve_draft(draft_id=flagged.pk, user=merchant, accept_flagged=True)
    assert ProductTranslation.objects.get().title == "[zh-hans] Trail shoe"


def test_a_reviewed_draft_cannot_be_reviewed_again(draft, merchant):
    """Approved once; approving or rejecting again is refused."""
    services.approve_draft(draft_id=draft.pk, user=merchant)

    with pytest.raises(services.ApprovalBlocked, match="already approved"):
        services.approve_draft(draft_id=draft.pk, user=merchant)
    with pytest.raises(services.ApprovalBlocked, match="already approved"):
        services.reject_draft(draft_id=draft.pk, user=merchant)


def test_reject_keeps_the_draft_and_writes_nothing(draft, merchant):
    services.reject_draft(draft_id=draft.pk, user=merchant)

    draft.refresh_from_db()
    assert draft.status == TranslationDraft.Status.REJECTED
    assert draft.reviewer == merchant
    assert ProductTranslation.objects.count() == 0


def test_edit_draft_changes_fields_only(draft):
    """Saving an edit leaves the draft waiting and ``generated`` untouched."""
    services.edit_draft(
        draft_id=draft.pk, fields={"title": "越野鞋", "description": "鞋底。", "highlights": []}
    )

    draft.refresh_from_db()
    assert draft.fields == {"title": "越野鞋", "description": "鞋底。", "highlights": []}
    assert draft.generated["title"] == "越野跑鞋"
    assert draft.status == TranslationDraft.Status.DRAFT


def test_edit_draft_refuses_an_empty_title(draft):
    with pytest.raises(services.ApprovalBlocked, match="needs a title"):
        services.edit_draft(draft_id=draft.pk, fields={"title": "  ", "description": "x"})

    draft.refresh_from_db()
    assert draft.fields["title"] == "越野跑鞋"


def test_is_machine_translated_follows_the_approved_text(draft, merchant):
    """True for the approved title or description as shown; false once rewritten by hand."""
    assert (
        selectors.is_machine_translated(
            product_id=draft.product_id, language="zh-hans", title="越野跑鞋", description=""
        )
        is False
    )
    services.approve_draft(draft_id=draft.pk, user=merchant)

    assert (
        selectors.is_machine_translated(
            product_id=draft.product_id, language="zh-hans", title="越野跑鞋", description=""
        )
        is True
    )
    assert (
        selectors.is_machine_translated(
            product_id=draft.product_id, language="zh-hans", title="手写标题", description="手写。"
        )
        is False
    )


# -- catalog imports ----------------------------------------------------------------------------


def test_an_import_translates_the_products_it_wrote(
    fake_engine, django_capture_on_commit_callbacks
):
    """The products stamped inside the import's run are its batch; others are left out."""
    now = timezone.now()
    before = ProductFactory()
    Product.objects.filter(pk=before.pk).update(updated_at=now - timedelta(hours=1))
    imported = [ProductFactory(), ProductFactory()]
    Product.objects.filter(pk__in=[p.pk for p in imported]).update(updated_at=now)
    catalog_import = CatalogImport.objects.create(
        filename="catalog.csv",
        dry_run=False,
        status=CatalogImport.Status.DONE,
        result={"written": 2},
        started_at=now - timedelta(seconds=5),
        finished_at=now + timedelta(seconds=5),
    )

    with django_capture_on_commit_callbacks(execute=True):
        job = services.request_import_translation(
            import_id=catalog_import.pk, target_language="zh-hans"
        )

    assert job.product_ids == [imported[0].pk, imported[1].pk]
    assert TranslationDraft.objects.filter(job=job).count() == 2


def test_a_dry_run_import_has_nothing_to_translate():
    now = timezone.now()
    ProductFactory()
    catalog_import = CatalogImport.objects.create(
        filename="catalog.csv",
        dry_run=True,
        status=CatalogImport.Status.DONE,
        result={"written": 0},
        started_at=now - timedelta(minutes=1),
        finished_at=now + timedelta(minutes=1),
    )

    with pytest.raises(services.TranslationError, match="wrote no products"):
        services.request_import_translation(import_id=catalog_import.pk, target_language="en")
    assert TranslationJob.objects.count() == 0


# -- reviews on demand --------------------------------------------------------------------------


def test_translate_review_answers_title_and_text(fake_engine):
    """Interactive, kind "review", from the review's language into the reader's."""
    review = ReviewFactory(title="很好", text="质量不错。", language="zh-hans")
    fake_engine.table = {"很好": "Very good", "质量不错。": "Good quality."}

    result = services.translate_review(review_id=review.pk, target_language="en")

    assert result == services.ReviewTranslation(
        review_id=review.pk,
        source_language="zh-hans",
        language="en",
        title="Very good",
        text="Good quality.",
        cached=False,
        is_flagged=False,
    )
    assert fake_engine.calls == [
        {
            "texts": ["很好", "质量不错。"],
            "source": "zh-hans",
            "target": "en",
            "kind": "review",
            "interactive": True,
        }
    ]
    again = services.translate_review(review_id=review.pk, target_language="en")
    assert again.cached is True


def test_translate_review_degraded_returns_no_text(fake_engine):
    """A degraded answer carries the reason and no text (never the original as translated)."""
    review = ReviewFactory(language="en")
    fake_engine.degraded = "timeout"

    result = services.translate_review(review_id=review.pk, target_language="zh-hans")

    assert (result.title, result.text, result.degraded) == ("", "", "timeout")


def test_translate_review_refuses_what_it_cannot_translate(fake_engine):
    """Same language, unknown source language, reviews of a draft product: refused, no call."""
    english = ReviewFactory(language="en")
    french = ReviewFactory(language="fr")
    hidden = ReviewFactory(language="en", product=ProductFactory(status=Product.Status.DRAFT))

    with pytest.raises(services.ReviewNotTranslatable, match="in that language already"):
        services.translate_review(review_id=english.pk, target_language="en")
    with pytest.raises(services.ReviewNotTranslatable, match="cannot be translated"):
        services.translate_review(review_id=french.pk, target_language="en")
    with pytest.raises(Review.DoesNotExist):
        services.translate_review(review_id=hidden.pk, target_language="zh-hans")
    assert fake_engine.calls == []


# -- attribute labels ---------------------------------------------------------------------------


@pytest.fixture
def english_only_labels():
    from tests.factories import AttributeFactory, AttributeOptionFactory

    material = AttributeFactory(code="material", name="Material", name_zh="")
    colour = AttributeFactory(code="color", name="Colour", name_zh="颜色")
    linen = AttributeOptionFactory(attribute=material, value="linen", label="Linen", label_zh="")
    red = AttributeOptionFactory(attribute=colour, value="red", label="Red", label_zh="红色")
    return material, linen, red


def test_missing_labels_and_their_proposals(english_only_labels, fake_engine):
    """Only the English-only name and label are listed and sent, as labels, en → zh-hans."""
    material, linen, _red = english_only_labels
    fake_engine.table = {"Material": "材质", "Linen": "亚麻"}

    labels = selectors.missing_attribute_labels()
    proposals = services.propose_attribute_labels(labels)

    assert [(label.key, label.source, label.context) for label in labels] == [
        (f"attribute-{material.pk}", "Material", ""),
        (f"option-{linen.pk}", "Linen", "Material"),
    ]
    assert proposals == {f"attribute-{material.pk}": "材质", f"option-{linen.pk}": "亚麻"}
    assert [(c["kind"], c["source"], c["target"]) for c in fake_engine.calls] == [
        ("label", "en", "zh-hans")
    ]


def test_degraded_label_proposals_are_left_out(english_only_labels, fake_engine):
    fake_engine.degraded = "generator switched off"

    assert services.propose_attribute_labels(selectors.missing_attribute_labels()) == {}


def test_write_attribute_labels_fills_only_empty_labels(
    english_only_labels, merchant, django_capture_on_commit_callbacks
):
    """Written where still empty (a label filled meanwhile is kept); the catalog cache
    version moves so listings and the search index pick them up."""
    material, linen, red = english_only_labels
    version = catalog_version()

    with django_capture_on_commit_callbacks(execute=True):
        written = services.write_attribute_labels(
            labels={
                f"attribute-{material.pk}": " 材质 ",
                f"option-{linen.pk}": "亚麻",
                f"option-{red.pk}": "赤色",
                "option-x": "坏",
            },
            user=UserFactory(
                username="cataloguer", is_staff=True, permissions=["catalog.change_attribute"]
            ),
        )

    material.refresh_from_db()
    linen.refresh_from_db()
    red.refresh_from_db()
    assert written == 2
    assert (material.name_zh, linen.label_zh, red.label_zh) == ("材质", "亚麻", "红色")
    assert catalog_version() == version + 1


def test_write_attribute_labels_needs_the_attribute_permission(english_only_labels, merchant):
    material, _linen, _red = english_only_labels

    with pytest.raises(services.ApprovalBlocked, match="You may not change attributes"):
        services.write_attribute_labels(labels={f"attribute-{material.pk}": "材质"}, user=merchant)

    material.refresh_from_db()
    assert material.name_zh == ""
