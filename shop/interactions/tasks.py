from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def refresh_product_popularity_task(days: int = 30) -> int:
    """Periodic (beat): the "popular" sort reads the score this writes."""
    return services.refresh_product_popularity(days=days)


@shared_task
def purge_expired_data_task() -> dict:
    """Periodic (beat, daily): expired sessions and log rows past DATA_RETENTION."""
    from . import retention

    report = retention.purge_expired_data()
    return {"sessions": report.sessions, "rows": report.rows}
