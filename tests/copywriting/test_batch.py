"""Batch jobs: idempotent, resumable, progress on the job; the command and the admin action."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from copywriting import services
from copywriting.models import CopyDraft, CopyJob
from copywriting.services import CopyRequest
from copywriting.tasks import generate_copy_job_task
from shop.catalog.models import ProductTranslation
from tests.factories import CategoryFactory, UserFactory

CLEAN = "A navy cotton crew tee for every day."


def make_job(product_ids, **options):
    request = CopyRequest(**options)
    return CopyJob.objects.create(
        field=request.field,
        channel=request.channel,
        language=request.language,
        options=request.options,
        product_ids=list(product_ids),
        total=len(product_ids),
    )


def test_services_do_not_import_tasks():
    """tasks.py imports services, never the other way round: jobs queue the task by name."""
    for path in Path(services.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                modules = {node.module or ""} | {f"{node.module}.{a.name}" for a in node.names}
            elif isinstance(node, ast.Import):
                modules = {a.name for a in node.names}
            else:
                continue
            assert "copywriting.tasks" not in modules, path.name
    assert generate_copy_job_task.name == services.RUN_JOB_TASK


def test_every_process_registers_the_job_task_at_startup():
    """A web process (one that never imports copywriting.tasks) finds the task by name."""
    code = (
        "import django, sys; django.setup(); from celery import current_app; "
        f"sys.exit(0 if {services.RUN_JOB_TASK!r} in current_app.tasks else 1)"
    )
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.test", **os.environ}
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=root)  # noqa: S603 - fixed code

    assert done.returncode == 0


@pytest.mark.django_db
def test_job_drafts_each_product_once_in_chunks(make_product, fake_generator):
    """Five products in chunks of two: five drafts, three batched calls per part, progress."""
    generator = fake_generator(CLEAN)
    products = [make_product() for _ in range(5)]
    job = make_job([p.pk for p in products])
    seen = []

    done = services.run_copy_job(job.pk, chunk_size=2, on_progress=lambda j: seen.append(j.cursor))

    assert seen == [2, 4, 5]
    assert (done.status, done.cursor, done.generated, done.skipped, done.refused) == (
        "done",
        5,
        5,
        0,
        0,
    )
    drafts = CopyDraft.objects.filter(job=job)
    assert sorted(d.product_id for d in drafts) == sorted(p.pk for p in products)
    assert {d.batch_key.split(":")[0] for d in drafts} == {str(p.pk) for p in products}
    # description and highlights for each chunk of at most two products
    assert len(generator.calls) == 10
    assert done.finished_at is not None


@pytest.mark.django_db
def test_a_second_job_over_the_same_input_drafts_nothing(make_product, fake_generator, settings):
    """Same product, field, language, input hash and prompt version: skipped, model or not."""
    fake_generator(CLEAN)
    products = [make_product() for _ in range(3)]
    services.run_copy_job(make_job([p.pk for p in products]).pk)
    settings.LLM_MODELS = {**settings.LLM_MODELS, "generate": None}

    again = services.run_copy_job(make_job([p.pk for p in products]).pk)

    assert (again.status, again.generated, again.skipped) == ("done", 0, 3)
    assert CopyDraft.objects.count() == 3


@pytest.mark.django_db
def test_changed_product_data_is_a_new_input(make_product, fake_generator):
    """Editing a product's attributes changes its input hash: the next job drafts it again."""
    fake_generator(CLEAN)
    product = make_product()
    services.run_copy_job(make_job([product.pk]).pk)
    product.attributes = {**product.attributes, "color": "red"}
    product.save()

    again = services.run_copy_job(make_job([product.pk]).pk)

    assert (again.generated, again.skipped) == (1, 0)
    assert CopyDraft.objects.filter(product=product).count() == 2


@pytest.mark.django_db
def test_killed_job_resumes_after_its_last_finished_chunk(make_product, fake_generator):
    """A worker killed after storing a chunk but before moving the cursor redoes only that chunk,
    without a second draft, and counts it as its own."""
    generator = fake_generator(CLEAN)
    products = [make_product() for _ in range(4)]
    job = make_job([p.pk for p in products])
    # The state a kill leaves: chunk 1 committed (cursor 2), chunk 2's drafts stored by this
    # job, the cursor not yet moved, the job still "running".
    services.run_copy_job(job.pk, chunk_size=2, on_progress=lambda j: _stop_after_first(j))
    CopyJob.objects.filter(pk=job.pk).update(status="running")
    chunk_two = make_job([p.pk for p in products[2:]])
    services.run_copy_job(chunk_two.pk)
    CopyDraft.objects.filter(job=chunk_two).update(job=job)
    calls_before = len(generator.calls)

    resumed = services.run_copy_job(job.pk, chunk_size=2)

    assert len(generator.calls) == calls_before  # nothing generated again
    assert (resumed.status, resumed.cursor, resumed.generated, resumed.skipped) == (
        "done",
        4,
        4,
        0,
    )
    assert CopyDraft.objects.count() == 4


