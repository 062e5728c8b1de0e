"""The merchant's flow in the admin: buttons, generate form, review, approve with override."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from copywriting import services
from copywriting.models import CopyDraft, CopyJob
from copywriting.selectors import product_facts
from copywriting.services import CopyRequest
from copywriting.tasks import generate_copy_job_task
from llm_services import LLMTimeout
from llm_services.conf import invalidate_active_versions
from llm_services.models import ModelVersion, TrainingRun
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


def test_product_changelist_offers_the_batch_actions(client, merchant):
    """copywriting registers its two batch actions on the product list, after the shop's own."""
    response = client.get(reverse("admin:catalog_product_changelist"))

    choices = dict(response.context["action_form"]["action"].field.choices)

    # Other apps (translation) register theirs too, so copywriting's follow the shop's own.
    names = list(choices)
    start = names.index("make_draft") + 1
    assert names[start : start + 2] == ["draft_copy_en", "draft_copy_zh"]
    assert choices["draft_copy_en"] == "Draft English descriptions (AI, batch)"
    assert choices["draft_copy_zh"] == "Draft Chinese descriptions (AI, batch)"


GENERATE = {
    "language": "en",
    "channel": "product_page",
    "tone": "luxury",
    "audience": "",
    "length": "short",
    "candidates": 2,
}


@pytest.fixture
def post_generate(client, django_capture_on_commit_callbacks):
    """Post the description form; with ``execute`` the queued task runs on commit (eager)."""

    def post(product, data=GENERATE, *, execute=True):
        url = reverse("admin:copywriting_generate", args=[product.pk, "description"])
        with django_capture_on_commit_callbacks(execute=execute):
            return client.post(url, data)

    return post


def test_generate_form_queues_a_job_and_redirects_to_its_status(
    client, merchant, make_product, fake_generator, post_generate
):
    """Posting the form stores one candidates job with the options, queued after commit, and
    lands on its status page; nothing is drafted inside the request."""
    fake_generator("A navy cotton tee.")
    product = make_product()

    response = post_generate(product, execute=False)

    job = CopyJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:copywriting_generate_status", args=[job.pk])
    assert (job.kind, job.status, job.field, job.channel, job.language) == (
        "candidates",
        "queued",
        "description",
        "product_page",
        "en",
    )
    assert job.options == {"tone": "luxury", "audience": "", "length": "short", "candidates": 2}
    assert (job.product_ids, job.total, job.cursor, job.requested_by) == (
        [product.pk],
        1,
        0,
        merchant,
    )
    assert CopyDraft.objects.count() == 0


def test_queued_job_drafts_the_candidates_with_their_provenance(
    client, merchant, make_product, fake_generator, post_generate
):
    """The job (inline without a broker) stores the candidates as generate_drafts always did:
    greedy then sampled, the request's options, prompt version, model, input hash."""
    fake_generator("A navy cotton tee.")
    product = make_product()

    post_generate(product)

    job = CopyJob.objects.get()
    assert (job.status, job.cursor, job.generated, job.flagged, job.error) == (
        "done",
        1,
        2,
        0,
        "",
    )
    request = CopyRequest(tone="luxury", length="short", candidates=2)
    expected_hash = services.input_hash(product_facts(product, "en"), request)
    drafts = list(CopyDraft.objects.filter(product=product).order_by("candidate"))
    assert [(d.candidate, d.job_id, d.batch_key, d.status) for d in drafts] == [
        (0, job.pk, None, "draft"),
        (1, job.pk, None, "draft"),
    ]
    for draft in drafts:
        assert (draft.field, draft.channel, draft.language) == ("description", "product_page", "en")
        assert draft.prompt_version == "copywriting-v2"
        assert (draft.model_alias, draft.model_id, draft.model_revision) == (
            "generate",
            "fake",
            "fake",
        )
        assert draft.input_hash == expected_hash
        assert draft.options == {
            "tone": "luxury",
            "audience": "",
            "length": "short",
            "examples": 0,
            "finetuned": False,
        }
        assert draft.parts == {
            "description": "A navy cotton tee.",
            "highlights": ["A navy cotton tee."],
        }
        assert (draft.checks, draft.is_flagged) == ([], False)


