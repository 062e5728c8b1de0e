"""The admin's catalog imports run as a Celery task, not in the request.

A 20 MB upload validated and written inside the request could outlive the web worker's
timeout and stop half-way. :func:`start_catalog_import` stores the file and a
:class:`~shop.catalog.models.CatalogImport`, and queues ``run_catalog_import_task`` after the
commit (inline when no broker is configured); :func:`run_catalog_import` imports it all or
nothing, records the result for the status page and deletes the file.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import current_app
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from ..models import CatalogImport
from .results import ImportFileError, ImportResult, RowError
from .service import import_catalog

logger = logging.getLogger(__name__)

RUN_IMPORT_TASK = "shop.catalog.tasks.run_catalog_import_task"
# The status page's error table stays readable; the command prints every error.
MAX_ERRORS_STORED = 500


def start_catalog_import(
    *,
    upload: UploadedFile,
    file_format: str = "auto",
    dry_run: bool = True,
    skip_invalid: bool = False,
    create_missing_categories: bool = False,
    user: AbstractBaseUser | None = None,
) -> CatalogImport:
    """Store ``upload`` and queue its import (after the commit); returns the import row."""
    job = CatalogImport(
        filename=upload.name or "catalog",
        file_format=file_format,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        create_missing_categories=create_missing_categories,
        requested_by=user if user is not None and user.is_authenticated else None,
    )
    job.file.save(upload.name or "catalog", upload, save=False)
    job.save()
    transaction.on_commit(lambda: current_app.tasks[RUN_IMPORT_TASK].delay(job.pk))
    return job


def run_catalog_import(import_id: int) -> CatalogImport:
    """Import a stored upload all or nothing and record its result; idempotent.

    A finished import is returned as it is. A "running" one is run again: an all-or-nothing
    import whose worker died wrote nothing.
    """
    claimed = CatalogImport.objects.filter(
        pk=import_id, status__in=[CatalogImport.Status.QUEUED, CatalogImport.Status.RUNNING]
    ).update(status=CatalogImport.Status.RUNNING, started_at=timezone.now())
    job = CatalogImport.objects.get(pk=import_id)
    if not claimed:
        return job
    try:
        with job.file.open("rb") as handle:
            content = handle.read()
        result = import_catalog(
            content,
            filename=job.filename,
            file_format=job.file_format,
            dry_run=job.dry_run,
            skip_invalid=job.skip_invalid,
            create_missing_categories=job.create_missing_categories,
            all_or_nothing=True,
        )
    except (ImportFileError, OSError) as exc:
        job.status, job.error = CatalogImport.Status.FAILED, str(exc)
        logger.info("catalog import %s failed: %s", job.pk, exc)
    else:
        job.status, job.result = CatalogImport.Status.DONE, result_to_dict(result)
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "result", "finished_at"])
    if job.file:
        job.file.delete(save=False)
        job.save(update_fields=["file"])
    return job


def result_to_dict(result: ImportResult) -> dict[str, Any]:
    return {
        "file_format": result.file_format,
        "dry_run": result.dry_run,
        "written": result.written,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "rejected": result.rejected,
        "failed": result.failed,
        "errors": [[e.line, e.sku, e.message] for e in result.errors[:MAX_ERRORS_STORED]],
        "errors_total": len(result.errors),
    }


def result_from_dict(data: dict[str, Any]) -> ImportResult:
    """The stored result as an :class:`ImportResult` (errors past the stored ones dropped)."""
    fields = {k: v for k, v in data.items() if k not in ("errors", "errors_total")}
    return ImportResult(**fields, errors=[RowError(*error) for error in data["errors"]])
