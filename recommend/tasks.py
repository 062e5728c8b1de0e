from __future__ import annotations

from celery import shared_task

from recommend import services


@shared_task
def train_recommender_task(time_budget: float | None = None) -> dict:
    """Periodic (beat, queue "index"): train, store and (when good) activate a new version.

    Idempotent: each run stores its own version from the log as it is, and activation only
    switches which folder is served; a rerun never changes an existing version.
    """
    return services.report_as_dict(services.train_recommender(time_budget=time_budget))
