"""Training runs asked for from the admin: queued, running, done or failed, in the database.

    run = queue_training_run(task="copywriting", user=request.user)
    transaction.on_commit(lambda: task.delay(run_id=run.pk))
    ...                                   # on the worker:
    with recorded_run(run_id, task="copywriting") as handle:
        handle.result = retrain(...)
        handle.version_name = handle.result["version"]
    return handle.summary()

A run that fails for a reason meant for the merchant (a ``FinetuneError``, ``LLMError``,
``ValueError`` or one of the caller's ``expected`` exceptions, e.g. "too few approved drafts")
is stored as failed with that message and the error goes no further: the task ends normally,
so a shop without a broker, which runs the task inside the admin's request, shows its page.
Any other exception is stored by its type (the traceback goes to the log) and raised again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from llm_services.exceptions import LLMError
from llm_services.models import ModelVersion, TrainingRun

logger = logging.getLogger(__name__)
ERROR_CHARS = 2000


@dataclass
class RunHandle:
    """What the code inside :func:`recorded_run` reports back."""

    run: TrainingRun
    version_name: str | None = None
    result: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """The task's return value: the run's id, status, version and error, and the result."""
        return {
            **self.result,
            "run_id": self.run.pk,
            "status": self.run.status,
            "version": self.version_name,
            "error": self.run.error,
        }


def queue_training_run(*, task: str, user: Any = None) -> TrainingRun:
    """A queued run of ``task`` asked for by ``user`` (an admin user, or None)."""
    requested_by = user if getattr(user, "pk", None) else None
    return TrainingRun.objects.create(task=task, requested_by=requested_by)


@contextmanager
def recorded_run(
    run_id: int | None, *, task: str, expected: tuple[type[Exception], ...] = ()
) -> Iterator[RunHandle]:
    """Mark the run running, then done (with the version named in the handle) or failed.

    ``run_id`` None (a task queued before runs were recorded, or a command) records a new run
    of ``task``. An unknown id does too: the run row was deleted meanwhile. ``expected``: the
    caller's own exceptions whose message is meant for the merchant.
    """
    from llm_services.training.pipeline import FinetuneError

    run = TrainingRun.objects.filter(pk=run_id).first() if run_id is not None else None
    if run is None:
        run = TrainingRun.objects.create(task=task)
    run.status, run.started_at, run.error = TrainingRun.Status.RUNNING, timezone.now(), ""
    run.save(update_fields=["status", "started_at", "error"])
    handle = RunHandle(run)
    try:
        yield handle
    except Exception as exc:
        meant_for_merchant = isinstance(exc, (FinetuneError, LLMError, ValueError, *expected))
        if meant_for_merchant:
            logger.warning("training run %s failed: %s", run.pk, exc)
            message = str(exc) or type(exc).__name__
        else:
            logger.exception("training run %s failed", run.pk)
            message = f"unexpected error ({type(exc).__name__}); the worker's log has the details"
        run.status, run.error = TrainingRun.Status.FAILED, message[:ERROR_CHARS]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        handle.version_name = None
        if not meant_for_merchant:
            raise
        return
    run.status, run.finished_at = TrainingRun.Status.DONE, timezone.now()
    if handle.version_name:
        run.version = ModelVersion.objects.filter(name=handle.version_name).first()
    run.save(update_fields=["status", "finished_at", "version"])
