"""Generation: what the merchant asks for, the model that writes, prompts, drafts.

``manage.py eval_copywriting`` calls :func:`prepare_copy`, :func:`generate_parts` and
:func:`finish_parts` too, so the figures it prints describe the prompts and checks the shop
serves.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from copywriting import conf, selectors
from copywriting.checks import (
    allowed_numbers,
    is_flagged,
    run_checks,
    trim_ungrounded,
    trim_unsupported,
    ungrounded_terms,
)
from copywriting.exceptions import CopyRefused, CopywritingError, CopywritingUnavailable
from copywriting.findings import EXAMPLE_SOURCE, Source
from copywriting.models import Channel, CopyDraft, CopyJob, Field, Length, Tone
from copywriting.naming import rename_product
from copywriting.output import part_items, parts_text, tidy_output
from copywriting.prompts import (
    ONE_LINE_PARTS,
    CopyExample,
    PartPrompt,
    ProductFacts,
    build_part_prompts,
    prompt_version,
)
from copywriting.support import Voice
from copywriting.training import DATA_CLOSE
from copywriting.vocabulary import Vocabulary
from llm_services import (
    Generation,
    Generator,
    LLMBadRequest,
    LLMUnavailable,
    NoCopy,
    UnknownAlias,
    active_versions,
    alias_health,
    llm,
)
from llm_services.models import ModelVersion


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
    # (label, text) of other products' copy: checked for near-duplicates, never copied.
    others: list[Source] = field(default_factory=list)

    @property
    def keeps_highlights(self) -> bool:
        """Product-page copy of a product whose data has highlights keeps them as they are:
        they are its facts, and rewriting facts is where a draft goes wrong."""
        return (
            self.request.channel == Channel.PRODUCT_PAGE
            and self.request.highlights
            and bool(self.facts.highlights)
        )

    def copy_sources(self) -> tuple[str, ...]:
        """Text the draft must not copy from: its examples' copy and other products'."""
        texts = [text for _label, text in self.others]
        for example in self.examples:
            for value in example.parts.values():
                texts += part_items(value)
        return tuple(dict.fromkeys(t for t in texts if t))

    def example_lines(self, part: str) -> tuple[str, ...]:
        """The examples' texts of ``part``."""
        return tuple(
            text
            for example in self.examples
            for text in part_items(example.parts.get(part))
            if text
        )

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
    backend: Generator
    version: ModelVersion | None  # a fine-tuned copywriting model's version, if one serves


