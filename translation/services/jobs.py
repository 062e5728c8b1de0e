"""Batch jobs: translate products into one language, chunk by chunk, resumable."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from common.jobs import enqueue_job, resume_batch_job
from llm_services import LLMError, LLMTimeout
from shop.catalog.models import (
    CatalogImport,
    Product,
)
from translation import selectors
from translation.models import TranslationDraft, TranslationJob
from translation.services import base
from translation.services.base import (
    BATCH_SIZE,
    RUN_JOB_TASK,
    SOURCE_LANGUAGES,
    TARGET_LANGUAGES,
    TranslationError,
    _user_or_none,
    source_fields,
    source_hash,
)

logger = logging.getLogger("translation")


def request_translation(
    *,
    product_ids: Sequence[int],
    target_language: str,
    requested_by: Any = None,
) -> TranslationJob:
    """Store a job translating ``product_ids`` into ``target_language`` and queue it on the
    llm queue once the transaction commits.

    Raises:
        TranslationError: an unknown target language or no products.
    """
    if target_language not in TARGET_LANGUAGES:
        raise TranslationError(
            _("Products can be translated into %(languages)s, not %(language)r.")
            % {"languages": ", ".join(TARGET_LANGUAGES), "language": target_language}
        )
    ids = list(dict.fromkeys(int(pk) for pk in product_ids))
    if not ids:
        raise TranslationError(_("No products to translate."))
    with transaction.atomic():
        job = TranslationJob.objects.create(
            target_language=target_language,
            product_ids=ids,
            total=len(ids),
            requested_by=_user_or_none(requested_by),
        )
        transaction.on_commit(lambda: _enqueue(job.pk))
    logger.info("translation job %s queued: %d products → %s", job.pk, len(ids), target_language)
    return job


def request_import_translation(
    *, import_id: int, target_language: str, requested_by: Any = None
) -> TranslationJob:
    """Queue a job translating the products a finished catalog import wrote.

    Raises:
        TranslationError: the import wrote nothing (still running, failed, a dry run or no
            changed rows), or an unknown target language.
    """
    catalog_import = CatalogImport.objects.get(pk=import_id)
    ids = selectors.imported_product_ids(catalog_import)
    if not ids:
        raise TranslationError(_("This import wrote no products to translate."))
    return request_translation(
        product_ids=ids, target_language=target_language, requested_by=requested_by
    )


def resume_job(*, job_id: int) -> TranslationJob:
    """Queue a stopped or failed job again; it continues after its last finished chunk."""
    return resume_batch_job(TranslationJob, job_id=job_id, task_name=RUN_JOB_TASK)


def _enqueue(job_id: int) -> None:
    enqueue_job(job_id, task_name=RUN_JOB_TASK)


ProgressCallback = Callable[[TranslationJob], None]


@dataclass
class _Pending:
    """One product of a chunk that needs translating."""

    product: Product
    source_hash: str
    fields: dict[str, Any]


def run_job(
    job_id: int, *, chunk_size: int | None = None, on_progress: ProgressCallback | None = None
) -> TranslationJob:
    """Translate the job's products, one chunk at a time, from where it stopped.

    Idempotent: a product whose source text already has a draft for the target language (in
    any state: waiting, approved or rejected) is skipped, by this job or any other, and so is
    a product already written in the target language or deleted since. Each finished chunk
    stores its drafts and moves the job's cursor in one transaction, so a worker killed
    mid-chunk redoes at most that chunk. If another runner moved the cursor meanwhile, this
    one stops. A degraded engine answer (no model, a refused text) fails the job with the
    reason and drafts nothing of that chunk: resuming the job retries it.

    Raises:
        LLMTimeout: retryable; the job stays running for the task's retry to continue.
    """
    job = TranslationJob.objects.get(pk=job_id)
    if job.status == TranslationJob.Status.DONE:
        return job
    now = timezone.now()
    TranslationJob.objects.filter(pk=job.pk).update(
        status=TranslationJob.Status.RUNNING,
        started_at=job.started_at or now,
        heartbeat_at=now,
        error="",
    )
    job.refresh_from_db()
    size = max(1, chunk_size or BATCH_SIZE)
    target = job.target_language
    while job.cursor < job.total:
        start = job.cursor
        ids = job.product_ids[start : start + size]
        products = {p.pk: p for p in Product.objects.filter(pk__in=ids)}
        pending: list[_Pending] = []
        skipped = 0
        for pk in ids:
            product = products.get(pk)
            if product is None or product.language == target:
                skipped += 1
                continue
            if product.language not in SOURCE_LANGUAGES:
                skipped += 1
                continue
            pending.append(_Pending(product, source_hash(product, target), {}))
        existing = selectors.drafted_hashes(
            [(p.product.pk, p.source_hash) for p in pending], target_language=target
        )
        skipped += sum(1 for p in pending if (p.product.pk, p.source_hash) in existing)
        todo = [p for p in pending if (p.product.pk, p.source_hash) not in existing]
        drafts: list[TranslationDraft] = []
        if todo:
            try:
                drafts = _translate_chunk(todo, job=job)
            except LLMTimeout:
                raise
            except (LLMError, TranslationError) as exc:
                return _fail(job, _("Translation is unavailable: %(reason)s") % {"reason": exc})
        with transaction.atomic():
            created = TranslationDraft.objects.bulk_create(drafts, ignore_conflicts=True)
            moved = TranslationJob.objects.filter(pk=job.pk, cursor=start).update(
                cursor=start + len(ids),
                translated=F("translated") + len(created),
                skipped=F("skipped") + skipped,
                flagged=F("flagged") + sum(1 for d in drafts if d.is_flagged),
                heartbeat_at=timezone.now(),
            )
        if not moved:
            logger.warning("translation job %s: another runner moved on; this one stops", job.pk)
            job.refresh_from_db()
            return job
        job.refresh_from_db()
        if on_progress is not None:
            on_progress(job)
    TranslationJob.objects.filter(pk=job.pk).update(
        status=TranslationJob.Status.DONE, finished_at=timezone.now(), heartbeat_at=timezone.now()
    )
    job.refresh_from_db()
    logger.info(
        "translation job %s done: %d translated, %d skipped, %d flagged",
        job.pk,
        job.translated,
        job.skipped,
        job.flagged,
    )
    return job


def _translate_chunk(todo: list[_Pending], *, job: TranslationJob) -> list[TranslationDraft]:
    """Translate a chunk's titles, descriptions and highlights (one engine call per kind of
    text and source language) and build its unsaved drafts.

    Raises:
        TranslationError: the engine answered degraded for any of the chunk's texts.
    """
    target = job.target_language
    # Products of different source languages (en, zh-hans, zh-hant) go to the engine apart.
    by_source: dict[str, list[_Pending]] = {}
    for item in todo:
        by_source.setdefault(item.product.language, []).append(item)
    checks: dict[int, list[dict[str, Any]]] = {item.product.pk: [] for item in todo}
    flagged: set[int] = set()
    for source, items in by_source.items():
        # (item, field, highlight index or None, source text), in the order they are sent.
        texts: dict[str, list[tuple[_Pending, str, int | None, str]]] = {
            "title": [],
            "description": [],
            "highlight": [],
        }
        for item in items:
            own = source_fields(item.product)
            item.fields = {"title": "", "description": "", "highlights": []}
            for key in ("title", "description"):
                if own[key]:
                    texts[key].append((item, key, None, own[key]))
            for index, highlight in enumerate(own["highlights"]):
                texts["highlight"].append((item, "highlights", index, highlight))
        for kind, entries in texts.items():
            results = _call_engine([e[3] for e in entries], source=source, target=target, kind=kind)
            for (item, key, index, _text), result in zip(entries, results, strict=True):
                if index is None:
                    item.fields[key] = result.text.strip()
                else:
                    item.fields[key].append(result.text.strip())
                part = {"part": key} if index is None else {"part": key, "index": index}
                checks[item.product.pk] += [{**check, **part} for check in result.checks or []]
                if result.is_flagged:
                    flagged.add(item.product.pk)
    provenance = selectors.provenance_for(
        [source_fields(item.product)["title"] for item in todo], target_language=target
    )
    return [
        TranslationDraft(
            product=item.product,
            source_language=item.product.language,
            target_language=target,
            fields=item.fields,
            generated=json.loads(json.dumps(item.fields)),
            source_hash=item.source_hash,
            checks=checks[item.product.pk],
            is_flagged=item.product.pk in flagged,
            job=job,
            **provenance,
        )
        for item in todo
    ]


def _call_engine(texts: list[str], *, source: str, target: str, kind: str) -> list[Any]:
    """The engine's translations of ``texts``; an empty list costs no call.

    Raises:
        TranslationError: a degraded answer (the reason the engine gave).
    """
    if not texts:
        return []
    results = base._translate(texts, source=source, target=target, kind=kind)
    degraded = sorted({r.degraded for r in results if r.degraded})
    if degraded:
        raise TranslationError("; ".join(degraded))
    return results


def _fail(job: TranslationJob, message: str) -> TranslationJob:
    TranslationJob.objects.filter(pk=job.pk).update(
        status=TranslationJob.Status.FAILED, error=message, heartbeat_at=timezone.now()
    )
    job.refresh_from_db()
    logger.warning("translation job %s failed: %s", job.pk, message)
    return job
