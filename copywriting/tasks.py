"""Celery tasks of copywriting (routed to the llm queue by CELERY_TASK_ROUTES).

``services.jobs`` queues them by name (``services.RUN_JOB_TASK``), so services never import
this module.
"""

from __future__ import annotations

from celery import shared_task

from copywriting import selectors, services
from copywriting.training import TASK_NAME
from llm_services import LLMTimeout
from llm_services.training import recorded_run


@shared_task(
    name=services.RUN_JOB_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(LLMTimeout,),
    retry_backoff=True,
    max_retries=3,
)
def generate_copy_job_task(job_id: int) -> dict:
    """Run (or resume) a copy job, batch or the admin's candidates; returns its progress.

    A candidates job fails on an LLM timeout instead of raising it, so only batch jobs are
    retried (see services.run_copy_job).
    """
    job = services.run_copy_job(job_id)
    return selectors.job_progress(job)


@shared_task(name=services.RETRAIN_TASK, acks_late=True)
def retrain_copy_model_task(run_id: int | None = None, user_id: int | None = None) -> dict:
    """Fine-tune the copy model on the shop's approved copy and activate it, recording the
    outcome on training run ``run_id`` (``user_id``: a task queued before runs existed)."""
    from django.contrib.auth import get_user_model

    with recorded_run(run_id, task=TASK_NAME) as handle:
        user = handle.run.requested_by or (
            get_user_model().objects.filter(pk=user_id).first() if user_id else None
        )
        handle.result = services.retrain_copy_model(user=user)
        handle.version_name = handle.result.get("version")
    return handle.summary()
