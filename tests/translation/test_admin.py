"""The merchant's translation flow in the admin: the product list's actions, the job page,
the draft review page (side by side, edit, approve, reject), bulk approval and the catalog
import's "Translate the imported products" form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shop.accounts.services import grant_merchant_role
from shop.catalog.models import CatalogImport, Product, ProductTranslation
from tests.factories import ProductFactory, UserFactory
from tests.translation.engine_stub import fake_engine_fixture  # noqa: F401
from translation import services
from translation.models import TranslationDraft, TranslationJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def merchant(client):
    """A staff user in the Merchant group (not a superuser), signed in."""
    user = UserFactory(username="merchant", is_staff=True)
    grant_merchant_role(user=user)
    client.force_login(user)
    return user


@pytest.fixture
def draft(fake_engine):
    fake_engine.table = {"Trail shoe": "越野跑鞋", "Grippy sole.": "抓地鞋底。", "Light": "轻便"}
    product = ProductFactory(title="Trail shoe", description="Grippy sole.", highlights=["Light"])
    job = services.request_translation(product_ids=[product.pk], target_language="zh-hans")
    services.run_job(job.pk)
    return TranslationDraft.objects.get()


def test_product_changelist_offers_the_translate_actions(client, merchant):
    """translation registers its two actions on the product list through the admin hooks."""
    response = client.get(reverse("admin:catalog_product_changelist"))

    choices = dict(response.context["action_form"]["action"].field.choices)
    assert choices["translate_into_chinese"] == "Translate into Chinese (machine translation)"
    assert choices["translate_into_english"] == "Translate into English (machine translation)"


def test_the_action_queues_one_job_run_after_commit(
    client, merchant, fake_engine, django_capture_on_commit_callbacks
):
    """Selecting products and the action stores one job; the task (eager here) drafts them."""
    products = [ProductFactory(), ProductFactory()]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:catalog_product_changelist"),
            {
                "action": "translate_into_chinese",
                "_selected_action": [p.pk for p in products],
            },
            follow=True,
        )

    job = TranslationJob.objects.get()
    assert job.target_language == "zh-hans"
    assert sorted(job.product_ids) == sorted(p.pk for p in products)
    assert job.requested_by == merchant
    assert job.status == TranslationJob.Status.DONE
    assert TranslationDraft.objects.count() == 2
    assert f"Queued translation job #{job.pk} for 2 products." in response.content.decode()


def test_the_product_form_has_translate_buttons_for_the_other_language(client, merchant, draft):
    """An English product offers "Translate into Chinese" (not English) and its drafts."""
    page = client.get(
        reverse("admin:catalog_product_change", args=[draft.product_id])
    ).content.decode()

    action = reverse("admin:translation_translationjob_translate_product", args=[draft.product_id])
    assert f'action="{action}"' in page
    assert '<input type="hidden" name="target_language" value="zh-hans">' in page
    assert 'name="target_language" value="en"' not in page
    assert "Translate into Chinese</button>" in page
    assert "1 translation draft to review" in page


def test_the_translate_button_queues_a_job_for_the_product(
    client, merchant, fake_engine, django_capture_on_commit_callbacks
):
    product = ProductFactory(title="Desk lamp", description="", highlights=[])
    url = reverse("admin:translation_translationjob_translate_product", args=[product.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"target_language": "zh-hans"})

    job = TranslationJob.objects.get()
    assert response["Location"] == reverse("admin:translation_translationjob_change", args=[job.pk])
    assert (job.product_ids, job.status) == ([product.pk], TranslationJob.Status.DONE)
    assert TranslationDraft.objects.get().fields["title"] == "[zh-hans] Desk lamp"
    assert client.get(url).status_code == 405


def test_the_translate_button_needs_the_product_permission(client, fake_engine):
    clerk = UserFactory(
        username="clerk", is_staff=True, permissions=["translation.view_translationjob"]
    )
    client.force_login(clerk)
    product = ProductFactory()

    response = client.post(
        reverse("admin:translation_translationjob_translate_product", args=[product.pk]),
        {"target_language": "zh-hans"},
    )

    assert response.status_code == 403
    assert TranslationJob.objects.count() == 0


def test_the_job_page_shows_progress_and_links_its_drafts(client, merchant, draft):
    job = draft.job

    page = client.get(reverse("admin:translation_translationjob_change", args=[job.pk]))
    listing = client.get(reverse("admin:translation_translationjob_changelist"))

    content = page.content.decode()
    assert page.status_code == 200
    assert '<progress max="1" value="1"></progress> 1 / 1' in content
    assert f"?job__id__exact={job.pk}" in content
    assert '<progress max="1" value="1"></progress> 1 / 1' in listing.content.decode()


def test_the_review_page_shows_source_and_translation_side_by_side(client, merchant, draft):
    response = client.get(reverse("admin:translation_translationdraft_change", args=[draft.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["rows"][0] == {
        "name": "Title",
        "source": "Trail shoe",
        "translation": "越野跑鞋",
        "generated": "越野跑鞋",
    }
    assert '<td lang="en">Grippy sole.</td>' in content
    assert '<td lang="zh-hans">抓地鞋底。</td>' in content
    assert "All checks passed." in content
    assert 'name="_approve"' in content


def test_saving_edits_keeps_the_generated_text(client, merchant, draft):
    url = reverse("admin:translation_translationdraft_change", args=[draft.pk])

    client.post(
        url,
        {"title": "越野鞋", "description": "抓地。", "highlights": "轻\n防水", "_save": "1"},
    )

    draft.refresh_from_db()
    assert draft.fields == {
        "title": "越野鞋",
        "description": "抓地。",
        "highlights": ["轻", "防水"],
    }
    assert draft.generated["title"] == "越野跑鞋"
    assert draft.status == TranslationDraft.Status.DRAFT
    page = client.get(url).content.decode()
    assert "As the model wrote it" in page


def test_approving_writes_the_product_translation(client, merchant, draft):
    """A Merchant approves from the review page; the product's translation is written."""
    url = reverse("admin:translation_translationdraft_change", args=[draft.pk])

    response = client.post(
        url,
        {"title": "越野跑鞋", "description": "抓地鞋底。", "highlights": "轻便", "_approve": "1"},
        follow=True,
    )

    assert "Translation approved and written to the product." in response.content.decode()
    translation = ProductTranslation.objects.get(product=draft.product_id, language_code="zh-hans")
    assert (translation.title, translation.description, translation.highlights) == (
        "越野跑鞋",
        "抓地鞋底。",
        ["轻便"],
    )
    draft.refresh_from_db()
    assert (draft.status, draft.reviewer) == (TranslationDraft.Status.APPROVED, merchant)
    page = client.get(url).content.decode()
    assert "approving replaces it" not in page
    assert 'name="_approve"' not in page


