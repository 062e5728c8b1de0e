"""Celery tasks of machine translation (routed to the llm queue by CELERY_TASK_ROUTES).

``services`` queues them by name (``services.RUN_JOB_TASK``), so services never import this
module.
"""

from __future__ import annotations

from celery import shared_task

from llm_services import LLMTimeout
from translation import selectors, services


@shared_task(
    bind=True,
    name=services.RUN_JOB_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(LLMTimeout,),
    retry_backoff=True,
    max_retries=3,
)
def run_translation_job_task(self, job_id: int) -> dict:
    """Run (or resume) a translation job from its cursor; returns its progress, which is also
    reported to the task's state after every chunk."""

    def progress(job) -> None:
        # Inline (eager) runs have no result backend to report to; the job row has it all.
        if not self.request.called_directly and not self.request.is_eager and self.request.id:
            self.update_state(state="PROGRESS", meta=selectors.job_progress(job))

    job = services.run_job(job_id, on_progress=progress)
    return selectors.job_progress(job)
