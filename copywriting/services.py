"""Writes for copywriting: drafting candidates, approving or rejecting them, batch jobs.

The admin (its "Generate" form through a candidates job), the batch task and
``manage.py generate_copy`` call these functions; so does
``manage.py eval_copywriting`` (through :func:`prepare_copy` and :func:`generate_parts`), so
the figures it prints describe the prompts and checks the shop serves.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from copywriting import conf
from copywriting.checks import (
    Vocabulary,
    allowed_numbers,
    is_flagged,
    run_checks,
    trim_ungrounded,
    ungrounded_terms,
)
from copywriting.models import Channel, CopyDraft, CopyJob, Field, Length, Tone
from copywriting.prompts import (
    CopyExample,
    PartPrompt,
    ProductFacts,
    build_part_prompts,
    parse_text,
    parts_text,
    prompt_version,
    tidy_output,
)
from llm_services import LLMBadRequest, LLMError, LLMTimeout, LLMUnavailable, UnknownAlias
from llm_services.handler import models
from llm_services.types import Generation

logger = logging.getLogger("copywriting")


class CopywritingError(Exception):
    """Base class of copywriting errors; the message is meant for the merchant."""


class CopywritingUnavailable(CopywritingError):
    """The model that writes copy cannot serve (switched off, not prepared, not loadable)."""


class CopyRefused(CopywritingError):
    """This product cannot get copy as it is (nothing to write from, data too long)."""


class ApprovalBlocked(CopywritingError):
    """The draft cannot be approved: flagged without an override, empty, or already reviewed."""


@dataclass(frozen=True)
class CopyRequest:
    """What the merchant asked for."""

    field: str = Field.DESCRIPTION
    channel: str = Channel.PRODUCT_PAGE
    language: str = "en"
    tone: str = Tone.PROFESSIONAL
    audience: str = ""
    length: str = Length.MEDIUM
    candidates: int = 1
    # Product page only: also write bullet highlights (a second, shorter generation).
    highlights: bool = True

    def __post_init__(self) -> None:
        if self.channel not in Channel.values:
            raise CopywritingError(f"Unknown channel {self.channel!r}.")
        if self.field not in Field.values:
            raise CopywritingError(f"Unknown field {self.field!r}.")
        if (self.field == Field.DESCRIPTION) != (self.channel == Channel.PRODUCT_PAGE):
            raise CopywritingError(
                "The description is written for the product page; marketing copy for the "
                "other channels."
            )
        if self.tone not in Tone.values:
            raise CopywritingError(f"Unknown tone {self.tone!r}.")
        if self.length not in Length.values:
            raise CopywritingError(f"Unknown length {self.length!r}.")
        if not 1 <= self.candidates <= 8:
            raise CopywritingError("Ask for 1 to 8 candidates.")

    @property
    def options(self) -> dict[str, Any]:
        options = {"tone": self.tone, "audience": self.audience.strip(), "length": self.length}
        if not self.highlights and self.channel == Channel.PRODUCT_PAGE:
            options["highlights"] = False
        return options

    @classmethod
    def from_job(cls, job: CopyJob) -> CopyRequest:
        options = job.options or {}
        return cls(
            field=job.field,
            channel=job.channel,
            language=job.language,
            tone=options.get("tone", Tone.PROFESSIONAL),
            audience=options.get("audience", ""),
            length=options.get("length", Length.MEDIUM),
            highlights=options.get("highlights", True),
            candidates=options.get("candidates", 1),
        )


@dataclass
class PreparedCopy:
    """One product's prompts for one request, with what the checks need."""

    facts: ProductFacts
    request: CopyRequest
    prompts: list[PartPrompt]
    input_hash: str
    prompt_version: str
    examples: list[CopyExample] = field(default_factory=list)

    def batch_key(self) -> str:
        return ":".join(
            [
                str(self.facts.product_id),
                self.request.field,
                self.request.language,
                self.input_hash,
                self.prompt_version,
            ]
        )


@dataclass(frozen=True)
class GeneratorInfo:
    alias: str
    backend: Any
    version: Any  # llm_services ModelVersion of a fine-tuned copywriting model, or None


# -- the model --------------------------------------------------------------------------------


def generator_state() -> tuple[bool, str]:
    """(serving, detail) of the copywriting alias, without loading any model."""
    from llm_services.health import alias_health

    alias = conf.get("MODEL_ALIAS")
    try:
        report = {health.alias: health for health in alias_health()}
    except ImproperlyConfigured as exc:
        return False, str(exc)
    health = report.get(alias)
    if health is None:
        return False, f"LLM_MODELS has no alias {alias!r}."
    return health.serving, health.detail or health.state


