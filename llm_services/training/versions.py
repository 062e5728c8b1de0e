"""Storing, activating and rolling back fine-tuned model versions.

Activating a version makes its alias serve the version's folder: the process that activates
sees it at once, every other process within LLM_VERSION_CHECK_SECONDS (see
``llm_services.conf.active_versions``). ``rollback`` undoes the latest activation of an alias:
the version active before it comes back, or, if there was none, the base model of LLM_MODELS.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from llm_services.conf import MANIFEST_NAME, artifact_folder, invalidate_active_versions
from llm_services.models import ModelActivation, ModelVersion
from llm_services.training.artifacts import (
    building_folder,
    new_version_name,
    stored_path,
    versions_dir,
    write_manifest,
)


class VersionError(Exception):
    """A version cannot be activated or rolled back; the message says why."""


def create_version(
    *,
    alias: str,
    name: str,
    kind: str,
    task: str,
    method: str,
    base_model: str,
    base_revision: str,
    artifact_path: str,
    training_data_hash: str,
    metrics: dict[str, Any],
    training: dict[str, Any],
    loss_curve_path: str = "",
) -> ModelVersion:
    """Store a (not yet active) version for a published model folder."""
    return ModelVersion.objects.create(
        alias=alias,
        name=name,
        kind=kind,
        task=task,
        method=method,
        base_model=base_model,
        base_revision=base_revision,
        artifact_path=artifact_path,
        training_data_hash=training_data_hash,
        metrics=metrics,
        training=training,
        loss_curve_path=loss_curve_path,
    )


def store_version(
    alias: str, write: Callable[[Path, str], dict[str, Any]], **fields: Any
) -> ModelVersion:
    """Build, publish and record a new (not yet active) version of ``alias``.

    ``write(folder, name)`` writes the model's files into the building folder and returns
    what its manifest holds besides the name; ``fields`` are :func:`create_version`'s others
    (kind, task, method, base model and revision, data hash, metrics, training).
    """
    name = new_version_name(alias)
    with building_folder(name) as folder:
        write_manifest(folder, {"name": name, **write(folder, name)})
    return create_version(
        alias=alias, name=name, artifact_path=stored_path(versions_dir() / name), **fields
    )


def _lock_alias(alias: str) -> list[ModelVersion]:
    # Locking every version row of the alias serialises concurrent activations and rollbacks.
    return list(ModelVersion.objects.select_for_update().filter(alias=alias).order_by("pk"))


def _switch(alias: str, version: ModelVersion | None) -> None:
    # Deactivate first: the "one active version per alias" constraint is checked per row.
    ModelVersion.objects.filter(alias=alias, is_active=True).exclude(
        pk=version.pk if version else None
    ).update(is_active=False)
    if version is not None and not version.is_active:
        ModelVersion.objects.filter(pk=version.pk).update(is_active=True)
        version.is_active = True
    transaction.on_commit(invalidate_active_versions)


def activate_version(version_id: int, *, user: Any = None) -> ModelVersion:
    """Make ``version_id`` the version its alias serves.

    Activating the version that is already active changes nothing.

    Raises:
        VersionError: no such version, or its folder is missing or incomplete.
    """
    with transaction.atomic():
        version = ModelVersion.objects.filter(pk=version_id).first()
        if version is None:
            raise VersionError(f"There is no model version {version_id}.")
        _lock_alias(version.alias)
        version.refresh_from_db()
        if version.is_active:
            return version
        if not _is_complete(version):
            folder = artifact_folder(version.artifact_path)
            raise VersionError(
                f"Version {version.name}: {folder} is missing or incomplete (no {MANIFEST_NAME})."
            )
        _switch(version.alias, version)
        ModelActivation.objects.create(
            alias=version.alias,
            version=version,
            activated_by=user if getattr(user, "is_authenticated", False) else None,
        )
    return version


def rollback(alias: str, *, user: Any = None) -> ModelVersion | None:
    """Undo the latest activation of ``alias``.

    The version active before it comes back; a version whose folder has since been deleted
    is passed over (its activation is marked rolled back too). With no earlier activation left,
    the alias serves its base model again.

    Returns:
        The version active again, or None when the alias is back on its base model.

    Raises:
        VersionError: the alias has no active version (it already serves its base model).
    """
    with transaction.atomic():
        versions = _lock_alias(alias)
        current = next((v for v in versions if v.is_active), None)
        if current is None:
            raise VersionError(
                f"Alias {alias!r} has no active version: it already serves its base model."
            )
        history = list(
            ModelActivation.objects.filter(alias=alias, rolled_back_at__isnull=True)
            .select_related("version")
            .order_by("-created_at", "-pk")
        )
        undone = []
        # The latest activation(s) of the current version are what is undone.
        while history and history[0].version_id == current.pk:
            undone.append(history.pop(0).pk)
        while history and not _is_complete(history[0].version):
            undone.append(history.pop(0).pk)
        ModelActivation.objects.filter(pk__in=undone).update(
            rolled_back_at=timezone.now(),
            rolled_back_by=user if getattr(user, "is_authenticated", False) else None,
        )
        previous = history[0].version if history else None
        _switch(alias, previous)
    return previous


def _is_complete(version: ModelVersion) -> bool:
    return (artifact_folder(version.artifact_path) / MANIFEST_NAME).is_file()


def active_version(alias: str) -> ModelVersion | None:
    """The active version of ``alias``, or None (it serves its base model)."""
    return ModelVersion.objects.filter(alias=alias, is_active=True).first()


# The metrics a version is summed up by, for each kind.
KEY_METRICS = {"generator": ("perplexity", "rouge_l", "chrf"), "embedder": ("recall@10", "mrr@10")}


def describe_metrics(version: ModelVersion) -> str:
    """The version's key metrics as "name before → after", e.g. "rouge_l 12.1 → 30.5"."""
    before = (version.metrics or {}).get("before", {})
    after = (version.metrics or {}).get("after", {})
    return ", ".join(
        f"{name} {before.get(name)} → {after.get(name)}"
        for name in KEY_METRICS.get(version.kind, ())
        if name in after
    )