def test_status_page_refreshes_while_queued_and_running(
    client, merchant, make_product, fake_generator, post_generate
):
    """Queued and running, the page says so and reloads itself every 3 seconds."""
    fake_generator("A navy cotton tee.")
    product = make_product()
    response = post_generate(product, execute=False)
    job = CopyJob.objects.get()

    queued = client.get(response["Location"]).content.decode()
    CopyJob.objects.filter(pk=job.pk).update(status="running", started_at="2026-12-01T10:04:05Z")
    running = client.get(response["Location"]).content.decode()

    refresh = '<meta http-equiv="refresh" content="3">'
    assert refresh in queued
    assert '<strong class="copy-job-state">Queued</strong>' in queued
    assert "Waiting for the llm worker to pick the job up. This page refreshes itself." in queued
    assert "Product page (description + highlights) · English · 2 candidates" in queued
    assert '<progress max="1" value="0"></progress>' in queued
    assert refresh in running
    assert '<strong class="copy-job-state">Running</strong>' in running
    assert "Drafting since 10:04:05. This page refreshes itself." in running
    assert "No progress for a while" not in running


def test_status_page_of_a_done_job_links_to_its_drafts(
    client, merchant, make_product, fake_generator, settings, post_generate
):
    """Done: no more reloading, the summary message, each candidate and the drafts' list."""
    settings.COPYWRITING_TRIM_UNGROUNDED = False
    fake_generator("A red tee.")
    product = make_product()
    earlier = services.generate_drafts(product=product, request=CopyRequest())[0]

    response = post_generate(product)
    page = client.get(response["Location"]).content.decode()

    job = CopyJob.objects.get()
    first, second = CopyDraft.objects.filter(job=job).order_by("candidate")
    assert "http-equiv" not in page
    assert '<strong class="copy-job-state">Done</strong>' in page
    assert '<li class="warning">2 candidates drafted, 2 flagged by the checks.</li>' in page
    for number, draft in ((1, first), (2, second)):
        link = reverse("admin:copywriting_copydraft_change", args=[draft.pk])
        assert f'<section class="module copy-candidate" id="candidate-{number}">' in page
        assert f'<a class="button" href="{link}">Edit or override</a>' in page
    # Flagged candidates show their finding with the colour marked, and no one-click approval.
    assert 'A <mark class="copy-flag">red</mark> tee.' in page
    assert "not among the product&#x27;s attributes" in page
    assert "Approve and apply" not in page
    drafts_url = (
        reverse("admin:copywriting_copydraft_changelist")
        + f"?product__id__exact={product.pk}&amp;job__id__exact={job.pk}"
    )
    assert f'<a href="{drafts_url}">Review the drafts</a>' in page
    listing = client.get(drafts_url.replace("&amp;", "&"))
    assert listing.status_code == 200
    listed = {d.pk for d in listing.context["cl"].result_list}
    assert listed == {first.pk, second.pk}
    assert earlier.pk not in listed


def test_a_refused_job_says_why_in_the_merchants_language(
    client, merchant, make_product, fake_generator, post_generate
):
    """The worker fails the job in English; the Chinese admin reads the reason in Chinese."""
    fake_generator("A navy cotton tee.")
    product = make_product(attributes={}, highlights=[])

    response = post_generate(product)
    location = response["Location"].replace("/en/", "/zh-hans/", 1)
    page = client.get(location).content.decode()

    job = CopyJob.objects.get()
    assert job.error == (
        "The product has no attributes or highlights: add its facts before drafting copy, so "
        "the draft can be checked against them."
    )
    assert (
        "没有生成任何草稿: 商品没有属性或卖点：请先补充商品信息再起草文案，以便据此检查草稿。"
        in page
    )


def test_a_generator_timeout_fails_the_job_with_its_message(
    client, merchant, make_product, fake_generator, monkeypatch, post_generate
):
    """The model timing out ends in a failed job that says so, with no draft stored."""
    backend = fake_generator("A navy cotton tee.")

    def time_out(*args, **kwargs):
        raise LLMTimeout("no answer after 30 s")

    monkeypatch.setattr(backend, "generate_batch", time_out)
    product = make_product()

    response = post_generate(product)
    page = client.get(response["Location"]).content.decode()

    job = CopyJob.objects.get()
    message = "The model did not answer in time (no answer after 30 s). Generate again."
    assert (job.status, job.error, job.cursor, job.generated) == ("failed", message, 0, 0)
    assert CopyDraft.objects.count() == 0
    assert "http-equiv" not in page
    assert '<strong class="copy-job-state">Failed</strong>' in page
    assert f'<p class="errornote" role="alert">Nothing was drafted: {message}</p>' in page
    generate_url = reverse("admin:copywriting_generate", args=[product.pk, "description"])
    assert f'<a href="{generate_url}">Generate again</a>' in page


