from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from insights import services

# Reviews read per task run: a few embedding calls (about 5 s on two cores), well inside the
# default time limit; a run that leaves reviews queues the next batch itself.
TASK_BATCH = 1000


@shared_task
def refresh_review_insights_task(product_ids: list[int] | None = None) -> dict:
    """Analyse the changed reviews of ``product_ids`` (None: every product) and rebuild their
    aspect summaries, one batch per run. Idempotent: a rerun finds nothing to read.

    Queued on "index" when reviews change (``services.queue_review_insights_refresh``) and
    hourly by beat for every product.
    """
    report = services.refresh_review_insights(product_ids=product_ids, limit=TASK_BATCH)
    if report.remaining:
        refresh_review_insights_task.apply_async(args=[product_ids], queue=services.REFRESH_QUEUE)
    return asdict(report)