class _Killed(Exception):
    pass


def _stop_after_first(job):
    raise _Killed


@pytest.fixture(autouse=True)
def _catch_kill(monkeypatch):
    """run_copy_job lets the progress callback's exception through, like a dying worker."""
    original = services.run_copy_job

    def run(*args, **kwargs):
        try:
            return original(*args, **kwargs)
        except _Killed:
            return CopyJob.objects.get(pk=args[0])

    monkeypatch.setattr(services, "run_copy_job", run)


@pytest.mark.django_db
def test_job_fails_visibly_when_the_model_is_off(make_product, settings):
    """With nothing drafted yet and no model, the job fails with the reason and drafts nothing."""
    settings.LLM_MODELS = {**settings.LLM_MODELS, "generate": None}
    product = make_product()

    job = services.run_copy_job(make_job([product.pk]).pk)

    assert job.status == "failed"
    assert job.error.startswith("Copywriting is disabled:")
    assert job.cursor == 0
    assert CopyDraft.objects.count() == 0


@pytest.mark.django_db
def test_products_without_facts_are_counted_as_refused(make_product, fake_generator):
    """A product with nothing to write from is refused inside a batch; the others go on."""
    fake_generator(CLEAN)
    bare = make_product(attributes={})
    full = make_product()

    job = services.run_copy_job(make_job([bare.pk, full.pk]).pk)

    assert (job.generated, job.refused, job.status) == (1, 1, "done")
    assert list(CopyDraft.objects.values_list("product_id", flat=True)) == [full.pk]


@pytest.mark.django_db
def test_a_prompt_too_long_for_the_model_is_refused_alone(
    make_product, tiny_causal_lm_dir, use_generator, settings
):
    """On a real (tiny) model, a prompt over the context is refused; its chunk-mates are drafted."""
    use_generator(tiny_causal_lm_dir)
    settings.COPYWRITING_MAX_FIELD_CHARS = 100_000
    huge = make_product(highlights=["tee " * 400] * 6)
    normal = make_product()

    job = services.run_copy_job(make_job([huge.pk, normal.pk]).pk)

    assert (job.generated, job.refused, job.status) == (1, 1, "done")
    draft = CopyDraft.objects.get()
    assert draft.product_id == normal.pk
    assert draft.model_revision == "tiny-random-llama-seed0"


@pytest.mark.django_db
def test_task_runs_the_job_and_reports_progress(make_product, fake_generator):
    """The Celery task (inline without a broker) takes the job id and returns its progress."""
    fake_generator(CLEAN)
    product = make_product()
    job = make_job([product.pk])

    progress = generate_copy_job_task.delay(job.pk).get()

    assert progress == {
        "status": "done",
        "done": 1,
        "total": 1,
        "drafted": 1,
        "already_drafted": 0,
        "refused": 0,
        "flagged": 0,
        "percent": 100,
    }
    assert generate_copy_job_task.name == "copywriting.tasks.generate_copy_job_task"
    route = django_settings.CELERY_TASK_ROUTES["copywriting.tasks.*"]
    assert route == {"queue": "llm"}


@pytest.mark.django_db
def test_start_queues_after_commit(
    make_product, fake_generator, django_capture_on_commit_callbacks
):
    """start_copy_job stores the job and enqueues it only once the transaction commits."""
    fake_generator(CLEAN)
    product = make_product()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.start_copy_job(product_ids=[product.pk, product.pk], request=CopyRequest())
    assert CopyJob.objects.get(pk=job.pk).status == "queued"
    assert job.total == 1
    for callback in callbacks:
        callback()

    job.refresh_from_db()
    assert (job.status, job.generated) == ("done", 1)


@pytest.mark.django_db
def test_command_selects_category_and_missing_only(make_product, fake_generator, fashion):
    """--category with subcategories, --missing-only per language, --language zh-hans."""
    fake_generator("藏青色纯棉T恤。")
    child = CategoryFactory(parent=fashion, slug="long-sleeve")
    described = make_product()
    ProductTranslation.objects.create(
        product=described, language_code="zh-hans", title="T恤", description="已有描述。"
    )
    missing = make_product(category=child)
    elsewhere = make_product(category=CategoryFactory(slug="mugs"), attributes={})

    call_command(
        "generate_copy",
        "--category",
        "tees",
        "--missing-only",
        "--language",
        "zh-hans",
        "--inline",
        verbosity=0,
    )

    job = CopyJob.objects.get()
    assert job.product_ids == [missing.pk]
    assert (job.status, job.language, job.generated) == ("done", "zh-hans", 1)
    assert CopyDraft.objects.get().product_id == missing.pk
    assert elsewhere.pk not in job.product_ids


