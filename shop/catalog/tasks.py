from __future__ import annotations

from celery import shared_task

from .importing import jobs


@shared_task(name=jobs.RUN_IMPORT_TASK)
def run_catalog_import_task(import_id: int) -> str:
    """After commit (queue "default"): run an admin catalog upload; returns its status."""
    return jobs.run_catalog_import(import_id).status
