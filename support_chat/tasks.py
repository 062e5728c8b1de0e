from __future__ import annotations

from celery import shared_task

from llm_services.training import recorded_run
from support_chat import services


@shared_task
def train_intents_task(activate: bool = True, run_id: int | None = None) -> dict:
    """Train the intent classifier on the stored examples and activate it, recording the
    outcome on training run ``run_id``.

    Queued on "index" by ``services.queue_intent_training`` (the worker that holds the embedder).
    """
    with recorded_run(
        run_id, task=services.INTENTS_TASK, expected=(services.IntentTrainingError,)
    ) as handle:
        report = services.train_intent_classifier(activate=activate)
        handle.result = {"activated": report.activated, **report.facts}
        handle.version_name = report.version
    return handle.summary()
