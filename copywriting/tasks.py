"""Celery tasks of copywriting (routed to the llm queue by CELERY_TASK_ROUTES)."""

from __future__ import annotations

from celery import shared_task

from llm_services import LLMTimeout


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(LLMTimeout,),
    retry_backoff=True,
    max_retries=3,
)
def generate_copy_job_task(job_id: int) -> dict:
    """Run (or resume) a copy batch job; returns its progress."""
    from copywriting import selectors, services

    job = services.run_copy_job(job_id)
    return selectors.job_progress(job)
