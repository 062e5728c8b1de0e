from __future__ import annotations

from celery import shared_task

from search import services


@shared_task(bind=True)
def rebuild_search_index_task(self, chunk_size: int = 256, incremental: bool = False) -> dict:
    """Build and publish a new shop index (queue "index"); progress goes to the task state."""

    def progress(done: int, total: int) -> None:
        if not self.request.called_directly and self.request.id:
            self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    report = services.rebuild_shop_index(
        chunk_size=chunk_size, incremental=incremental, on_progress=progress
    )
    return report.__dict__


@shared_task
def apply_search_index_updates_task() -> dict | None:
    """Periodic (beat): apply catalog changes to the index incrementally; None if up to date."""
    report = services.apply_index_updates()
    return report.__dict__ if report else None
