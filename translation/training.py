"""The "translation" fine-tuning task: a source text → its translation, both directions.

Registered from ``TranslationConfig.ready()``, so ``manage.py finetune generator --task
translation`` trains the generator on:

- the catalog: each product's source text (title, highlights, description lines) against its
  ``ProductTranslation`` in the other language, both ways (one product's pairs share a group,
  so they fall on the same side of the validation split);
- approved ``TranslationDraft`` rows (what a merchant accepted, edited or not);
- optionally files of pairs, ``TRANSLATION_TRAINING_FILES``: paths (CSV with a language
  header, ``translation.evaluation.read_pairs``), or ``{"path": ..., "kind": "title"}``.

``build_prompt`` is the engine's zero-shot prompt (``translation.prompts.build_prompt``
without examples), so a fine-tuned model is asked exactly what it learnt; the engine uses it
while a version of this task is active on the alias.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.db.models import Prefetch

from common.text import CHINESE, ENGLISH
from llm_services.training import CollectOptions, Example, register_task
from translation.glossary import catalog_glossary, entries_in
from translation.prompts import PROMPT_VERSION, SEGMENT_CHARS, build_prompt

TASK_NAME = "translation"
LANGUAGES = (ENGLISH, CHINESE)


def build_training_prompt(example: Example) -> str:
    """The zero-shot prompt for an example: ``source`` = {"text", "source", "kind"} and
    optionally "glossary" (brand and merchant terms, as the engine is given them)."""
    return build_prompt(
        str(example.source["text"]),
        source=str(example.source["source"]),
        target=example.language,
        kind=str(example.source.get("kind") or "text"),
        glossary=[tuple(names) for names in example.source.get("glossary") or ()],
        list_terms=True,
    )


def _pairs_of(
    source_fields: dict[str, Any], target_fields: dict[str, Any]
) -> Iterator[tuple[str, str, str]]:
    """(kind, source text, target text) for the fields two versions of a product share."""
    title, other_title = source_fields.get("title") or "", target_fields.get("title") or ""
    if title.strip() and other_title.strip():
        yield "title", title, other_title
    highlights = [str(h) for h in source_fields.get("highlights") or [] if str(h).strip()]
    other = [str(h) for h in target_fields.get("highlights") or [] if str(h).strip()]
    if highlights and len(highlights) == len(other):
        yield from (("highlight", a, b) for a, b in zip(highlights, other, strict=True))
    lines = [line for line in (source_fields.get("description") or "").splitlines() if line.strip()]
    other_lines = [
        line for line in (target_fields.get("description") or "").splitlines() if line.strip()
    ]
    # Line by line only where the lines correspond; a line the prompt would segment is left out.
    if lines and len(lines) == len(other_lines):
        for a, b in zip(lines, other_lines, strict=True):
            if len(a) <= SEGMENT_CHARS and len(b) <= SEGMENT_CHARS:
                yield "description", a, b


def _both_ways(
    *,
    key: str,
    source: str,
    fields: dict[str, Any],
    target: str,
    other: dict[str, Any],
    glossary: Sequence[Sequence[str]],
) -> Iterator[Example]:
    for language, mine, theirs, into in (
        (source, fields, other, target),
        (target, other, fields, source),
    ):
        for index, (kind, text, translated) in enumerate(_pairs_of(mine, theirs)):
            yield Example(
                source={
                    "text": text,
                    "source": language,
                    "kind": kind,
                    "glossary": entries_in(text, glossary),
                },
                target=translated,
                language=into,
                key=f"{key}:{language}>{into}:{index}",
                group=key,
            )


def _fields(row: Any) -> dict[str, Any]:
    return {"title": row.title, "description": row.description, "highlights": row.highlights}


def _catalog_examples(
    options: CollectOptions, glossary: Sequence[Sequence[str]]
) -> Iterator[Example]:
    from shop.catalog.models import Product, ProductTranslation

    products = (
        Product.objects.order_by("pk")
        .only("pk", "language", "title", "description", "highlights")
        .prefetch_related(
            Prefetch(
                "translations",
                queryset=ProductTranslation.objects.filter(language_code__in=LANGUAGES),
            )
        )
    )
    for product in products.iterator(chunk_size=options.chunk_size):
        if product.language not in LANGUAGES:
            continue
        for translation in product.translations.all():
            if translation.language_code == product.language:
                continue
            yield from _both_ways(
                key=f"product:{product.pk}",
                source=product.language,
                fields=_fields(product),
                target=translation.language_code,
                other=_fields(translation),
                glossary=glossary,
            )


def _draft_examples(
    options: CollectOptions, glossary: Sequence[Sequence[str]]
) -> Iterator[Example]:
    from shop.catalog.models import ProductTranslation
    from translation.models import TranslationDraft

    drafts = TranslationDraft.objects.filter(
        status=TranslationDraft.Status.APPROVED,
        source_language__in=LANGUAGES,
        target_language__in=LANGUAGES,
    ).select_related("product")
    for draft in drafts.order_by("pk").iterator(chunk_size=options.chunk_size):
        product = draft.product
        if product.language == draft.source_language:
            fields = _fields(product)
        else:
            row = ProductTranslation.objects.filter(
                product_id=product.pk, language_code=draft.source_language
            ).first()
            if row is None:
                continue
            fields = _fields(row)
        yield from _both_ways(
            key=f"product:{product.pk}",
            source=draft.source_language,
            fields=fields,
            target=draft.target_language,
            other=dict(draft.fields or {}),
            glossary=glossary,
        )


def training_files() -> list[tuple[str, str]]:
    """(path, kind) of settings.TRANSLATION_TRAINING_FILES."""
    files = []
    for entry in getattr(settings, "TRANSLATION_TRAINING_FILES", None) or ():
        if isinstance(entry, dict):
            files.append((str(entry["path"]), str(entry.get("kind", "text"))))
        else:
            files.append((str(entry), "text"))
    return files


def _file_examples(glossary: Sequence[Sequence[str]]) -> Iterator[Example]:
    from translation.evaluation import pair_examples, read_pairs

    for path, kind in training_files():
        pair_file = read_pairs(path, kind=kind)
        yield from pair_examples(
            pair_file.pairs,
            source=pair_file.source,
            target=pair_file.target,
            prefix=f"file:{path}",
            glossary=glossary,
        )


def collect_translation(options: CollectOptions) -> Iterator[Example]:
    """The catalog's translated products, approved drafts and the configured files."""
    glossary = catalog_glossary()
    produced = 0
    for source in (
        _catalog_examples(options, glossary),
        _draft_examples(options, glossary),
        _file_examples(glossary),
    ):
        for example in source:
            if options.languages is not None and example.language not in options.languages:
                continue
            yield example
            produced += 1
            if options.limit is not None and produced >= options.limit:
                return


def register() -> None:
    from shop.catalog.selectors import catalog_name_texts
    from shop.orders.selectors import customer_names
    from translation.engine import model_alias

    register_task(
        TASK_NAME,
        collect_translation,
        build_prompt=build_training_prompt,
        kind="generator",
        alias=model_alias(),
        description="A title, highlight or description line → its English / Chinese translation.",
        prompt_version=PROMPT_VERSION,
        max_new_tokens=64,
        stop=("\n",),
        personal_names=customer_names,
        protected_texts=catalog_name_texts,
    )