def active_copywriting_version() -> Any:
    """The active fine-tuned version of the copywriting alias, if it learnt copywriting."""
    from llm_services.conf import active_versions
    from llm_services.models import ModelVersion

    active = active_versions().get(conf.get("MODEL_ALIAS"))
    if active is None:
        return None
    return ModelVersion.objects.filter(pk=active.version_id, task="copywriting").first()


def get_generator() -> GeneratorInfo:
    """The backend that writes copy.

    Raises:
        CopywritingUnavailable: the alias is off, missing or cannot load.
    """
    alias = conf.get("MODEL_ALIAS")
    try:
        backend = models[alias]
    except UnknownAlias as exc:
        raise CopywritingUnavailable(f"Copywriting is disabled: {exc}") from exc
    except (LLMUnavailable, ImproperlyConfigured) as exc:
        raise CopywritingUnavailable(
            f"Copywriting is disabled: the {alias!r} model cannot load ({exc})"
        ) from exc
    return GeneratorInfo(alias=alias, backend=backend, version=active_copywriting_version())


# -- preparing and generating -----------------------------------------------------------------


def input_hash(facts: ProductFacts, request: CopyRequest) -> str:
    """sha256 of everything that decides a prompt, except the examples."""
    payload = {
        "source": facts.source,
        "field": request.field,
        "channel": request.channel,
        "language": request.language,
        "options": request.options,
    }
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


def prepare_copy(
    facts: ProductFacts,
    request: CopyRequest,
    *,
    examples: Sequence[CopyExample] = (),
    finetuned: bool = False,
) -> PreparedCopy:
    """The prompts for one product.

    A fine-tuned copywriting model gets the description prompt it was trained on, without
    examples; the base model gets the shop's approved copy as examples.

    Raises:
        CopyRefused: the product has nothing to write from.
    """
    if not facts.attributes and not facts.highlights:
        raise CopyRefused(
            "The product has no attributes or highlights: add its facts before drafting copy, "
            "so the draft can be checked against them."
        )
    shots = [] if finetuned and request.channel == Channel.PRODUCT_PAGE else list(examples)
    return PreparedCopy(
        facts=facts,
        request=request,
        prompts=build_part_prompts(
            facts, channel=request.channel, options=request.options, examples=shots
        ),
        input_hash=input_hash(facts, request),
        prompt_version=prompt_version(request.channel),
        examples=shots,
    )


@dataclass
class GeneratedParts:
    parts: dict[str, Any]
    generations: list[Generation]

    @property
    def latency_ms(self) -> float:
        return sum(g.latency_ms for g in self.generations)


def generate_parts(
    backend: Any,
    items: Sequence[PreparedCopy],
    *,
    temperature: float = 0.0,
    vocabulary: Vocabulary | None = None,
) -> list[GeneratedParts]:
    """Generate every part of every item, one batched call per part.

    For items in a language of COPYWRITING_GROUNDED_DECODING, the item's ungrounded terms
    (``vocabulary``, by default the catalog's) are banned while it is decoded; in one of
    COPYWRITING_GROUNDED_NUMBERS, it may state only the numbers of its product's data.

    Raises:
        LLMBadRequest: a prompt does not fit the model (callers split the batch to find it).
        LLMUnavailable, LLMTimeout: the model failed; retryable.
    """
    results = [GeneratedParts(parts={}, generations=[]) for _ in items]
    if not items:
        return results
    avoid = None
    grounded = set(conf.get("GROUNDED_DECODING") or ())
    if any(item.request.language in grounded for item in items):
        from copywriting import selectors

        vocabulary = vocabulary or selectors.catalog_vocabulary()
        avoid = [
            ungrounded_terms(item.facts, vocabulary) if item.request.language in grounded else []
            for item in items
        ]
    numbers = None
    limited = set(conf.get("GROUNDED_NUMBERS") or ())
    if any(item.request.language in limited for item in items):
        numbers = [
            allowed_numbers(item.facts) if item.request.language in limited else None
            for item in items
        ]
    part_names = [prompt.part for prompt in items[0].prompts]
    for index, part in enumerate(part_names):
        prompts = [item.prompts[index] for item in items]
        generations = backend.generate_batch(
            [p.prompt for p in prompts],
            max_new_tokens=max(p.max_new_tokens for p in prompts),
            temperature=temperature,
            stop=list(prompts[0].stop),
            avoid=avoid,
            numbers=numbers,
        )
        for result, generation in zip(results, generations, strict=True):
            result.parts[part] = tidy_output(
                generation.text, part=part, hit_length=generation.finish_reason == "length"
            )
            result.generations.append(generation)
    return results


