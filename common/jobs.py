"""Resumable batch jobs over products: the fields and the resume step that copywriting's
and translation's jobs share.

A job holds the ids of the products to work through; a Celery task takes them chunk by chunk
and moves ``cursor`` in the same transaction that stores a chunk's results, so a worker killed
mid-chunk redoes at most that chunk, and :func:`resume_batch_job` queues a stopped or failed job to
go on after its last finished chunk.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from celery import current_app
from django.conf import settings
from django.contrib import admin
from django.db import models, transaction
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class BatchJob(models.Model):
    """Abstract: a subclass adds what it counts (drafted, skipped, flagged…) and its options."""

    Status = JobStatus

    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    product_ids = models.JSONField(_("products"), default=list)
    # Products before this index of product_ids are done; a resumed job starts here.
    cursor = models.PositiveIntegerField(_("done up to"), default=0)
    total = models.PositiveIntegerField(_("products"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    @property
    def progress_percent(self) -> int:
        return int(100 * self.cursor / self.total) if self.total else 100

    def is_stalled(self, after_seconds: float) -> bool:
        """Running, with its last progress more than ``after_seconds`` ago (resume it)."""
        return bool(
            self.status == JobStatus.RUNNING
            and self.heartbeat_at
            and (timezone.now() - self.heartbeat_at).total_seconds() > after_seconds
        )


class BatchJobAdminMixin:
    """The job admin's shared columns: "stalled" status and a progress bar. Jobs are made by
    the apps' actions and forms, never added by hand. ``stalled_after_seconds()`` says when a
    running job counts as stalled."""

    def stalled_after_seconds(self) -> float:
        raise NotImplementedError

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("status"))
    def state(self, obj: BatchJob) -> str:
        if obj.is_stalled(self.stalled_after_seconds()):
            return _("stalled (resume it)")
        return obj.get_status_display()

    @admin.display(description=_("progress"))
    def progress(self, obj: BatchJob) -> str:
        return format_html(
            '<progress max="{}" value="{}"></progress> {} / {}',
            obj.total,
            obj.cursor,
            obj.cursor,
            obj.total,
        )


Job = TypeVar("Job", bound=BatchJob)


def resume_batch_job(model: type[Job], *, job_id: int, task_name: str) -> Job:
    """Queue a stopped or failed job again (the Celery task ``task_name``, by name, once the
    transaction commits); a finished job is returned as it is."""
    with transaction.atomic():
        job = model.objects.select_for_update().get(pk=job_id)
        if job.status == JobStatus.DONE:
            return job
        job.status = JobStatus.QUEUED
        job.error = ""
        job.save(update_fields=["status", "error"])
        transaction.on_commit(lambda: enqueue_job(job.pk, task_name=task_name))
    return job


def enqueue_job(job_id: int, *, task_name: str) -> None:
    current_app.tasks[task_name].delay(job_id)


def follow_batch_job(job: Job, on_progress: Callable[[Job], None], *, interval: float = 1.0) -> Job:
    """Read ``job`` again every ``interval`` seconds until it is done or failed, calling
    ``on_progress`` after each read (a command's progress bar follows a worker's job)."""
    while True:
        job.refresh_from_db()
        on_progress(job)
        if job.status in (JobStatus.DONE, JobStatus.FAILED):
            return job
        time.sleep(interval)
