"""Writes for machine translation: batch jobs, drafts and their review, reviews on demand.

The admin (the product list's "Translate into …" actions, the catalog import's status page,
the draft review page), ``translation.tasks`` and the review endpoint call these functions.
The model itself is behind ``translation.engine.translate_texts``, which caches every text it
translates (``TranslatedText``); this module decides what to translate and what happens to it.

Nothing reaches the storefront's catalog text before a merchant approves a draft:
:func:`approve_draft` writes the product's ``ProductTranslation`` and bumps the catalog's cache
version, which is also the search index's dirty flag, so the periodic index update picks the
approved text up (``search.services.apply_index_updates``).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from celery import current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from common.text import CHINESE, ENGLISH
from llm_services import LLMError, LLMTimeout
from shop.catalog.cache import invalidate_catalog_cache
from shop.catalog.models import (
    Attribute,
    AttributeOption,
    CatalogImport,
    Product,
    ProductTranslation,
)
from shop.reviews.models import Review
from translation import selectors
from translation.models import TranslationDraft, TranslationJob

logger = logging.getLogger("translation")

# The Celery task that runs a job (translation/tasks.py), queued by name so that this module
# never imports tasks.py; translation/apps.py has Celery register it in every process.
RUN_JOB_TASK = "translation.tasks.run_translation_job_task"

# Products per chunk: one engine call per kind of text (titles, descriptions, highlights) and
# one transaction moving the cursor. Small, so a killed worker redoes little and the admin's
# progress moves; the engine's own cache makes a redone chunk cheap.
BATCH_SIZE = 8

TARGET_LANGUAGES = (ENGLISH, CHINESE)
SOURCE_LANGUAGES = (ENGLISH, CHINESE, "zh-hant")
# The keys of ``TranslationDraft.fields``: the ProductTranslation fields approval writes.
FIELDS = ("title", "description", "highlights")


class TranslationError(Exception):
    """A request the translation services refuse (the message is for the user)."""


class ApprovalBlocked(TranslationError):
    """A draft that may not be approved (or edited) as asked."""


class ReviewNotTranslatable(TranslationError):
    """A review that is not shown, or not in a language the engine translates from."""


def _translate(texts: Sequence[str], **options: Any) -> list[Any]:
    # Imported when used, so that pages and the admin importing this module do not pay for
    # the engine's imports (its model itself loads on first use anyway).
    from translation.engine import translate_texts

    return translate_texts(texts, **options)


# -- batch jobs ---------------------------------------------------------------------------------


def source_fields(product: Product) -> dict[str, Any]:
    """The product's own text, in its source language, keyed like ``TranslationDraft.fields``."""
    return {
        "title": product.title.strip(),
        "description": product.description.strip(),
        "highlights": [str(h).strip() for h in product.highlights or [] if str(h).strip()],
    }


