"""The merchant's flow in the admin: buttons, generate form, review, approve with override."""

import pytest
from django.urls import reverse

from copywriting import services
from copywriting.models import CopyDraft
from copywriting.services import CopyRequest
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def merchant(client):
    user = UserFactory(username="merchant", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_product_form_has_the_generate_buttons(client, merchant, make_product, fake_generator):
    """The product change form links to both generators and to the drafts to review."""
    fake_generator("A navy tee.")
    product = make_product()
    services.generate_drafts(product=product, request=CopyRequest(candidates=2))

    page = client.get(reverse("admin:catalog_product_change", args=[product.pk])).content.decode()

    assert reverse("admin:copywriting_generate", args=[product.pk, "description"]) in page
    assert reverse("admin:copywriting_generate", args=[product.pk, "marketing"]) in page
    assert "Generate description" in page
    assert "Generate marketing copy" in page
    assert "2 copy drafts to review" in page


def test_generate_form_drafts_candidates_and_lists_them(
    client, merchant, make_product, fake_generator
):
    """Posting the form stores the candidates and lands on this product's drafts."""
    fake_generator("A navy cotton tee.")
    product = make_product()
    url = reverse("admin:copywriting_generate", args=[product.pk, "description"])

    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "language": "en",
            "channel": "product_page",
            "tone": "luxury",
            "audience": "",
            "length": "short",
            "candidates": 2,
        },
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"?product__id__exact={product.pk}&status__exact=draft")
    drafts = CopyDraft.objects.filter(product=product)
    assert drafts.count() == 2
    assert {d.options["tone"] for d in drafts} == {"luxury"}
    listing = client.get(response["Location"]).content.decode()
    assert "clean" in listing


def test_marketing_form_offers_only_marketing_channels(client, merchant, make_product):
    """The marketing generator lists SEO, email, social and banner, not the product page."""
    product = make_product()

    form = client.get(
        reverse("admin:copywriting_generate", args=[product.pk, "marketing"])
    ).context["form"]

    assert [value for value, _label in form.fields["channel"].choices] == [
        "seo",
        "email",
        "social",
        "banner",
    ]


def test_generate_page_says_copywriting_is_disabled(client, merchant, make_product, settings):
    """With no model the page shows why, the form is disabled and a post drafts nothing."""
    settings.LLM_MODELS = {**settings.LLM_MODELS, "generate": None}
    product = make_product()
    url = reverse("admin:copywriting_generate", args=[product.pk, "description"])

    page = client.get(url).content.decode()
    client.post(
        url,
        {
            "language": "en",
            "channel": "product_page",
            "tone": "professional",
            "length": "medium",
            "candidates": 1,
        },
    )

    assert "Copywriting is disabled: the text model cannot serve right now." in page
    assert "switched off in LLM_MODELS" in page
    assert CopyDraft.objects.count() == 0


def test_review_marks_offending_spans(client, merchant, make_product, fake_generator, settings):
    """The review page lists the findings and marks each offending span in the text."""
    settings.COPYWRITING_TRIM_UNGROUNDED = False
    fake_generator("A red tee.")
    draft = services.generate_drafts(product=make_product(), request=CopyRequest())[0]

    page = client.get(reverse("admin:copywriting_copydraft_change", args=[draft.pk]))

    html = page.content.decode()
    assert 'A <mark class="copy-flag">red</mark> tee.' in html
    assert "Flagged: 2 findings" in html
    assert "Approve with override" in html


def test_approve_flagged_needs_override_then_records_it(
    client, merchant, make_product, fake_generator, settings
):
    """Approving a flagged draft without a reason is refused; with one, it is applied."""
    settings.COPYWRITING_TRIM_UNGROUNDED = False
    fake_generator("A red tee.")
    product = make_product()
    draft = services.generate_drafts(product=product, request=CopyRequest())[0]
    url = reverse("admin:copywriting_copydraft_change", args=[draft.pk])

    refused = client.post(
        url, {"text": draft.text, "override_reason": "", "_approve": "1"}, follow=True
    )
    assert "This draft is flagged" in refused.content.decode()
    assert CopyDraft.objects.get(pk=draft.pk).status == "draft"

    client.post(url, {"text": draft.text, "override_reason": "New colourway", "_approve": "1"})

    stored = CopyDraft.objects.get(pk=draft.pk)
    assert (stored.status, stored.override_reason, stored.reviewer) == (
        "approved",
        "New colourway",
        merchant,
    )
    product.refresh_from_db()
    assert product.description == "A red tee."


def test_edit_and_approve_from_the_review_page(client, merchant, make_product, fake_generator):
    """The merchant's edit is what gets applied, the model's text is kept beside it."""
    fake_generator("A navy tee.")
    product = make_product()
    draft = services.generate_drafts(product=product, request=CopyRequest())[0]

    client.post(
        reverse("admin:copywriting_copydraft_change", args=[draft.pk]),
        {"text": "A soft navy cotton tee.\n- Navy\n- Cotton", "_approve": "1"},
    )

    product.refresh_from_db()
    assert product.description == "A soft navy cotton tee."
    assert product.highlights == ["Navy", "Cotton"]
    assert CopyDraft.objects.get(pk=draft.pk).generated_text == "A navy tee.\n- A navy tee."


def test_reject_from_the_review_page(client, merchant, make_product, fake_generator):
    """Reject keeps the draft, marks it rejected and leaves the product alone."""
    fake_generator("A navy tee.")
    product = make_product()
    draft = services.generate_drafts(product=product, request=CopyRequest())[0]

    client.post(
        reverse("admin:copywriting_copydraft_change", args=[draft.pk]),
        {"text": draft.text, "_reject": "1"},
    )

    assert CopyDraft.objects.get(pk=draft.pk).status == "rejected"
    product.refresh_from_db()
    assert product.description == ""


def test_staff_without_permission_cannot_review(client, make_product, fake_generator):
    """A staff user without copywriting permissions gets 403 on the review page."""
    fake_generator("A navy tee.")
    draft = services.generate_drafts(product=make_product(), request=CopyRequest())[0]
    client.force_login(UserFactory(username="clerk", is_staff=True))

    response = client.get(reverse("admin:copywriting_copydraft_change", args=[draft.pk]))

    assert response.status_code == 403


def test_job_page_shows_progress_and_stalled_state(client, merchant, make_product):
    """A running job without progress for a while reads "stalled (resume it)"."""
    from datetime import timedelta

    from django.utils import timezone

    from copywriting.models import CopyJob

    product = make_product()
    job = CopyJob.objects.create(
        field="description",
        channel="product_page",
        language="en",
        product_ids=[product.pk, product.pk + 1],
        total=2,
        cursor=1,
        status="running",
        heartbeat_at=timezone.now() - timedelta(hours=1),
    )

    page = client.get(reverse("admin:copywriting_copyjob_change", args=[job.pk])).content.decode()

    assert "stalled (resume it)" in page
    assert '<progress max="2" value="1"></progress> 1 / 2' in page


def test_generating_needs_change_permission(client, make_product, fake_generator):
    """A staff user who may only view drafts cannot post the generate form."""
    from django.contrib.auth.models import Permission

    fake_generator("A navy tee.")
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_copydraft"))
    client.force_login(viewer)
    product = make_product()
    url = reverse("admin:copywriting_generate", args=[product.pk, "description"])

    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "language": "en",
            "channel": "product_page",
            "tone": "professional",
            "length": "medium",
            "candidates": 1,
        },
    )

    assert response.status_code == 403
    assert CopyDraft.objects.count() == 0