def generator_state() -> tuple[bool, str]:
    """(serving, detail) of the copywriting alias, without loading any model."""
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
        backend = llm[alias]
    except UnknownAlias as exc:
        raise CopywritingUnavailable.said(
            gettext_noop("Copywriting is disabled: {detail}"), detail=str(exc)
        ) from exc
    except (LLMUnavailable, ImproperlyConfigured) as exc:
        raise CopywritingUnavailable.said(
            gettext_noop("Copywriting is disabled: the “{alias}” model cannot load ({detail})"),
            alias=alias,
            detail=str(exc),
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
        raise CopyRefused.said(
            gettext_noop(
                "The product has no attributes or highlights: add its facts before drafting "
                "copy, so the draft can be checked against them."
            )
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
    backend: Generator,
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
        vocabulary = vocabulary or selectors.catalog_vocabulary()
        # The prompt's delimiters too: a base model sometimes opens a part with ">>>".
        avoid = [
            [*ungrounded_terms(item.facts, vocabulary), DATA_CLOSE]
            if item.request.language in grounded
            else []
            for item in items
        ]
    numbers = None
    limited = set(conf.get("GROUNDED_NUMBERS") or ())
    if any(item.request.language in limited for item in items):
        numbers = [
            allowed_numbers(item.facts) if item.request.language in limited else None
            for item in items
        ]
    part_names = list(dict.fromkeys(p.part for item in items for p in item.prompts))
    for part in part_names:
        # Items may differ in their parts: one whose data has highlights keeps them.
        rows = [i for i, item in enumerate(items) if any(p.part == part for p in item.prompts)]
        prompts = [next(p for p in items[i].prompts if p.part == part) for i in rows]

        def pick(values: list[Any] | None, rows: list[int] = rows) -> list[Any] | None:
            return None if values is None else [values[i] for i in rows]

        generations = backend.generate_batch(
            [p.prompt for p in prompts],
            max_new_tokens=max(p.max_new_tokens for p in prompts),
            temperature=temperature,
            stop=list(dict.fromkeys(stop for p in prompts for stop in p.stop)),
            avoid=pick(avoid),
            numbers=pick(numbers),
            no_copy=pick(_no_copy_rules(items, part)),
        )
        for row, generation in zip(rows, generations, strict=True):
            results[row].parts[part] = tidy_output(
                generation.text, part=part, hit_length=generation.finish_reason == "length"
            )
            results[row].generations.append(generation)
    for item, result in zip(items, results, strict=True):
        if item.keeps_highlights:
            result.parts["highlights"] = list(item.facts.highlights)
    return results


def _no_copy_rules(items: Sequence[PreparedCopy], part: str) -> list[NoCopy | None] | None:
    rules: list[NoCopy | None] = []
    # A one-line part (a banner, a subject line) is a few words: copying an example's line
    # takes fewer than NO_COPY_WORDS, so its examples' lines of that part are guarded closer.
    short = part in ONE_LINE_PARTS
    for item in items:
        language = item.request.language
        size = conf.per_language(conf.get("NO_COPY_WORDS"), language)
        if short and size:
            size = conf.per_language(conf.get("NO_COPY_LINE_WORDS"), language)
        repeat = conf.per_language(conf.get("NO_REPEAT_WORDS"), language)
        rules.append(
            NoCopy(
                sources=item.example_lines(part) if short else item.copy_sources(),
                own=item.facts.grounding_text(),
                size=size,
                repeat_size=repeat,
                # Only the name may recur; the other facts are said once.
                repeatable=f"{item.facts.title} | {item.facts.brand}",
            )
            if size
            else None
        )
    return rules if any(rules) else None


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
    others: Sequence[Source],
    voice: Voice | None = None,
) -> FinishedParts:
    """Check generated parts; with COPYWRITING_TRIM_UNGROUNDED, first cut the clauses that state
    facts the product lacks, and with a ``voice`` (the shop's copy for the product's category,
    :func:`copywriting.selectors.copy_voice`) the sentences that say what neither its data
    nor the shop's copy backs (each cut is a warning), then check what is left."""
    # One-line parts are held to their examples' lines closer (run_checks' example_lines).
    example_copy = [
        (EXAMPLE_SOURCE, text)
        for part in ("description", "social_post")
        for text in item.example_lines(part)
    ]
    pool = [*others, *example_copy]
    lines = {part: item.example_lines(part) for part in ONE_LINE_PARTS}
    raw_checks = run_checks(
        parts, facts=item.facts, vocabulary=vocabulary, others=pool, example_lines=lines
    )
    # Renamed first, so that what the later trims quote is what the draft says.
    trimmed, notes = rename_product(parts, facts=item.facts, names=vocabulary.names)
    if conf.get("TRIM_UNGROUNDED") and any(c["check"] == "facts" for c in raw_checks):
        trimmed, cut = trim_ungrounded(trimmed, facts=item.facts, vocabulary=vocabulary)
        notes += cut
    if voice is not None:
        trimmed, cut = trim_unsupported(trimmed, facts=item.facts, voice=voice)
        notes += cut
    if not notes:
        return FinishedParts(parts, raw_checks, parts, raw_checks)
    checks = run_checks(
        trimmed, facts=item.facts, vocabulary=vocabulary, others=pool, example_lines=lines
    )
    return FinishedParts(trimmed, [*checks, *notes], parts, raw_checks)


def shop_voice(item: PreparedCopy) -> Voice | None:
    """The voice generated copy is trimmed to (COPYWRITING_TRIM_UNSUPPORTED), else None."""
    if not conf.get("TRIM_UNSUPPORTED"):
        return None
    return selectors.copy_voice(item.facts.category_id, item.request.language)


def build_draft(
    item: PreparedCopy,
    generated: GeneratedParts,
    *,
    generator: GeneratorInfo,
    vocabulary: Vocabulary,
    others: Sequence[Source],
    candidate: int,
    job: CopyJob | None = None,
    batch_key: str | None = None,
) -> CopyDraft:
    finished = finish_parts(
        item, generated.parts, vocabulary=vocabulary, others=others, voice=shop_voice(item)
    )
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
        requested_by_id=job.requested_by_id if job is not None else None,
        batch_key=batch_key,
        latency_ms=generated.latency_ms,
    )


def prepare_for_product(product: Any, request: CopyRequest, *, finetuned: bool) -> PreparedCopy:
    facts = selectors.product_facts(product, request.language)
    examples: list[CopyExample] = []
    if not (finetuned and request.channel == Channel.PRODUCT_PAGE):
        examples = selectors.fewshot_examples(
            product,
            channel=request.channel,
            language=request.language,
            limit=conf.get("FEWSHOT_EXAMPLES"),
        )
    item = prepare_copy(facts, request, examples=examples, finetuned=finetuned)
    item.others = others_for(item)
    return item


def others_for(item: PreparedCopy) -> list[Source]:
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
    generator = get_generator()
    item = prepare_for_product(product, request, finetuned=generator.version is not None)
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
        raise CopyRefused.said(
            gettext_noop("The product's data does not fit the model: {detail}"), detail=str(exc)
        ) from exc
    except LLMUnavailable as exc:
        raise CopywritingUnavailable.said(
            gettext_noop("Copywriting is unavailable right now: {detail}"), detail=str(exc)
        ) from exc
    others = item.others
    drafts = [
        build_draft(
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