@dataclass(frozen=True)
class FinishedParts:
    """Generated parts after trimming, with their check results."""

    parts: dict[str, Any]
    checks: list[dict[str, Any]]
    raw_parts: dict[str, Any]
    raw_checks: list[dict[str, Any]]


def finish_parts(
    item: PreparedCopy,
    parts: dict[str, Any],
    *,
    vocabulary: Vocabulary,
    others: Sequence[tuple[str, str]],
) -> FinishedParts:
    """Check generated parts; with COPYWRITING_TRIM_UNGROUNDED, first cut the clauses that state
    facts the product lacks (each cut is a warning), then check what is left."""
    example_copy = [
        ("one of the prompt's examples", str(example.parts.get("description") or ""))
        for example in item.examples
    ]
    pool = [*others, *example_copy]
    raw_checks = run_checks(parts, facts=item.facts, vocabulary=vocabulary, others=pool)
    if not conf.get("TRIM_UNGROUNDED") or not any(c["check"] == "facts" for c in raw_checks):
        return FinishedParts(parts, raw_checks, parts, raw_checks)
    trimmed, notes = trim_ungrounded(parts, facts=item.facts, vocabulary=vocabulary)
    checks = run_checks(trimmed, facts=item.facts, vocabulary=vocabulary, others=pool)
    return FinishedParts(trimmed, [*checks, *notes], parts, raw_checks)


def _new_draft(
    item: PreparedCopy,
    generated: GeneratedParts,
    *,
    generator: GeneratorInfo,
    vocabulary: Vocabulary,
    others: Sequence[tuple[str, str]],
    candidate: int,
    job: CopyJob | None = None,
    batch_key: str | None = None,
) -> CopyDraft:
    finished = finish_parts(item, generated.parts, vocabulary=vocabulary, others=others)
    channel, language = item.request.channel, item.request.language
    first = generated.generations[0] if generated.generations else None
    return CopyDraft(
        product_id=item.facts.product_id,
        field=item.request.field,
        channel=channel,
        language=language,
        options={
            **item.request.options,
            "examples": len(item.examples),
            "finetuned": generator.version is not None,
        },
        prompt_version=item.prompt_version,
        model_alias=generator.alias,
        model_id=first.model_id if first else "",
        model_revision=first.revision if first else "",
        model_version=generator.version,
        input_hash=item.input_hash,
        candidate=candidate,
        generated_text=parts_text(channel, finished.raw_parts, language),
        text=parts_text(channel, finished.parts, language),
        parts=finished.parts,
        checks=finished.checks,
        is_flagged=is_flagged(finished.checks),
        job=job,
        batch_key=batch_key,
        latency_ms=generated.latency_ms,
    )


def _prepare_for_product(product: Any, request: CopyRequest, *, finetuned: bool) -> PreparedCopy:
    from copywriting import selectors

    facts = selectors.product_facts(product, request.language)
    examples: list[CopyExample] = []
    if not (finetuned and request.channel == Channel.PRODUCT_PAGE):
        examples = selectors.fewshot_examples(
            product,
            channel=request.channel,
            language=request.language,
            limit=conf.get("FEWSHOT_EXAMPLES"),
        )
    return prepare_copy(facts, request, examples=examples, finetuned=finetuned)


def _others_for(item: PreparedCopy) -> list[tuple[str, str]]:
    from copywriting import selectors

    return selectors.other_copy(
        item.facts.product_id,
        category_id=item.facts.category_id,
        language=item.request.language,
        limit=conf.get("NEAR_DUPLICATE_POOL"),
    )


