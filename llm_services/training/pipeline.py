"""One fine-tuning run end to end: collect → clean and scrub → split → train → score → store.

``manage.py finetune`` is a thin shell around :func:`run_finetune`.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.db import DatabaseError
from django.utils.module_loading import import_string

from llm_services.conf import ModelConfig, get_model_settings, normalise_config
from llm_services.models import ModelVersion
from llm_services.training.artifacts import stored_path
from llm_services.training.data import (
    CollectOptions,
    Dataset,
    TaskKind,
    get_task,
    prepare_dataset,
)
from llm_services.training.embedder import EmbedderSettings, finetune_embedder
from llm_services.training.generator import FineTuneResult, GeneratorSettings, finetune_generator
from llm_services.training.pii import PIIScrubber, words_of
from llm_services.training.versions import activate_version, create_version

# What a backend class must offer to be fine-tuned as each kind.
_KIND_METHODS: dict[str, str] = {"generator": "generate_batch", "embedder": "encode"}


class FinetuneError(Exception):
    """The run cannot start (bad alias, task or data); the message says why."""


@dataclass(frozen=True)
class FinetuneOutcome:
    dataset: Dataset
    result: FineTuneResult | None = None
    version: ModelVersion | None = None
    # A version already trained on the same data (``unless_trained``): nothing was trained.
    existing: ModelVersion | None = None


def alias_config(alias: str, *, kind: TaskKind, base_model: str | None = None) -> ModelConfig:
    """The LLM_MODELS configuration of a local ``alias`` that can be fine-tuned as ``kind``.

    Raises:
        FinetuneError: the alias is missing or off, remote, or of the other kind.
    """
    raw = get_model_settings().get(alias)
    if not isinstance(raw, dict) or not raw.get("BACKEND"):
        raise FinetuneError(f"LLM_MODELS has no alias {alias!r}, or it is switched off (None).")
    config = normalise_config(raw)
    try:
        backend_class = import_string(config["BACKEND"])
    except ImportError as exc:
        raise FinetuneError(f"Cannot import the backend of alias {alias!r}: {exc}") from exc
    if not getattr(backend_class, "is_local", False):
        raise FinetuneError(
            f"Alias {alias!r} is served by {config['BACKEND']}, not an in-process model; "
            "only local models can be fine-tuned."
        )
    if not hasattr(backend_class, _KIND_METHODS[kind]):
        raise FinetuneError(f"Alias {alias!r} is not a {kind} ({config['BACKEND']}).")
    if base_model:
        config = {**config, "MODEL": base_model}
    return config


def run_finetune(
    *,
    kind: TaskKind,
    task_name: str,
    settings: GeneratorSettings | EmbedderSettings,
    alias: str | None = None,
    base_model: str | None = None,
    collect: CollectOptions | None = None,
    validation_fraction: float = 0.1,
    max_validation: int | None = 64,
    activate: bool = False,
    dry_run: bool = False,
    unless_trained: bool = False,
    user: Any = None,
    show_progress: bool = False,
    scrubber: PIIScrubber | None = None,
    on_dataset: Callable[[Dataset], None] | None = None,
) -> FinetuneOutcome:
    """Fine-tune the model of a task's alias and store the result as a ModelVersion.

    Args:
        kind: "generator" or "embedder".
        task_name: a registered task of that kind.
        settings: training settings for that kind.
        alias: the LLM_MODELS alias (default: the task's).
        base_model: a MODEL spec to train from instead of the alias's MODEL.
        collect: what to collect (languages, limit, chunk size).
        validation_fraction, max_validation: the held-out split.
        activate: activate the new version at once.
        dry_run: stop after preparing the dataset (nothing trained or stored).
        unless_trained: when a version of this alias and task was trained on exactly this
            data (the same data hash), train nothing and return it as ``existing``.
        user: who activates (stored on the activation).
        show_progress: tqdm bars.
        scrubber: the PII scrubber (default: one that knows the task's personal names and
            protected texts).
        on_dataset: called with the prepared dataset before training (reporting).

    Raises:
        FinetuneError: unknown task, unusable alias, or too little data.
        LLMUnavailable: the base model folder is missing.
    """
    try:
        task = get_task(task_name, kind=kind)
    except LookupError as exc:
        raise FinetuneError(str(exc)) from exc
    alias = alias or task.alias
    config = alias_config(alias, kind=kind, base_model=base_model)
    if scrubber is None:
        scrubber = PIIScrubber(
            task.personal_names() if task.personal_names else (),
            protected_words=words_of(task.protected_texts()) if task.protected_texts else (),
        )
    try:
        dataset = prepare_dataset(
            task,
            scrubber=scrubber,
            options=collect,
            validation_fraction=validation_fraction,
            max_validation=max_validation,
            seed=settings.seed,
        )
    except ValueError as exc:
        raise FinetuneError(str(exc)) from exc
    if on_dataset is not None:
        on_dataset(dataset)
    if dry_run:
        return FinetuneOutcome(dataset=dataset)
    if unless_trained:
        existing = (
            ModelVersion.objects.filter(
                alias=alias, task=task.name, training_data_hash=dataset.data_hash
            )
            .order_by("-created_at")
            .first()
        )
        if existing is not None:
            return FinetuneOutcome(dataset=dataset, existing=existing)

    try:
        if isinstance(settings, GeneratorSettings):
            result = finetune_generator(
                task=task,
                dataset=dataset,
                alias=alias,
                config=config,
                settings=settings,
                scrubber=scrubber,
                show_progress=show_progress,
            )
            method = settings.method
        else:
            result = finetune_embedder(
                task=task,
                dataset=dataset,
                alias=alias,
                config=config,
                settings=settings,
                show_progress=show_progress,
            )
            method = "contrastive"
    except ValueError as exc:
        raise FinetuneError(str(exc)) from exc
    try:
        version = create_version(
            alias=alias,
            name=result.name,
            kind=kind,
            task=task.name,
            method=method,
            base_model=config["MODEL"],
            base_revision=config["REVISION"],
            artifact_path=stored_path(result.folder),
            training_data_hash=dataset.data_hash,
            metrics=result.metrics,
            training=result.training,
            loss_curve_path=stored_path(result.loss_curve),
        )
    except DatabaseError as exc:
        # A folder without its row would be an orphan nobody can activate.
        shutil.rmtree(result.folder, ignore_errors=True)
        raise FinetuneError(
            f"Could not store the model version ({exc}); the trained folder was removed. "
            "Is the database migrated (`manage.py migrate llm_services`)?"
        ) from exc
    if activate:
        version = activate_version(version.pk, user=user)
    return replace(FinetuneOutcome(dataset=dataset), result=result, version=version)