def test_a_refused_product_fails_the_job_with_the_reason(
    client, merchant, make_product, fake_generator, post_generate
):
    """A product with nothing to write from: the refusal is the failed job's message."""
    fake_generator("A navy cotton tee.")
    product = make_product(attributes={})

    post_generate(product)

    job = CopyJob.objects.get()
    assert (job.status, job.error) == (
        "failed",
        "The product has no attributes or highlights: add its facts before drafting copy, "
        "so the draft can be checked against them.",
    )
    assert CopyDraft.objects.count() == 0


def test_running_a_done_job_again_drafts_nothing(
    client, merchant, make_product, fake_generator, post_generate
):
    """The task delivered twice for the same job id: no new drafts, no new model calls."""
    generator = fake_generator("A navy cotton tee.")
    product = make_product()
    post_generate(product)
    job = CopyJob.objects.get()
    calls = len(generator.calls)

    progress = generate_copy_job_task.delay(job.pk).get()

    assert progress["status"] == "done"
    assert (progress["drafted"], progress["done"], progress["total"]) == (2, 1, 1)
    assert len(generator.calls) == calls
    assert CopyDraft.objects.filter(job=job).count() == 2
    assert CopyDraft.objects.count() == 2


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
    assert CopyJob.objects.count() == 0
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


def test_review_page_in_chinese_says_the_findings_in_chinese(
    client, merchant, make_product, fake_generator, settings
):
    """A draft checked by a worker reads in the language of the merchant's admin."""
    settings.COPYWRITING_TRIM_UNGROUNDED = False
    fake_generator("A red tee.")
    draft = services.generate_drafts(product=make_product(), request=CopyRequest())[0]

    html = client.get(f"/zh-hans/admin/copywriting/copydraft/{draft.pk}/change/").content.decode()

    assert "<strong>事实</strong> (描述): 写了颜色“red”，但商品属性中没有。" in html
    assert "States colour" not in html


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


def test_reviewer_without_change_product_is_refused_approval(client, make_product, fake_generator):
    """A staff user who may review drafts but not change products cannot approve product-page
    copy: the page says why, the draft stays a draft and the product is untouched."""
    fake_generator("A navy tee.")
    product = make_product()
    draft = services.generate_drafts(product=product, request=CopyRequest())[0]
    reviewer = UserFactory(username="copy-reviewer", is_staff=True)
    reviewer.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="copywriting",
            codename__in=["view_copydraft", "change_copydraft"],
        )
    )
    client.force_login(reviewer)

    response = client.post(
        reverse("admin:copywriting_copydraft_change", args=[draft.pk]),
        {"text": draft.text, "_approve": "1"},
        follow=True,
    )

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "You may not change products, so you cannot approve copy for the product page. "
        "Ask a merchant with the “Can change product” permission."
    ]
    assert CopyDraft.objects.get(pk=draft.pk).status == "draft"
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
    assert CopyJob.objects.count() == 0
    assert CopyDraft.objects.count() == 0


def test_status_page_needs_copy_draft_permission(client, make_product):
    """A viewer of drafts may follow a job; staff without copywriting permissions get 403."""
    job = services.start_candidates_job(product_id=make_product().pk, request=CopyRequest())
    url = reverse("admin:copywriting_generate_status", args=[job.pk])
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_copydraft"))

    client.force_login(UserFactory(username="clerk", is_staff=True))
    refused = client.get(url)
    client.force_login(viewer)
    allowed = client.get(url)

    assert refused.status_code == 403
    assert allowed.status_code == 200


def test_status_page_is_for_candidates_jobs_only(client, merchant, make_product):
    """A batch job has its own page (Copy batch jobs); the status URL answers 404 for it."""
    job = services.start_copy_job(product_ids=[make_product().pk], request=CopyRequest())

    response = client.get(reverse("admin:copywriting_generate_status", args=[job.pk]))

    assert response.status_code == 404