def generate_drafts(
    *, product: Any, request: CopyRequest, job: CopyJob | None = None
) -> list[CopyDraft]:
    """Draft ``request.candidates`` candidates for one product and store them as drafts.

    The first candidate is greedy (the model's most likely text), the others are sampled.

    With ``job`` (a candidates job, see :func:`start_candidates_job`), the drafts belong to the
    job and are stored in the transaction that moves its cursor past the product. If another
    runner of the job got there first, nothing is stored and that runner's drafts are returned.

    Raises:
        CopywritingUnavailable: the model cannot serve.
        CopyRefused: nothing to write from, or the product data does not fit the model.
        LLMTimeout: the model did not answer in time.
    """
    from copywriting import selectors

    generator = get_generator()
    item = _prepare_for_product(product, request, finetuned=generator.version is not None)
    greedy = 1
    sampled = request.candidates - greedy
    vocabulary = selectors.catalog_vocabulary()
    try:
        generated = generate_parts(
            generator.backend, [item], temperature=0.0, vocabulary=vocabulary
        )
        if sampled:
            generated += generate_parts(
                generator.backend,
                [item] * sampled,
                temperature=conf.get("SAMPLING_TEMPERATURE"),
                vocabulary=vocabulary,
            )
    except LLMBadRequest as exc:
        raise CopyRefused(f"The product's data does not fit the model: {exc}") from exc
    except LLMUnavailable as exc:
        raise CopywritingUnavailable(f"Copywriting is unavailable right now: {exc}") from exc
    others = _others_for(item)
    drafts = [
        _new_draft(
            item,
            result,
            generator=generator,
            vocabulary=vocabulary,
            others=others,
            candidate=index,
            job=job,
        )
        for index, result in enumerate(generated)
    ]
    with transaction.atomic():
        # The conditional update waits for a concurrent runner's transaction, then matches
        # nothing: one set of candidates per job, however often the task is delivered.
        if job is not None and not CopyJob.objects.filter(pk=job.pk, cursor=0).update(
            cursor=1,
            generated=len(drafts),
            flagged=sum(1 for d in drafts if d.is_flagged),
            heartbeat_at=timezone.now(),
        ):
            return list(job.drafts.order_by("candidate", "pk"))
        for draft in drafts:
            draft.save()
    return drafts


# -- review -----------------------------------------------------------------------------------


def _lock_draft(draft_id: int) -> CopyDraft:
    return CopyDraft.objects.select_for_update().select_related("product").get(pk=draft_id)


def _recheck(draft: CopyDraft, parts: dict[str, Any]) -> list[dict[str, Any]]:
    from copywriting import selectors

    facts = selectors.product_facts(draft.product, draft.language)
    others = selectors.other_copy(
        draft.product_id,
        category_id=draft.product.category_id,
        language=draft.language,
        limit=conf.get("NEAR_DUPLICATE_POOL"),
    )
    return run_checks(parts, facts=facts, vocabulary=selectors.catalog_vocabulary(), others=others)


def _has_content(parts: dict[str, Any]) -> bool:
    return any((v if isinstance(v, list) else str(v or "").strip()) for v in parts.values())


def _apply(draft: CopyDraft) -> None:
    from shop.catalog.cache import invalidate_catalog_cache
    from shop.catalog.models import Product, ProductTranslation

    CopyDraft.objects.filter(
        product_id=draft.product_id,
        channel=draft.channel,
        language=draft.language,
        is_applied=True,
    ).exclude(pk=draft.pk).update(is_applied=False)
    draft.is_applied = True
    if draft.channel != Channel.PRODUCT_PAGE:
        return  # marketing copy lives on the approved draft itself
    product = draft.product
    description = str(draft.parts.get("description") or "")
    highlights = [str(h) for h in draft.parts.get("highlights") or []]
    if draft.language == product.language:
        product.description = description
        if highlights:
            product.highlights = highlights
        product.save(update_fields=["description", "highlights", "updated_at"])
    else:
        translation = ProductTranslation.objects.filter(
            product=product, language_code=draft.language
        ).first()
        if translation is None:
            translation = ProductTranslation(
                product=product, language_code=draft.language, title=product.title
            )
        translation.description = description
        if highlights:
            translation.highlights = highlights
        translation.save()
        # The product page is cached by the product's updated_at.
        Product.objects.filter(pk=product.pk).update(updated_at=timezone.now())
    transaction.on_commit(invalidate_catalog_cache)