@pytest.mark.django_db
def test_command_refuses_when_copywriting_is_disabled(make_product, settings):
    """No model: the command says so and queues nothing."""
    settings.LLM_MODELS = {**settings.LLM_MODELS, "generate": None}
    make_product()

    with pytest.raises(CommandError, match="Copywriting is disabled"):
        call_command("generate_copy", verbosity=0)
    assert CopyJob.objects.count() == 0


@pytest.mark.django_db
def test_command_resumes_a_job(make_product, fake_generator):
    """--resume continues a failed job from its cursor."""
    fake_generator(CLEAN)
    products = [make_product() for _ in range(3)]
    job = make_job([p.pk for p in products])
    CopyJob.objects.filter(pk=job.pk).update(status="failed", cursor=1, error="worker lost")

    call_command("generate_copy", "--resume", str(job.pk), "--inline", verbosity=0)

    job.refresh_from_db()
    assert (job.status, job.cursor, job.generated, job.error) == ("done", 3, 2, "")
    assert sorted(CopyDraft.objects.values_list("product_id", flat=True)) == sorted(
        p.pk for p in products[1:]
    )


@pytest.mark.django_db
def test_admin_batch_action_queues_a_job_and_links_to_it(
    client, make_product, fake_generator, django_capture_on_commit_callbacks
):
    """The product changelist action starts one job for the selection; its page shows progress."""
    fake_generator(CLEAN)
    merchant = UserFactory(username="merchant", is_staff=True, is_superuser=True)
    client.force_login(merchant)
    products = [make_product() for _ in range(2)]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:catalog_product_changelist"),
            {"action": "draft_copy_en", "_selected_action": [p.pk for p in products]},
            follow=True,
        )

    job = CopyJob.objects.get()
    assert f"Queued copy job #{job.pk} for 2 products." in response.content.decode()
    job.refresh_from_db()
    assert (job.status, job.generated, job.requested_by) == ("done", 2, merchant)
    listing = client.get(reverse("admin:copywriting_copyjob_changelist")).content.decode()
    assert '<progress max="2" value="2"></progress> 2 / 2' in listing


@pytest.mark.django_db
def test_admin_batch_action_refuses_when_disabled(client, make_product, settings):
    """With the model off the action says copywriting is disabled and starts nothing."""
    settings.LLM_MODELS = {**settings.LLM_MODELS, "generate": None}
    client.force_login(UserFactory(username="merchant", is_staff=True, is_superuser=True))
    product = make_product()

    response = client.post(
        reverse("admin:catalog_product_changelist"),
        {"action": "draft_copy_zh", "_selected_action": [product.pk]},
        follow=True,
    )

    assert "Copywriting is disabled" in response.content.decode()
    assert CopyJob.objects.count() == 0


# -- a real worker (CI: REQUIRE_CELERY_WORKER=1) ------------------------------------------------


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_batch_runs_on_a_real_worker_on_the_llm_queue(real_worker, make_product, fake_generator):
    """Through the broker, a worker on the llm queue drafts a new product with its own model
    (CI gives it the tiny random one, see config/settings/test.py) and skips one that is
    already drafted (idempotent)."""
    fake_generator(CLEAN)
    drafted = make_product()
    services.run_copy_job(make_job([drafted.pk]).pk)  # drafted in this process
    fresh = make_product()
    rerun = make_job([drafted.pk])
    new = make_job([fresh.pk], candidates=1)

    first = generate_copy_job_task.apply_async(args=[rerun.pk], queue="llm")
    second = generate_copy_job_task.apply_async(args=[new.pk], queue="llm")

    assert first.get(timeout=120)["already_drafted"] == 1
    second.get(timeout=300)
    rerun.refresh_from_db()
    new.refresh_from_db()
    assert (rerun.status, rerun.skipped, rerun.generated) == ("done", 1, 0)
    assert (new.status, new.generated, new.error) == ("done", 1, "")
    draft = CopyDraft.objects.get(product=fresh)
    assert draft.model_revision == "tiny-random-llama-seed0"
    assert draft.generated_text != ""


@pytest.mark.django_db
def test_descriptions_only_batch_skips_the_highlights(make_product, fake_generator):
    """--no-highlights: one description prompt per product and no highlights prompt."""
    generator = fake_generator(CLEAN)
    products = [make_product() for _ in range(3)]

    call_command("generate_copy", "--no-highlights", "--inline", "--chunk-size", "8", verbosity=0)

    job = CopyJob.objects.get()
    assert (job.generated, job.options["highlights"]) == (3, False)
    assert [c["prompt"].endswith("Description:\n") for c in generator.calls] == [True] * 3
    assert {tuple(d.parts) for d in CopyDraft.objects.all()} == {("description",)}
    assert sorted(job.product_ids) == sorted(p.pk for p in products)