def test_a_clean_candidate_is_approved_in_one_click_from_the_job_page(
    client, merchant, make_product, fake_generator, post_generate
):
    fake_generator("A navy cotton tee for every day.")
    product = make_product()
    response = post_generate(product)
    job = CopyJob.objects.get()
    first, second = CopyDraft.objects.filter(job=job).order_by("candidate")
    approve = reverse("admin:copywriting_approve_candidate", args=[job.pk, second.pk])
    page = client.get(response["Location"]).content.decode()
    assert f'action="{approve}"' in page

    done = client.post(approve)

    assert done.status_code == 302
    assert done["Location"] == response["Location"]
    second.refresh_from_db()
    product.refresh_from_db()
    assert (second.status, second.reviewer) == ("approved", merchant)
    assert product.description == "A navy cotton tee for every day."
    page = client.get(response["Location"]).content.decode()
    assert "Candidate 2 approved and applied to the product." in page
    assert page.count("Approve and apply") == 1  # the first candidate's button only
    assert client.get(approve).status_code == 302  # a GET approves nothing
    other = client.post(reverse("admin:copywriting_approve_candidate", args=[job.pk + 1, first.pk]))
    assert other.status_code == 404


def test_one_click_approval_refuses_a_flagged_candidate(
    client, merchant, make_product, fake_generator, post_generate, settings
):
    settings.COPYWRITING_TRIM_UNGROUNDED = False
    fake_generator("A red tee.")
    post_generate(make_product())
    job = CopyJob.objects.get()
    draft = CopyDraft.objects.filter(job=job).first()

    client.post(reverse("admin:copywriting_approve_candidate", args=[job.pk, draft.pk]))

    draft.refresh_from_db()
    assert draft.status == "draft"
    page = client.get(reverse("admin:copywriting_generate_status", args=[job.pk])).content.decode()
    assert "give a reason to override the checks" in page


def test_one_click_approval_needs_change_permission(client, make_product, fake_generator):
    fake_generator("A navy tee.")
    product = make_product()
    job = services.start_candidates_job(product_id=product.pk, request=CopyRequest(), user=None)
    generate_copy_job_task(job.pk)
    draft = CopyDraft.objects.get(job=job)
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_copydraft"))
    client.force_login(viewer)

    response = client.post(reverse("admin:copywriting_approve_candidate", args=[job.pk, draft.pk]))

    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_batch_jobs_page_shows_the_quality_of_its_drafts(client, merchant, finished_batch):
    job = finished_batch(
        [
            ("One two three.", [{"check": "repetition", "severity": "error"}]),
            ("One two three four five.", []),
        ],
        seconds=30,
    )

    page = client.get(reverse("admin:copywriting_copyjob_change", args=[job.pk])).content.decode()

    assert '<table class="copy-quality">' in page
    for row in [
        "<tr><th>drafts</th><td>2</td></tr>",
        "<tr><th>flagged</th><td>50%</td></tr>",
        "<tr><th>· repetition</th><td>50%</td></tr>",
        "<tr><th>copy 8+ words from other copy</th><td>0%</td></tr>",
        "<tr><th>drafts per minute</th><td>4.0</td></tr>",
    ]:
        assert row in page


def test_merchants_queue_a_retraining_of_the_copy_model_in_one_action(
    client, merchant, make_product, fake_generator, monkeypatch, django_capture_on_commit_callbacks
):
    from celery import current_app

    queued = []
    task = current_app.tasks[services.RETRAIN_TASK]
    monkeypatch.setattr(task, "delay", lambda **kwargs: queued.append(kwargs))
    fake_generator("A navy tee.")
    draft = services.generate_drafts(product=make_product(), request=CopyRequest())[0]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:copywriting_copydraft_changelist"),
            {"action": "retrain_copy_model", "_selected_action": [draft.pk]},
            follow=True,
        )

    run = TrainingRun.objects.get()
    assert queued == [{"run_id": run.pk}]
    assert (run.task, run.status, run.requested_by) == ("copywriting", "queued", merchant)
    page = response.content.decode()
    assert "Training queued on the llm worker" in page
    assert reverse("admin:llm_services_trainingrun_change", args=[run.pk]) in page