def test_a_flagged_draft_is_approved_only_with_the_box_ticked(client, merchant, fake_engine):
    fake_engine.flagged = {"Trail shoe"}
    product = ProductFactory(title="Trail shoe", description="", highlights=[])
    job = services.request_translation(product_ids=[product.pk], target_language="zh-hans")
    services.run_job(job.pk)
    draft = TranslationDraft.objects.get()
    url = reverse("admin:translation_translationdraft_change", args=[draft.pk])
    fields = {"title": "越野跑鞋", "description": "", "highlights": "", "_approve": "1"}

    page = client.get(url).content.decode()
    refused = client.post(url, fields, follow=True).content.decode()

    assert "Flagged by the translation checks" in page
    assert "protected_terms" in page
    assert "missing: X-100" in page
    assert "flagged by the translation checks. Read the findings" in refused
    assert ProductTranslation.objects.count() == 0

    client.post(url, {**fields, "accept_flagged": "on"})

    assert ProductTranslation.objects.get().title == "越野跑鞋"


def test_rejecting_from_the_review_page(client, merchant, draft):
    url = reverse("admin:translation_translationdraft_change", args=[draft.pk])

    client.post(url, {"_reject": "1"})

    draft.refresh_from_db()
    assert draft.status == TranslationDraft.Status.REJECTED
    assert ProductTranslation.objects.count() == 0
    assert 'name="_approve"' not in client.get(url).content.decode()


def test_bulk_approval_skips_flagged_drafts(client, merchant, fake_engine):
    fake_engine.flagged = {"Flagged"}
    clean = ProductFactory(title="Clean", description="", highlights=[])
    flagged = ProductFactory(title="Flagged", description="", highlights=[])
    job = services.request_translation(
        product_ids=[clean.pk, flagged.pk], target_language="zh-hans"
    )
    services.run_job(job.pk)

    response = client.post(
        reverse("admin:translation_translationdraft_changelist"),
        {
            "action": "approve_selected",
            "_selected_action": list(TranslationDraft.objects.values_list("pk", flat=True)),
        },
        follow=True,
    )

    content = response.content.decode()
    assert "1 translation approved and written to its product." in content
    assert "is flagged: review it on its page." in content
    assert list(ProductTranslation.objects.values_list("product_id", flat=True)) == [clean.pk]
    assert TranslationDraft.objects.get(product=flagged).status == TranslationDraft.Status.DRAFT


