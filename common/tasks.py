"""The Celery task class of every task: a cap on how often one message is delivered.

Tasks are acknowledged late (``CELERY_TASK_ACKS_LATE``), and the copy job also sets
``reject_on_worker_lost``: a message whose worker dies before it finishes goes back to the
queue. A task that kills its worker every time (out of memory, a native crash, a hard time
limit) would then be delivered for ever and take each worker down in turn. So each delivery
of a message is counted in the cache (shared by every worker when ``REDIS_URL`` is set), by
task id and retry number, so ``self.retry()``'s new messages start a new count; past
``TASK_MAX_DELIVERIES`` the task is not run again, an error is logged and the message is
acknowledged.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger("tasks")

# A counter outlives any redelivery loop (a broker's visibility timeout is an hour at most).
DELIVERY_COUNT_SECONDS = 24 * 3600


def delivery_key(task_id: str, retries: int) -> str:
    return f"tasks:deliveries:{task_id}:{retries}"


def count_delivery(task_id: str, retries: int) -> int:
    """Count one more delivery of this message; returns the count, this one included."""
    key = delivery_key(task_id, retries)
    if cache.add(key, 1, timeout=DELIVERY_COUNT_SECONDS):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=DELIVERY_COUNT_SECONDS)
        return 1


class DeliveryCappedTask(Task):
    """Skips (and logs) a message delivered more than ``TASK_MAX_DELIVERIES`` times."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        request = self.request
        if request.id and not request.is_eager and not request.called_directly:
            limit = int(getattr(settings, "TASK_MAX_DELIVERIES", 3))
            deliveries = count_delivery(request.id, request.retries or 0)
            if deliveries > limit:
                logger.error(
                    "task %s[%s] given up: delivered %d times (TASK_MAX_DELIVERIES=%d), its "
                    "workers died or were killed each time; args=%r kwargs=%r",
                    self.name,
                    request.id,
                    deliveries,
                    limit,
                    args,
                    kwargs,
                )
                return None
        return super().__call__(*args, **kwargs)
