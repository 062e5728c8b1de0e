"""The job task: on the llm queue with the long tasks' time limits, retried on timeouts,
running the job from its cursor and answering its progress."""

from __future__ import annotations

import pytest
from celery import current_app
from django.conf import settings

from llm_services import LLMTimeout
from tests.factories import ProductFactory
from tests.translation.engine_stub import fake_engine_fixture  # noqa: F401
from translation import services
from translation.models import TranslationDraft, TranslationJob
from translation.tasks import run_translation_job_task

pytestmark = pytest.mark.django_db


def test_the_task_is_routed_to_the_llm_queue_with_long_limits():
    """It loads the generator, so it runs where one copy of the weights lives."""
    route = current_app.amqp.router.route({}, services.RUN_JOB_TASK)

    assert route["queue"].name == "llm"
    assert settings.CELERY_TASK_ANNOTATIONS[services.RUN_JOB_TASK] == {
        "soft_time_limit": settings.CELERY_TASK_ANNOTATIONS[
            "copywriting.tasks.generate_copy_job_task"
        ]["soft_time_limit"],
        "time_limit": settings.CELERY_TASK_ANNOTATIONS["copywriting.tasks.generate_copy_job_task"][
            "time_limit"
        ],
    }
    assert run_translation_job_task.name == services.RUN_JOB_TASK
    assert run_translation_job_task.autoretry_for == (LLMTimeout,)
    assert run_translation_job_task.acks_late is True


def test_the_task_runs_the_job_and_answers_its_progress(fake_engine):
    products = [ProductFactory(), ProductFactory()]
    job = services.request_translation(
        product_ids=[p.pk for p in products], target_language="zh-hans"
    )

    progress = run_translation_job_task.apply(args=[job.pk]).get()

    assert progress == {
        "status": "done",
        "done": 2,
        "total": 2,
        "translated": 2,
        "already_translated": 0,
        "flagged": 0,
        "percent": 100,
    }
    assert TranslationDraft.objects.count() == 2


def test_queued_by_name_after_commit_runs_inline_without_a_broker(
    fake_engine, django_capture_on_commit_callbacks
):
    """Services queue the task by name once the transaction commits (eager in tests)."""
    product = ProductFactory()

    with django_capture_on_commit_callbacks(execute=True):
        job = services.request_translation(product_ids=[product.pk], target_language="zh-hans")

    job.refresh_from_db()
    assert (job.status, job.translated) == (TranslationJob.Status.DONE, 1)


def test_a_timeout_propagates_for_the_retry_and_leaves_the_job_running(monkeypatch):
    """LLMTimeout is retryable: the job keeps its cursor and stays running for the retry."""
    product = ProductFactory()
    job = services.request_translation(product_ids=[product.pk], target_language="zh-hans")

    def timeout(*args, **kwargs):
        raise LLMTimeout("generate took too long")

    monkeypatch.setattr(services.base, "_translate", timeout)

    with pytest.raises(LLMTimeout):
        services.run_job(job.pk)

    job.refresh_from_db()
    assert (job.status, job.cursor) == (TranslationJob.Status.RUNNING, 0)
    assert TranslationDraft.objects.count() == 0