def test_staff_without_product_rights_cannot_approve(client, draft):
    """Viewing and changing drafts is not enough: approval writes the product."""
    clerk = UserFactory(
        username="clerk",
        is_staff=True,
        permissions=["translation.view_translationdraft", "translation.change_translationdraft"],
    )
    client.force_login(clerk)
    url = reverse("admin:translation_translationdraft_change", args=[draft.pk])

    response = client.post(
        url,
        {"title": "越野跑鞋", "description": "", "highlights": "", "_approve": "1"},
        follow=True,
    )

    assert "You may not change products" in response.content.decode()
    assert ProductTranslation.objects.count() == 0


@pytest.fixture
def finished_import():
    now = timezone.now()
    imported = [ProductFactory(), ProductFactory()]
    Product.objects.filter(pk__in=[p.pk for p in imported]).update(updated_at=now)
    catalog_import = CatalogImport.objects.create(
        filename="catalog.csv",
        dry_run=False,
        status=CatalogImport.Status.DONE,
        result={
            "file_format": "csv",
            "dry_run": False,
            "written": 2,
            "created": 2,
            "updated": 0,
            "unchanged": 0,
            "rejected": 0,
            "failed": 0,
            "errors": [],
            "errors_total": 0,
        },
        started_at=now - timedelta(seconds=5),
        finished_at=now + timedelta(seconds=5),
    )
    return catalog_import, imported


def test_the_import_status_page_offers_to_translate_what_it_wrote(
    client, merchant, finished_import, fake_engine, django_capture_on_commit_callbacks
):
    catalog_import, imported = finished_import

    page = client.get(reverse("admin:catalog_product_import_status", args=[catalog_import.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:translation_translationjob_from_import", args=[catalog_import.pk]),
            {"target_language": "zh-hans"},
        )

    content = page.content.decode()
    assert "Translate the 2 products this import wrote, as one batch" in content
    assert reverse("admin:translation_translationjob_from_import", args=[catalog_import.pk]) in (
        content
    )
    job = TranslationJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:translation_translationjob_change", args=[job.pk])
    assert job.product_ids == [p.pk for p in imported]
    assert TranslationDraft.objects.filter(job=job).count() == 2


def test_a_dry_run_import_offers_no_translation(client, merchant, finished_import):
    catalog_import, _imported = finished_import
    CatalogImport.objects.filter(pk=catalog_import.pk).update(dry_run=True)

    page = client.get(reverse("admin:catalog_product_import_status", args=[catalog_import.pk]))

    assert "Translate the imported products" not in page.content.decode()


def test_attribute_labels_are_proposed_checked_and_written(client, merchant, fake_engine):
    """The jobs list links the English-only labels; the page shows the model's proposals
    ticked, and writing stores the ticked (edited) ones only."""
    from tests.factories import AttributeFactory, AttributeOptionFactory

    material = AttributeFactory(code="material", name="Material", name_zh="")
    linen = AttributeOptionFactory(attribute=material, value="linen", label="Linen", label_zh="")
    fake_engine.table = {"Material": "材质", "Linen": "亚麻布"}
    url = reverse("admin:translation_attribute_labels")

    listing = client.get(reverse("admin:translation_translationjob_changelist")).content.decode()
    page = client.get(url)

    assert "2 attribute labels without Chinese" in listing
    assert page.context["rows"] == [
        (page.context["rows"][0][0], "材质"),
        (page.context["rows"][1][0], "亚麻布"),
    ]
    content = page.content.decode()
    assert f'name="label-attribute-{material.pk}" value="材质"' in content
    assert (
        f'name="write-option-{linen.pk}" id="write-option-{linen.pk}" value="1" checked' in content
    )

    response = client.post(
        url,
        {
            f"write-attribute-{material.pk}": "1",
            f"label-attribute-{material.pk}": "材质",
            f"label-option-{linen.pk}": "亚麻",
        },
        follow=True,
    )

    material.refresh_from_db()
    linen.refresh_from_db()
    assert (material.name_zh, linen.label_zh) == ("材质", "")
    assert "1 Chinese label written." in response.content.decode()


def test_attribute_labels_need_the_attribute_permission(client, fake_engine):
    clerk = UserFactory(
        username="clerk", is_staff=True, permissions=["translation.view_translationjob"]
    )
    client.force_login(clerk)

    assert client.get(reverse("admin:translation_attribute_labels")).status_code == 403
    listing = client.get(reverse("admin:translation_translationjob_changelist")).content.decode()
    assert "without Chinese" not in listing
    assert fake_engine.calls == []
