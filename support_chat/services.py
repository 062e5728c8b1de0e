"""Writes of support chat: seeding intent examples, training and storing the intent classifier."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from support_chat import selectors
from support_chat.intents import HEAD_FILE, INTENTS_ALIAS, EmbeddingCache, fit_intent_head
from support_chat.models import Intent, IntentExample

logger = logging.getLogger("support_chat")

SEED_FILE = Path(__file__).resolve().parent / "data" / "intents.yaml"
TRAIN_TASK = "support_chat.tasks.train_intents_task"
TRAIN_QUEUE = "index"  # the worker that holds the embedder


class IntentTrainingError(Exception):
    """The stored examples cannot train a classifier; the message says why."""


@dataclass
class IntentTrainingReport:
    version: str
    activated: bool
    examples: int
    facts: dict[str, Any] = field(default_factory=dict)


def load_seed_examples(path: str | Path = SEED_FILE) -> dict[str, dict[str, list[str]]]:
    """language -> label -> texts, read from a seed YAML file (see support_chat/data/)."""
    import yaml

    with Path(path).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    languages = {code for code, _name in IntentExample.Language.choices}
    labels = set(Intent.values)
    for language, by_label in data.items():
        if language not in languages:
            raise ValueError(f"{path}: unknown language {language!r}.")
        unknown = set(by_label) - labels
        if unknown:
            raise ValueError(f"{path}: unknown labels {sorted(unknown)}.")
    return data


@transaction.atomic
def seed_intent_examples(path: str | Path = SEED_FILE) -> int:
    """Add the seed file's examples that are not stored yet; returns how many were added.

    Examples a merchant edited or relabelled are left alone (a text is matched with its
    language), so seeding again never undoes their work.
    """
    data = load_seed_examples(path)
    existing = set(IntentExample.objects.values_list("text", "language"))
    new = [
        IntentExample(text=text, label=label, language=language)
        for language, by_label in data.items()
        for label, texts in by_label.items()
        for text in texts
        if (text, language) not in existing
    ]
    IntentExample.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _fingerprint(texts: list[str], labels: list[str]) -> str:
    digest = hashlib.sha256()
    for text, label in zip(texts, labels, strict=True):
        digest.update(f"{label}\t{text}\n".encode())
    return digest.hexdigest()


def train_intent_classifier(*, activate: bool = True) -> IntentTrainingReport:
    """Train the intent head on the stored examples and store it as a ModelVersion.

    The ``out_of_scope`` examples, if any, are a class of their own; out-of-scope messages are
    also flagged by a confidence threshold calibrated on held-out in-scope examples. The new
    version is activated when ``activate`` is set; processes serving ``classify`` switch to it
    within seconds.

    Raises:
        IntentTrainingError: fewer than two in-scope intents have examples.
    """
    from llm_services.training import (
        activate_version,
        building_folder,
        create_version,
        new_version_name,
        stored_path,
        versions_dir,
        write_manifest,
    )

    texts, labels = selectors.training_examples()
    inscope = {label for label in labels if label != Intent.OUT_OF_SCOPE}
    if len(inscope) < 2:
        raise IntentTrainingError(
            f"Need examples of at least two intents besides {Intent.OUT_OF_SCOPE}; "
            f"found {sorted(inscope)}. Run `manage.py train_intents --seed` or add some."
        )
    cache = EmbeddingCache()
    head, facts = fit_intent_head(texts, labels, oos_label=Intent.OUT_OF_SCOPE, cache=cache)
    embedder = cache.embedder
    name = new_version_name(INTENTS_ALIAS)
    with building_folder(name) as folder:
        head.save(folder / HEAD_FILE)
        write_manifest(folder, {"name": name, "labels": list(head.labels), **facts})
    with transaction.atomic():
        version = create_version(
            alias=INTENTS_ALIAS,
            name=name,
            kind="classifier",
            task="support_chat",
            method="open-set-logistic",
            base_model=embedder.model_id,
            base_revision=embedder.revision,
            artifact_path=stored_path(versions_dir() / name),
            training_data_hash=_fingerprint(texts, labels),
            metrics={"after": {"held_out_accuracy": facts.get("held_out_accuracy")}},
            training=facts,
        )
        if activate:
            activate_version(version.pk)
    if activate:
        selectors.reset_intent_classifier()
    logger.info("intent classifier %s trained on %d examples", name, len(texts))
    return IntentTrainingReport(version=name, activated=activate, examples=len(texts), facts=facts)


def queue_intent_training() -> None:
    """Train on the ``index`` queue's worker once the current transaction commits."""
    from celery import current_app

    transaction.on_commit(lambda: current_app.tasks[TRAIN_TASK].apply_async(queue=TRAIN_QUEUE))
