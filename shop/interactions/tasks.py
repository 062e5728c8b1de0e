from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def refresh_product_popularity_task(days: int = 30) -> int:
    """Periodic (beat): the "popular" sort reads the score this writes."""
    return services.refresh_product_popularity(days=days)