def source_hash(product: Product, target_language: str) -> str:
    """What a draft was translated from: the source text and both languages."""
    payload = json.dumps(
        {"source": product.language, "target": target_language, **source_fields(product)},
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _user_or_none(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


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
    with transaction.atomic():
        job = TranslationJob.objects.select_for_update().get(pk=job_id)
        if job.status == TranslationJob.Status.DONE:
            return job
        job.status = TranslationJob.Status.QUEUED
        job.error = ""
        job.save(update_fields=["status", "error"])
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    current_app.tasks[RUN_JOB_TASK].delay(job_id)


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
    results = _translate(texts, source=source, target=target, kind=kind)
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


# -- review of drafts ---------------------------------------------------------------------------


def _lock_draft(draft_id: int) -> TranslationDraft:
    return TranslationDraft.objects.select_for_update().select_related("product").get(pk=draft_id)


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The merchant's edit in the shape of ``TranslationDraft.fields``.

    Raises:
        ApprovalBlocked: no title.
    """
    raw_highlights = fields.get("highlights") or []
    if isinstance(raw_highlights, str):
        raw_highlights = raw_highlights.splitlines()
    cleaned = {
        "title": str(fields.get("title") or "").strip()[:200],
        "description": str(fields.get("description") or "").strip(),
        "highlights": [str(h).strip() for h in raw_highlights if str(h).strip()],
    }
    if not cleaned["title"]:
        raise ApprovalBlocked(_("A translation needs a title."))
    return cleaned


def _require_open(draft: TranslationDraft) -> None:
    if draft.status != TranslationDraft.Status.DRAFT:
        raise ApprovalBlocked(
            _("This draft is already %(status)s.") % {"status": draft.get_status_display().lower()}
        )


def edit_draft(*, draft_id: int, fields: dict[str, Any]) -> TranslationDraft:
    """Store the merchant's edit of a waiting draft; ``generated`` keeps the model's text.

    Raises:
        ApprovalBlocked: the draft is reviewed already, or the edit has no title.
    """
    with transaction.atomic():
        draft = _lock_draft(draft_id)
        _require_open(draft)
        draft.fields = _clean_fields(fields)
        draft.save(update_fields=["fields", "updated_at"])
    return draft


def approve_draft(
    *,
    draft_id: int,
    user: Any,
    fields: dict[str, Any] | None = None,
    accept_flagged: bool = False,
) -> TranslationDraft:
    """Approve a draft (with the merchant's edits, if any) and write it to the product.

    Writes the product's ``ProductTranslation`` for the draft's language (replacing the one
    there), touches the product (its cached page is keyed by ``updated_at``) and, after the
    commit, bumps the catalog's cache version, which the search index's periodic update
    takes as its signal to reindex. ``generated`` keeps what the model wrote.

    ``user`` needs ``catalog.change_product`` (``None`` is the system itself: a command or a
    test). A draft flagged by the engine's checks needs ``accept_flagged``: the merchant says
    they read the findings.

    Raises:
        ApprovalBlocked: already reviewed; a user who may not change products; the product's
            text changed since it was translated (the draft is stale); flagged and not
            accepted; no title.
    """
    with transaction.atomic():
        draft = _lock_draft(draft_id)
        _require_open(draft)
        if user is not None and not user.has_perm("catalog.change_product"):
            raise ApprovalBlocked(
                _(
                    "You may not change products, so you cannot approve translations. Ask a "
                    "merchant with the “Can change product” permission."
                )
            )
        product = draft.product
        if source_hash(product, draft.target_language) != draft.source_hash:
            raise ApprovalBlocked(
                _(
                    "The product's text changed after this draft was translated. Translate the "
                    "product again."
                )
            )
        if fields is not None:
            draft.fields = _clean_fields(fields)
        if draft.is_flagged and not accept_flagged:
            raise ApprovalBlocked(
                _(
                    "This draft is flagged by the translation checks. Read the findings, fix the "
                    "text if needed and confirm that you checked them."
                )
            )
        cleaned = _clean_fields(draft.fields)
        ProductTranslation.objects.update_or_create(
            product=product,
            language_code=draft.target_language,
            defaults=cleaned,
        )
        # The product page is cached by the product's updated_at.
        Product.objects.filter(pk=product.pk).update(updated_at=timezone.now())
        draft.fields = cleaned
        draft.status = TranslationDraft.Status.APPROVED
        draft.reviewer = _user_or_none(user)
        draft.reviewed_at = timezone.now()
        draft.save()
        transaction.on_commit(invalidate_catalog_cache)
    logger.info(
        "translation draft %s approved by %s (product %s → %s)",
        draft.pk,
        getattr(user, "pk", None),
        draft.product_id,
        draft.target_language,
    )
    return draft


def reject_draft(*, draft_id: int, user: Any) -> TranslationDraft:
    """Reject a draft; it stays stored and is never written to the product (a rerun of a
    job skips its source text).

    Raises:
        ApprovalBlocked: the draft is already reviewed.
    """
    with transaction.atomic():
        draft = _lock_draft(draft_id)
        _require_open(draft)
        draft.status = TranslationDraft.Status.REJECTED
        draft.reviewer = _user_or_none(user)
        draft.reviewed_at = timezone.now()
        draft.save(update_fields=["status", "reviewer", "reviewed_at", "updated_at"])
    return draft


# -- attribute labels ---------------------------------------------------------------------------


def propose_attribute_labels(
    labels: Sequence[selectors.MissingLabel],
) -> dict[str, str]:
    """Machine translations of English-only attribute names and option labels into Chinese,
    keyed like :attr:`MissingLabel.key`, for the merchant to check before
    :func:`write_attribute_labels`. Labels the engine could not translate are left out.
    """
    if not labels:
        return {}
    results = _translate(
        [label.source for label in labels], source=ENGLISH, target=CHINESE, kind="label"
    )
    return {
        label.key: result.text.strip()
        for label, result in zip(labels, results, strict=True)
        if not result.degraded and result.text.strip()
    }


def write_attribute_labels(*, labels: dict[str, str], user: Any) -> int:
    """Write the merchant's Chinese labels (``{"attribute-3": "颜色", "option-9": "红色"}``)
    where the catalog still has none; returns how many were written.

    A label filled in meanwhile (by hand, or by another merchant) is kept. ``user`` needs
    ``catalog.change_attribute`` (``None`` is the system itself).

    Raises:
        ApprovalBlocked: a user who may not change attributes.
    """
    if user is not None and not user.has_perm("catalog.change_attribute"):
        raise ApprovalBlocked(_("You may not change attributes, so you cannot write their labels."))
    written = 0
    with transaction.atomic():
        for key, text in labels.items():
            kind, _sep, raw_id = key.partition("-")
            text = str(text).strip()[:80]
            if not text or not raw_id.isdigit():
                continue
            if kind == "attribute":
                written += Attribute.objects.filter(pk=int(raw_id), name_zh="").update(name_zh=text)
            elif kind == "option":
                written += AttributeOption.objects.filter(pk=int(raw_id), label_zh="").update(
                    label_zh=text
                )
        if written:
            # Labels show on every listing's filters and in the search index.
            transaction.on_commit(invalidate_catalog_cache)
    logger.info("%d attribute labels written by %s", written, getattr(user, "pk", None))
    return written


# -- reviews on demand --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewTranslation:
    """A review's title and text in the reader's language, as the engine answered.

    ``degraded`` names why the engine could not translate; ``title`` and ``text`` are then
    empty, never the original posing as a translation.
    """

    review_id: int
    source_language: str
    language: str
    title: str
    text: str
    cached: bool
    is_flagged: bool
    degraded: str = ""


def translate_review(*, review_id: int, target_language: str) -> ReviewTranslation:
    """Translate a shown review for a reader (through the engine's cache; nothing is stored on
    the review).

    Raises:
        ReviewNotTranslatable: no such review on an active product, a review already in
            ``target_language`` or in a language the engine does not read, or an unknown
            target language.
    """
    if target_language not in TARGET_LANGUAGES:
        raise ReviewNotTranslatable(_("Reviews can be translated into English or Chinese."))
    review = (
        Review.objects.filter(pk=review_id, product__status=Product.Status.ACTIVE)
        .only("pk", "title", "text", "language")
        .first()
    )
    if review is None:
        raise Review.DoesNotExist(review_id)
    if review.language == target_language:
        raise ReviewNotTranslatable(_("This review is written in that language already."))
    if review.language not in SOURCE_LANGUAGES:
        raise ReviewNotTranslatable(_("Reviews in this language cannot be translated."))
    texts = [t for t in (review.title.strip(), review.text.strip()) if t]
    results = _translate(
        texts, source=review.language, target=target_language, kind="review", interactive=True
    )
    degraded = "; ".join(sorted({r.degraded for r in results if r.degraded}))
    if degraded or len(results) != len(texts):
        return ReviewTranslation(
            review_id=review.pk,
            source_language=review.language,
            language=target_language,
            title="",
            text="",
            cached=False,
            is_flagged=False,
            degraded=degraded or "incomplete",
        )
    by_source = dict(zip(texts, (r.text.strip() for r in results), strict=True))
    return ReviewTranslation(
        review_id=review.pk,
        source_language=review.language,
        language=target_language,
        title=by_source.get(review.title.strip(), ""),
        text=by_source.get(review.text.strip(), ""),
        cached=all(r.cached for r in results),
        is_flagged=any(r.is_flagged for r in results),
    )
