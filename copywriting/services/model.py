"""The copy model: retraining the generator on the shop's own approved copy.

The shop's descriptions are its approved copy: what merchants wrote and the drafts they
approved (approving writes a draft to the product). ``manage.py finetune generator --task
copywriting`` trains on them from the command line (``make demo`` runs it once); merchants
queue :func:`retrain_copy_model` from the admin. Either stores a ModelVersion with its
metrics; copywriting serves the active one without few-shot examples (they are what the base
model copies from).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from copywriting import conf
from copywriting.training import TASK_NAME
from llm_services.models import TrainingRun
from llm_services.training import GeneratorSettings, queue_training_run, run_finetune

RETRAIN_TASK = "copywriting.tasks.retrain_copy_model_task"


def queue_copy_model_training(*, user: Any = None) -> TrainingRun:
    """Record a queued training run and retrain on the llm queue's worker once the current
    transaction commits; the run shows how it ended (Training runs, in the admin)."""
    from celery import current_app

    run = queue_training_run(task=TASK_NAME, user=user)
    transaction.on_commit(lambda: current_app.tasks[RETRAIN_TASK].delay(run_id=run.pk))
    return run


def retrain_copy_model(*, user: Any = None, show_progress: bool = False) -> dict[str, Any]:
    """Fine-tune the copywriting alias on the shop's copy within COPYWRITING_RETRAIN_SECONDS
    and activate the new version; returns its name, steps and validation perplexity."""
    outcome = run_finetune(
        kind="generator",
        task_name=TASK_NAME,
        settings=GeneratorSettings(
            max_steps=conf.get("RETRAIN_MAX_STEPS"), time_budget=conf.get("RETRAIN_SECONDS")
        ),
        activate=True,
        user=user,
        show_progress=show_progress,
    )
    version, result = outcome.version, outcome.result
    if version is None or result is None:
        return {"version": None}
    return {
        "version": version.name,
        "steps": result.training.get("steps"),
        "perplexity": {
            "before": result.metrics["before"].get("perplexity"),
            "after": result.metrics["after"].get("perplexity"),
        },
    }
