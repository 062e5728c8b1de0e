from __future__ import annotations

import logging

from celery import shared_task

from search import services

logger = logging.getLogger("search")


# A pool process killed mid-build (out of memory, the hard time limit) puts the message back on
# the queue instead of acknowledging it as failed: the rebuild is redone, at most
# TASK_MAX_DELIVERIES times (common.tasks), and the killed build left nothing behind (the OS
# drops its lock, the next build deletes its half-built folder, CURRENT never named it).
@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def rebuild_search_index_task(self, chunk_size: int = 256, incremental: bool = False) -> dict:
    """Build and publish a new shop index (queue "index"); progress goes to the task state."""

    def progress(done: int, total: int) -> None:
        if not self.request.called_directly and self.request.id:
            self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    try:
        report = services.rebuild_shop_index(
            chunk_size=chunk_size, incremental=incremental, on_progress=progress
        )
    except services.RebuildInProgress as exc:
        # Not retried: the build that holds the lock publishes the same catalog.
        logger.warning("search index rebuild task %s refused: %s", self.request.id, exc)
        return {"refused": str(exc)}
    return report.__dict__


@shared_task
def apply_search_index_updates_task() -> dict | None:
    """Periodic (beat): apply catalog changes to the index incrementally; None if up to date
    or another rebuild is running (the next run picks up what that one missed)."""
    try:
        report = services.apply_index_updates()
    except services.RebuildInProgress:
        logger.info("search index updates deferred: another rebuild is running")
        return None
    return report.__dict__ if report else None
