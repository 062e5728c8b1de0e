"""The translation engine: texts in, checked translations out, cached by source.

    from translation.engine import translate_texts

    [result] = translate_texts(["SOFT 99 镀膜车蜡"], source="zh-hans", target="en", kind="title")
    result.text, result.is_flagged, result.checks

Every caller (the merchant's batch jobs, a shopper's review translation, ``eval_translation``)
goes through :func:`translate_with` for the prompts, generation and checks, so the evaluation
measures what the shop serves. :func:`translate_texts` adds what the shop needs around it:

1. languages: "en" and "zh-hans"; a Traditional Chinese source ("zh-hant", "zh-tw") is
   converted to Simplified with OpenCC first (``translation.languages``); Traditional to
   Simplified is the conversion alone, no model;
2. the cache: ``TranslatedText`` rows keyed by sha256 of (converted source text, languages,
   PROMPT_VERSION, the generator's revision): a new prompt or model translates again;
3. the generator: the alias ``TRANSLATION_MODEL_ALIAS`` (default "generate"); while a
   version fine-tuned on the "translation" task is active it is asked the zero-shot prompt it
   learnt, else the base model gets few-shot examples (``translation.prompts``);
4. protected terms (``translation.glossary``): found in the source, numbers enforced while
   decoding, every term checked in the output; a missing one is an error that flags it.

A generator that is switched off, cannot load, fails or (``interactive=True``) runs out of
the shopper's time gives ``degraded`` results with empty text: the source is never passed
off as its translation.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from common.text import CHINESE
from llm_services import (
    Generator,
    LLMError,
    LLMUnavailable,
    UnknownAlias,
    active_versions,
    interactive_calls,
    llm,
)
from llm_services.models import ModelVersion
from translation.checks import ERROR, check_translation, is_flagged, make_check
from translation.glossary import (
    ProtectedTerm,
    catalog_glossary,
    extract_terms,
    restore_terms,
    source_numbers,
)
from translation.languages import source_language, target_language, to_simplified
from translation.models import TranslatedText
from translation.prompts import (
    PROMPT_VERSION,
    STOP,
    Pair,
    build_prompt,
    check_kind,
    choose_examples,
    example_pool,
    join_segments,
    max_new_tokens,
    split_segments,
    tidy_output,
)

logger = logging.getLogger("translation")

TASK_NAME = "translation"
DEFAULT_ALIAS = "generate"
DEFAULT_FEWSHOT_EXAMPLES = 4
# A shopper waits for at most this many seconds of generation (whole batches; a batch
# started before the deadline finishes).
DEFAULT_INTERACTIVE_SECONDS = 6.0


@dataclass(frozen=True)
class Translation:
    """One text's translation.

    Attributes:
        source_text: the text as given (before any OpenCC conversion).
        text: the translation ("" when not translated).
        checks: findings, ``{"name", "severity": "error" | "warning", "detail"}``.
        is_flagged: a check of severity "error" failed: not to be shown or applied without
            a person's review.
        cached: served from ``TranslatedText``.
        degraded: why the generator did not translate (then ``text`` is ""); "" otherwise.
    """

    source_text: str
    text: str
    checks: list[dict]
    is_flagged: bool
    cached: bool
    degraded: str = ""


class TranslationUnavailable(Exception):
    """The generator is switched off, missing or cannot load; the message says which."""


@dataclass(frozen=True)
class GeneratorInfo:
    alias: str
    backend: Generator
    version: ModelVersion | None  # the active fine-tuned translation version, if one serves

    @property
    def finetuned(self) -> bool:
        return self.version is not None


def model_alias() -> str:
    return getattr(settings, "TRANSLATION_MODEL_ALIAS", DEFAULT_ALIAS)


def fewshot_examples() -> int:
    return int(getattr(settings, "TRANSLATION_FEWSHOT_EXAMPLES", DEFAULT_FEWSHOT_EXAMPLES))


def active_translation_version(alias: str | None = None) -> ModelVersion | None:
    """The active version of the alias if it was fine-tuned on the translation task."""
    active = active_versions().get(alias or model_alias())
    if active is None:
        return None
    return ModelVersion.objects.filter(pk=active.version_id, task=TASK_NAME).first()


def get_generator() -> GeneratorInfo:
    """The backend that translates (loads it on first use).

    Raises:
        TranslationUnavailable: the alias is off, missing or cannot load.
    """
    alias = model_alias()
    try:
        backend = llm[alias]
    except UnknownAlias as exc:
        raise TranslationUnavailable(_("Machine translation is switched off: %s") % exc) from exc
    except (LLMUnavailable, ImproperlyConfigured) as exc:
        raise TranslationUnavailable(_("The translation model cannot load: %s") % exc) from exc
    return GeneratorInfo(alias=alias, backend=backend, version=active_translation_version(alias))


def expected_revision(alias: str) -> str:
    """The revision the alias will generate with, known without loading the model."""
    active = active_versions().get(alias)
    if active is not None:
        return active.revision
    raw = (getattr(settings, "LLM_MODELS", None) or {}).get(alias) or {}
    return str(raw.get("REVISION", "")) if isinstance(raw, dict) else ""


def source_hash(text: str, *, source: str, target: str, revision: str) -> str:
    """The cache key: sha256 of the source text, languages, prompt version and revision."""
    payload = [text, source, target, PROMPT_VERSION, revision]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


# -- generating -------------------------------------------------------------------------------


@dataclass
class _Segment:
    item: int
    line: int
    position: int
    text: str
    prompt: str
    budget: int
    numbers: list[str]
    output: str = ""
    hit_length: bool = False
    looped: bool = False
    latency_ms: float = 0.0
    done: bool = False


@dataclass
class _Item:
    source: str
    lines: list[list[str]]
    terms: list[ProtectedTerm]
    segments: list[_Segment] = field(default_factory=list)


def translate_with(
    backend: Generator,
    texts: Sequence[str],
    *,
    source: str,
    target: str,
    kind: str = "text",
    finetuned: bool = False,
    pool: Sequence[Pair] | None = None,
    examples: int | None = None,
    glossary: Sequence[Sequence[str]] = (),
    deadline: float | None = None,
    batch_size: int | None = None,
) -> list[tuple[Translation, float]]:
    """Translate ``texts`` (already Simplified Chinese or English) with ``backend``, uncached.

    Args:
        backend: the generator.
        texts: the sources; an empty one gives an empty translation without a model call.
        source, target: "en" / "zh-hans".
        kind: picks examples, segmenting and length limits.
        finetuned: the backend learnt the translation task: zero-shot prompts.
        pool: the few-shot examples to choose from (default: the examples file's).
        examples: examples per prompt (default TRANSLATION_FEWSHOT_EXAMPLES).
        glossary: accepted spellings of brands and merchant terms to protect.
        deadline: a ``time.monotonic()`` after which no new batch starts; texts left are
            degraded ("out of time").
        batch_size: prompts per generate_batch call (default: the backend's batch size).

    Returns:
        One (Translation, generation milliseconds) per text, in order.

    Raises:
        LLMError: the backend failed.
    """
    check_kind(kind)
    if pool is None:
        pool = example_pool(source, target)
    shots = fewshot_examples() if examples is None else examples
    items = []
    segments: list[_Segment] = []
    for index, text in enumerate(texts):
        lines = split_segments(text, kind=kind) if text.strip() else []
        item = _Item(
            source=text,
            lines=lines,
            terms=extract_terms(text, glossary=glossary, chinese_source=source == CHINESE),
        )
        for line_number, line in enumerate(lines):
            for position, segment in enumerate(line):
                chosen = [] if finetuned else choose_examples(segment, pool, kind=kind, limit=shots)
                item.segments.append(
                    _Segment(
                        item=index,
                        line=line_number,
                        position=position,
                        text=segment,
                        prompt=build_prompt(
                            segment,
                            source=source,
                            target=target,
                            kind=kind,
                            examples=chosen,
                            glossary=glossary,
                            list_terms=finetuned,
                        ),
                        budget=max_new_tokens(segment, source=source, kind=kind),
                        numbers=sorted(source_numbers(segment)),
                    )
                )
        segments += item.segments
        items.append(item)
    # Alike lengths batch together: a batch decodes until its longest row is done.
    order = sorted(segments, key=lambda s: (s.budget, len(s.prompt)))
    size = batch_size or int(getattr(backend, "batch_size", 8) or 8)
    out_of_time = False
    for start in range(0, len(order), size):
        if deadline is not None and time.monotonic() > deadline:
            out_of_time = True
            break
        chunk = order[start : start + size]
        began = time.perf_counter()
        generations = backend.generate_batch(
            [s.prompt for s in chunk],
            max_new_tokens=max(s.budget for s in chunk),
            temperature=0.0,
            stop=list(STOP),
            numbers=[s.numbers for s in chunk],
        )
        share = (time.perf_counter() - began) * 1000 / len(chunk)
        for segment, generation in zip(chunk, generations, strict=True):
            segment.output, segment.looped = tidy_output(generation.text, target=target)
            segment.hit_length = generation.finish_reason == "length"
            segment.latency_ms = share
            segment.done = True

    results = []
    for item in items:
        latency = sum(s.latency_ms for s in item.segments)
        if out_of_time and not all(s.done for s in item.segments):
            reason = _("Machine translation ran out of time for this request.")
            results.append((degraded_translation(item.source, reason), latency))
            continue
        outputs = [[""] * len(line) for line in item.lines]
        for segment in item.segments:
            outputs[segment.line][segment.position] = segment.output
        text = join_segments(outputs, target=target) if item.lines else ""
        if not item.source.strip():
            results.append((Translation(item.source, "", [], False, False), latency))
            continue
        text, restored = restore_terms(item.source, text, item.terms)
        checks = check_translation(
            item.source,
            text,
            target=target,
            terms=item.terms,
            hit_length=any(s.hit_length for s in item.segments),
            looped=any(s.looped for s in item.segments),
            restored=restored,
        )
        results.append((Translation(item.source, text, checks, is_flagged(checks), False), latency))
    return results


def degraded_translation(source_text: str, reason: str) -> Translation:
    """No translation, saying why (never the source in its place)."""
    return Translation(
        source_text=source_text,
        text="",
        checks=[make_check("unavailable", ERROR, reason)],
        is_flagged=True,
        cached=False,
        degraded=reason,
    )


# -- the shop's entry point -------------------------------------------------------------------


def translate_texts(
    texts: Sequence[str],
    *,
    source: str,
    target: str,
    kind: str = "text",
    interactive: bool = False,
) -> list[Translation]:
    """Translate texts between English and Chinese, from the cache where it has them.

    Args:
        texts: the sources (a list; a bare string is refused).
        source: "en", "zh-hans", or Traditional Chinese ("zh-hant", "zh-tw"), converted to
            Simplified with OpenCC before anything else.
        target: "en" or "zh-hans".
        kind: "title", "description", "highlight", "label", "review" or "text".
        interactive: a shopper is waiting: one attempt, TRANSLATION_INTERACTIVE_SECONDS of
            generation at most, degraded results for what is left.

    Returns:
        One Translation per text, in order; flagged ones carry the failed checks, cached ones
        ``cached=True``, and ``degraded`` says why a text was not translated.

    Raises:
        ValueError: a bare string, an unknown kind or language.
    """
    if isinstance(texts, str):
        raise ValueError("translate_texts() takes a list of texts, not a single string.")
    check_kind(kind)
    source_code, conversion = source_language(source)
    target_code = target_language(target)
    texts = list(texts)
    converted = [to_simplified(text, conversion) for text in texts]
    if source_code == target_code:
        # Traditional -> Simplified (or a language into itself) is the conversion alone.
        return [
            Translation(source_text=original, text=text, checks=[], is_flagged=False, cached=False)
            for original, text in zip(texts, converted, strict=True)
        ]
    results: list[Translation | None] = [None] * len(texts)
    alias = model_alias()
    revision = expected_revision(alias)
    hashes = [
        source_hash(text, source=source_code, target=target_code, revision=revision)
        for text in converted
    ]
    cached = {
        row.source_hash: row
        for row in TranslatedText.objects.filter(source_hash__in=set(hashes)).only(
            "source_hash", "text", "checks", "is_flagged"
        )
    }
    todo = []
    for index, (original, text, key) in enumerate(zip(texts, converted, hashes, strict=True)):
        if not text.strip():
            results[index] = Translation(original, "", [], False, False)
        elif key in cached:
            row = cached[key]
            results[index] = Translation(original, row.text, row.checks, row.is_flagged, True)
        else:
            todo.append(index)
    if todo:
        for index, translation in zip(
            todo,
            _generate(
                [converted[i] for i in todo],
                originals=[texts[i] for i in todo],
                source=source_code,
                target=target_code,
                kind=kind,
                interactive=interactive,
            ),
            strict=True,
        ):
            results[index] = translation
    return [result for result in results if result is not None]


def _generate(
    texts: list[str],
    *,
    originals: list[str],
    source: str,
    target: str,
    kind: str,
    interactive: bool,
) -> list[Translation]:
    try:
        generator = get_generator()
    except TranslationUnavailable as exc:
        logger.warning("translation degraded: %s", exc)
        return [degraded_translation(original, str(exc)) for original in originals]
    seconds = float(
        getattr(settings, "TRANSLATION_INTERACTIVE_SECONDS", DEFAULT_INTERACTIVE_SECONDS)
    )
    try:
        with interactive_calls(timeout=seconds) if interactive else nullcontext():
            outcome = translate_with(
                generator.backend,
                texts,
                source=source,
                target=target,
                kind=kind,
                finetuned=generator.finetuned,
                glossary=catalog_glossary(),
                deadline=time.monotonic() + seconds if interactive else None,
            )
    except LLMError as exc:
        logger.warning("translation degraded: the generator failed: %s", exc)
        reason = _("The translation model failed: %s") % exc
        return [degraded_translation(original, reason) for original in originals]
    results = []
    for original, text, (translation, latency) in zip(originals, texts, outcome, strict=True):
        translation = Translation(
            source_text=original,
            text=translation.text,
            checks=translation.checks,
            is_flagged=translation.is_flagged,
            cached=False,
            degraded=translation.degraded,
        )
        results.append(translation)
        if not translation.degraded:
            _store(
                text,
                translation,
                source=source,
                target=target,
                generator=generator,
                latency_ms=latency,
            )
    return results


def _store(
    text: str,
    translation: Translation,
    *,
    source: str,
    target: str,
    generator: GeneratorInfo,
    latency_ms: float,
) -> None:
    revision = str(getattr(generator.backend, "revision", ""))
    try:
        with transaction.atomic():
            TranslatedText.objects.update_or_create(
                source_hash=source_hash(text, source=source, target=target, revision=revision),
                defaults={
                    "source_language": source,
                    "target_language": target,
                    "source_text": text,
                    "text": translation.text,
                    "prompt_version": PROMPT_VERSION,
                    "model_alias": generator.alias,
                    "model_revision": revision[:200],
                    "model_version": generator.version,
                    "checks": translation.checks,
                    "is_flagged": translation.is_flagged,
                    "latency_ms": round(latency_ms, 1),
                },
            )
    except DatabaseError:
        # A translation that cannot be cached is still served; the next request redoes it.
        logger.exception("translation: could not cache a translation")
