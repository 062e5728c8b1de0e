from __future__ import annotations

from celery import shared_task

from support_chat import services


@shared_task
def train_intents_task(activate: bool = True) -> dict:
    """Train the intent classifier on the stored examples and activate it.

    Queued on "index" by ``services.queue_intent_training`` (the worker that holds the embedder).
    """
    report = services.train_intent_classifier(activate=activate)
    return {"version": report.version, "activated": report.activated, **report.facts}