@pytest.mark.django_db(transaction=True)
def test_without_a_worker_the_retraining_runs_in_the_request_and_says_how_it_ended(
    client, merchant, make_product, fake_generator, monkeypatch
):
    """No broker (tasks inline, as here) and no transaction around the action: the task ran
    before the message, which says how it ended, not "queued on the llm worker"."""
    from llm_services.training import FinetuneError

    def no_copy(**_kwargs):
        raise FinetuneError("Too few examples to train on: 1 (at least 16 needed).")

    monkeypatch.setattr(services, "retrain_copy_model", no_copy)
    fake_generator("A navy tee.")
    draft = services.generate_drafts(product=make_product(), request=CopyRequest())[0]

    response = client.post(
        reverse("admin:copywriting_copydraft_changelist"),
        {"action": "retrain_copy_model", "_selected_action": [draft.pk]},
        follow=True,
    )

    run = TrainingRun.objects.get()
    messages = [str(m) for m in response.context["messages"]]
    assert run.status == "failed"
    assert messages == [
        "No task worker is configured, so the training ran in this request: "
        f'<a href="{reverse("admin:llm_services_trainingrun_change", args=[run.pk])}">'
        f"Training run #{run.pk}</a>: Failed Too few examples to train on: 1 (at least 16 "
        "needed). (make demo runs a worker; see the README)."
    ]


def test_a_retraining_that_fails_says_why_in_the_admin(client, merchant, monkeypatch):
    """No approved copy to learn from: the run is failed with the reason, which the admin's
    Training runs page shows."""
    from copywriting.tasks import retrain_copy_model_task
    from llm_services.training import FinetuneError, queue_training_run

    def no_copy(**_kwargs):
        raise FinetuneError("Too few examples to train on: 0 (at least 16 needed).")

    monkeypatch.setattr(services, "retrain_copy_model", no_copy)
    run = queue_training_run(task="copywriting", user=merchant)

    summary = retrain_copy_model_task(run_id=run.pk)

    run.refresh_from_db()
    assert summary["status"] == "failed"
    listing = client.get(reverse("admin:llm_services_trainingrun_changelist")).content.decode()
    assert (run.status, run.error) == (
        "failed",
        "Too few examples to train on: 0 (at least 16 needed).",
    )
    assert "Too few examples to train on" in listing


def test_the_generate_page_names_the_model_that_writes(
    client, merchant, make_product, fake_generator, settings
):
    fake_generator("A navy tee.")
    settings.LLM_MODEL_VERSIONS = True
    product = make_product()
    url = reverse("admin:copywriting_generate", args=[product.pk, "description"])

    assert "Written by the base model" in client.get(url).content.decode()

    ModelVersion.objects.create(
        alias="generate",
        name="generate-copy-1",
        kind="generator",
        task="copywriting",
        method="lora",
        base_model="fake",
        artifact_path="versions/generate-copy-1",
        training_data_hash="0" * 64,
        metrics={"before": {"perplexity": 9.5}, "after": {"perplexity": 4.25}},
        is_active=True,
    )
    invalidate_active_versions()  # as activating does (versions are otherwise re-read later)
    page = client.get(url).content.decode()

    assert "version <a href=" in page
    assert ">generate-copy-1</a>" in page
    assert "Perplexity on held-out copy: 9.50 before training, 4.25 after." in page


def test_the_merchant_group_reads_training_runs_but_cannot_change_them(client):
    """A merchant who is no superuser follows the run the retrain action links to."""
    from django.contrib.auth.models import Group

    from llm_services.training import queue_training_run

    user = UserFactory(username="shopkeeper", is_staff=True, is_superuser=False)
    user.groups.add(Group.objects.get(name="Merchant"))
    client.force_login(user)
    run = queue_training_run(task="copywriting", user=user)

    page = client.get(reverse("admin:llm_services_trainingrun_change", args=[run.pk]))
    posted = client.post(reverse("admin:llm_services_trainingrun_change", args=[run.pk]), {})

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert posted.status_code == 403
    assert user.has_perm("llm_services.view_trainingrun")
    assert not user.has_perm("llm_services.view_modelversion")
