"""Jobs: batch jobs and the admin's candidates jobs, queued on the llm queue and run by
``copywriting.tasks``, one chunk at a time and resumable."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from common.jobs import enqueue_job, resume_batch_job
from copywriting import conf, selectors
from copywriting.exceptions import CopyRefused, CopywritingError, CopywritingUnavailable
from copywriting.findings import Message, english, message
from copywriting.models import CopyDraft, CopyJob
from copywriting.vocabulary import Vocabulary
from llm_services import Generator, LLMBadRequest, LLMError, LLMTimeout, LLMUnavailable
from shop.catalog.models import Product

from .generation import (
    CopyRequest,
    GeneratedParts,
    GeneratorInfo,
    PreparedCopy,
    active_copywriting_version,
    build_draft,
    generate_drafts,
    generate_parts,
    get_generator,
    prepare_for_product,
)

logger = logging.getLogger("copywriting")

# The Celery task that runs a job (copywriting/tasks.py), queued by name: tasks.py imports this
# module, so this module does not import tasks.py. copywriting/apps.py has Celery register the
# task in every process, so the lookup finds it (and runs it eagerly where Celery is eager).
RUN_JOB_TASK = "copywriting.tasks.generate_copy_job_task"


def start_copy_job(
    *,
    product_ids: Sequence[int],
    request: CopyRequest,
    user: Any = None,
    chunk_size: int | None = None,
) -> CopyJob:
    """Store a batch job and queue it on the llm queue once the transaction commits.

    ``chunk_size``: products per model batch (default COPYWRITING_BATCH_SIZE).
    """
    ids = list(dict.fromkeys(int(pk) for pk in product_ids))
    with transaction.atomic():
        job = CopyJob.objects.create(
            field=request.field,
            channel=request.channel,
            language=request.language,
            options={**request.options, **({"chunk_size": chunk_size} if chunk_size else {})},
            product_ids=ids,
            total=len(ids),
            requested_by=user if getattr(user, "is_authenticated", False) else None,
        )
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def start_candidates_job(*, product_id: int, request: CopyRequest, user: Any = None) -> CopyJob:
    """Store the admin's "Generate" request as a job for one product and queue it on the llm
    queue once the transaction commits; the task drafts ``request.candidates`` candidates
    with :func:`generate_drafts`."""
    with transaction.atomic():
        job = CopyJob.objects.create(
            kind=CopyJob.Kind.CANDIDATES,
            field=request.field,
            channel=request.channel,
            language=request.language,
            options={**request.options, "candidates": request.candidates},
            product_ids=[int(product_id)],
            total=1,
            requested_by=user if getattr(user, "is_authenticated", False) else None,
        )
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def resume_copy_job(*, job_id: int) -> CopyJob:
    """Queue a stopped or failed job again; it continues after its last finished chunk."""
    return resume_batch_job(CopyJob, job_id=job_id, task_name=RUN_JOB_TASK)


def _enqueue(job_id: int) -> None:
    enqueue_job(job_id, task_name=RUN_JOB_TASK)


ProgressCallback = Callable[[CopyJob], None]


def run_copy_job(
    job_id: int, *, chunk_size: int | None = None, on_progress: ProgressCallback | None = None
) -> CopyJob:
    """Draft copy for the job's products, one chunk at a time, from where it stopped.

    A candidates job is handed to :func:`generate_drafts` instead (see
    :func:`_run_candidates_job`).

    Idempotent: a product whose (product, field, language, input hash, prompt version) already
    has a batch draft is skipped, by this job or any other. Each finished chunk moves the
    job's cursor in the same transaction that stores its drafts, so a worker killed mid-chunk
    redoes at most that chunk. If another runner moved the cursor meanwhile, this one stops.

    Raises:
        LLMTimeout: retryable (batch jobs only); the job stays running for the retry to
            continue.
    """
    job = CopyJob.objects.get(pk=job_id)
    if job.status == CopyJob.Status.DONE:
        return job
    now = timezone.now()
    CopyJob.objects.filter(pk=job.pk).update(
        status=CopyJob.Status.RUNNING, started_at=job.started_at or now, heartbeat_at=now, error=""
    )
    job.refresh_from_db()
    if job.kind == CopyJob.Kind.CANDIDATES:
        return _run_candidates_job(job, on_progress=on_progress)
    request = CopyRequest.from_job(job)
    size = chunk_size or (job.options or {}).get("chunk_size") or conf.get("BATCH_SIZE")
    # The model loads only once a chunk has something to draft: a rerun over drafted
    # products finishes without it.
    generator: GeneratorInfo | None = None
    finetuned = active_copywriting_version() is not None
    vocabulary = selectors.catalog_vocabulary()
    while job.cursor < job.total:
        start = job.cursor
        ids = job.product_ids[start : start + size]
        products = {
            p.pk: p for p in Product.objects.filter(pk__in=ids).select_related("category", "brand")
        }
        refused = 0
        items: list[PreparedCopy] = []
        for pk in ids:
            product = products.get(pk)
            if product is None:
                refused += 1  # deleted since the job was queued
                continue
            try:
                items.append(prepare_for_product(product, request, finetuned=finetuned))
            except CopyRefused:
                refused += 1
        existing = selectors.existing_batch_keys(item.batch_key() for item in items)
        ours = sum(1 for job_ref in existing.values() if job_ref == job.pk)
        todo = [item for item in items if item.batch_key() not in existing]
        generated: list[tuple[PreparedCopy, GeneratedParts]] = []
        too_long = 0
        if todo:
            try:
                generator = generator or get_generator()
                generated, too_long = _generate_chunk(generator.backend, todo, vocabulary)
            except CopywritingUnavailable as exc:
                return _fail(job, exc.i18n)
            except LLMUnavailable as exc:
                return _fail(
                    job,
                    message(gettext_noop("Copywriting is unavailable: {detail}"), detail=str(exc)),
                )
        drafts = [
            build_draft(
                item,
                result,
                generator=generator,
                vocabulary=vocabulary,
                others=item.others,
                candidate=0,
                job=job,
                batch_key=item.batch_key(),
            )
            for item, result in generated
            if generator is not None
        ]
        with transaction.atomic():
            CopyDraft.objects.bulk_create(drafts, ignore_conflicts=True)
            moved = CopyJob.objects.filter(pk=job.pk, cursor=start).update(
                cursor=start + len(ids),
                generated=F("generated") + len(drafts) + ours,
                skipped=F("skipped") + len(existing) - ours,
                refused=F("refused") + refused + too_long,
                flagged=F("flagged") + sum(1 for d in drafts if d.is_flagged),
                heartbeat_at=timezone.now(),
            )
        if not moved:
            logger.warning("copy job %s: another runner moved on; this one stops", job.pk)
            job.refresh_from_db()
            return job
        job.refresh_from_db()
        if on_progress is not None:
            on_progress(job)
    CopyJob.objects.filter(pk=job.pk).update(
        status=CopyJob.Status.DONE, finished_at=timezone.now(), heartbeat_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def _run_candidates_job(job: CopyJob, *, on_progress: ProgressCallback | None) -> CopyJob:
    """Draft the candidates of a candidates job; every failure ends in a failed job."""
    if job.cursor < job.total:
        product = (
            Product.objects.select_related("category", "brand")
            .filter(pk=job.product_ids[0])
            .first()
        )
        if product is None:
            return _fail(
                job, message(gettext_noop("The product was deleted before its copy was drafted."))
            )
        try:
            generate_drafts(product=product, request=CopyRequest.from_job(job), job=job)
        except CopywritingError as exc:
            return _fail(job, exc.i18n)
        except LLMTimeout as exc:
            # Not retried like a batch: backoff retries would keep the merchant's status page
            # "running" for minutes, where a failed job lets them generate again at once.
            return _fail(
                job,
                message(
                    gettext_noop("The model did not answer in time ({detail}). Generate again."),
                    detail=str(exc),
                ),
            )
        except LLMError as exc:
            return _fail(
                job,
                message(
                    gettext_noop("The model could not draft this product: {detail}"),
                    detail=str(exc),
                ),
            )
        job.refresh_from_db()
        if on_progress is not None:
            on_progress(job)
    CopyJob.objects.filter(pk=job.pk).update(
        status=CopyJob.Status.DONE, finished_at=timezone.now(), heartbeat_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def _generate_chunk(
    backend: Generator, items: Sequence[PreparedCopy], vocabulary: Vocabulary
) -> tuple[list[tuple[PreparedCopy, GeneratedParts]], int]:
    """Greedy generation for a chunk; a prompt that does not fit is refused on its own."""
    if not items:
        return [], 0
    try:
        generated = generate_parts(backend, items, vocabulary=vocabulary)
        return list(zip(items, generated, strict=True)), 0
    except LLMBadRequest:
        if len(items) == 1:
            return [], 1
    done: list[tuple[PreparedCopy, GeneratedParts]] = []
    refused = 0
    for item in items:
        result, failed = _generate_chunk(backend, [item], vocabulary)
        done += result
        refused += failed
    return done, refused


def _fail(job: CopyJob, reason: Message) -> CopyJob:
    """End ``job`` as failed; ``reason`` is kept in English and as a template, so the admin
    says it in the merchant's language."""
    text = english(reason)
    CopyJob.objects.filter(pk=job.pk).update(
        status=CopyJob.Status.FAILED,
        error=text,
        error_i18n=reason,
        heartbeat_at=timezone.now(),
    )
    job.refresh_from_db()
    logger.warning("copy job %s failed: %s", job.pk, text)
    return job