def approve_draft(
    *, draft_id: int, user: Any, text: str | None = None, override_reason: str = ""
) -> CopyDraft:
    """Approve a draft (with the merchant's edits) and apply it to the product.

    Edited text is checked again. A flagged draft needs ``override_reason``, which is stored
    with the reviewer. The product page copy is written to the product (or its translation);
    marketing copy stays on the draft, which becomes the channel's applied copy.

    Raises:
        ApprovalBlocked: already reviewed, empty, or flagged without an override reason.
    """
    blocked = ""
    with transaction.atomic():
        draft = _lock_draft(draft_id)
        if draft.status != CopyDraft.Status.DRAFT:
            raise ApprovalBlocked(f"This draft is already {draft.get_status_display().lower()}.")
        if text is not None and text.strip() != draft.text.strip():
            parts = parse_text(draft.channel, text, draft.language)
            draft.parts = parts
            draft.text = parts_text(draft.channel, parts, draft.language)
            draft.checks = _recheck(draft, parts)
            draft.is_flagged = is_flagged(draft.checks)
        if not _has_content(draft.parts):
            raise ApprovalBlocked("The draft is empty; there is nothing to approve.")
        reason = override_reason.strip()
        if draft.is_flagged and not reason:
            problems = "; ".join(c["message"] for c in draft.blocking_checks)
            blocked = (
                f"This draft is flagged ({problems}). Fix the text, or give a reason to "
                "override the checks."
            )
            # The re-checked edit is kept (committed), so the merchant sees why it is flagged.
            draft.save(update_fields=["parts", "text", "checks", "is_flagged", "updated_at"])
        else:
            draft.status = CopyDraft.Status.APPROVED
            draft.reviewer = user if getattr(user, "is_authenticated", False) else None
            draft.reviewed_at = timezone.now()
            draft.override_reason = reason if draft.is_flagged else ""
            _apply(draft)
            draft.save()
    if blocked:
        raise ApprovalBlocked(blocked)
    logger.info(
        "copy draft %s approved by %s%s",
        draft.pk,
        getattr(user, "pk", None),
        " with an override" if draft.override_reason else "",
    )
    return draft


def reject_draft(*, draft_id: int, user: Any) -> CopyDraft:
    """Reject a draft; it stays stored (and is never applied).

    Raises:
        ApprovalBlocked: the draft is already reviewed.
    """
    with transaction.atomic():
        draft = _lock_draft(draft_id)
        if draft.status != CopyDraft.Status.DRAFT:
            raise ApprovalBlocked(f"This draft is already {draft.get_status_display().lower()}.")
        draft.status = CopyDraft.Status.REJECTED
        draft.reviewer = user if getattr(user, "is_authenticated", False) else None
        draft.reviewed_at = timezone.now()
        draft.save(update_fields=["status", "reviewer", "reviewed_at", "updated_at"])
    return draft


# -- batch jobs -------------------------------------------------------------------------------


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
    with transaction.atomic():
        job = CopyJob.objects.select_for_update().get(pk=job_id)
        if job.status == CopyJob.Status.DONE:
            return job
        job.status = CopyJob.Status.QUEUED
        job.error = ""
        job.save(update_fields=["status", "error"])
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from copywriting.tasks import generate_copy_job_task

    generate_copy_job_task.delay(job_id)


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
    from copywriting import selectors
    from shop.catalog.models import Product

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
                items.append(_prepare_for_product(product, request, finetuned=finetuned))
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
                return _fail(job, str(exc))
            except LLMUnavailable as exc:
                return _fail(job, f"Copywriting is unavailable: {exc}")
        drafts = [
            _new_draft(
                item,
                result,
                generator=generator,
                vocabulary=vocabulary,
                others=_others_for(item),
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
    from shop.catalog.models import Product

    if job.cursor < job.total:
        product = (
            Product.objects.select_related("category", "brand")
            .filter(pk=job.product_ids[0])
            .first()
        )
        if product is None:
            return _fail(job, "The product was deleted before its copy was drafted.")
        try:
            generate_drafts(product=product, request=CopyRequest.from_job(job), job=job)
        except CopywritingError as exc:
            return _fail(job, str(exc))
        except LLMTimeout as exc:
            # Not retried like a batch: backoff retries would keep the merchant's status page
            # "running" for minutes, where a failed job lets them generate again at once.
            return _fail(job, f"The model did not answer in time ({exc}). Generate again.")
        except LLMError as exc:
            return _fail(job, f"The model could not draft this product: {exc}")
        job.refresh_from_db()
        if on_progress is not None:
            on_progress(job)
    CopyJob.objects.filter(pk=job.pk).update(
        status=CopyJob.Status.DONE, finished_at=timezone.now(), heartbeat_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def _generate_chunk(
    backend: Any, items: Sequence[PreparedCopy], vocabulary: Vocabulary
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


def _fail(job: CopyJob, message: str) -> CopyJob:
    CopyJob.objects.filter(pk=job.pk).update(
        status=CopyJob.Status.FAILED, error=message, heartbeat_at=timezone.now()
    )
    job.refresh_from_db()
    logger.warning("copy job %s failed: %s", job.pk, message)
    return job
