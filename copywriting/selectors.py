"""Reads for copywriting: a product's facts, the check vocabulary, examples, drafts, jobs."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext_noop

from common.text import CHINESE
from copywriting import conf
from copywriting.findings import Message, Source, message
from copywriting.models import CopyDraft, CopyJob, Field
from copywriting.prompts import CopyExample, ProductFacts, build_facts, example_score
from copywriting.reading import name_words
from copywriting.support import Voice, VoiceIndex
from copywriting.vocabulary import Term, Vocabulary
from shop.catalog.cache import versioned_key
from shop.catalog.models import (
    AttributeOption,
    Brand,
    Category,
    CategoryTranslation,
    Product,
    ProductTranslation,
)
from shop.catalog.services import get_attribute_schema

# Which attribute codes of the catalog carry which kind of fact.
FACT_ATTRIBUTE_KINDS = {
    "color": "color",
    "colour": "color",
    "material": "material",
    "size": "size",
    "shoe_size": "size",
    "gender": "gender",
}


def product_text(product: Any, language: str) -> tuple[str, str, list[str]]:
    """(title, description, highlights) of ``product`` in ``language`` (source or translation)."""
    if language == product.language:
        return product.title, product.description, list(product.highlights or [])
    translation = product.translations.filter(language_code=language).first()
    if translation is None:
        return "", "", []
    return translation.title, translation.description, list(translation.highlights or [])


def product_facts(
    product: Any, language: str, *, schema: dict[str, Any] | None = None
) -> ProductFacts:
    """The product's data in ``language``, cleaned for a prompt (see prompts.build_facts).

    ``schema``: the category's attribute schema, when the caller has it already.
    """
    chinese = language == CHINESE
    if schema is None:
        schema = get_attribute_schema(product.category)
    raw = dict(product.attributes or {})
    attributes = []
    for code, value in sorted(raw.items()):
        entry = schema.get(code)
        if value in (None, "", []):
            continue
        if entry is None:
            attributes.append((code, code.replace("_", " "), str(value)))
            continue
        attribute = entry.attribute
        name = attribute.name_zh if chinese and attribute.name_zh else attribute.name
        option = entry.options.get(str(value))
        if option is not None:
            text = option.label_zh if chinese and option.label_zh else option.label
        else:
            text = f"{value} {attribute.unit}".strip()
        attributes.append((code, name, text))
    missing = [code for code, entry in schema.items() if entry.required and code not in raw]
    title, _description, highlights = product_text(product, language)
    brand = ""
    if product.brand is not None:
        brand = product.brand.name_zh if chinese and product.brand.name_zh else product.brand.name
    category = product.category.name
    if chinese:
        translated = CategoryTranslation.objects.filter(
            category=product.category, language_code=CHINESE
        ).first()
        if translated is not None:
            category = translated.name
    return build_facts(
        product_id=product.pk,
        language=language,
        category_id=product.category_id,
        title=title or product.title,
        brand=brand,
        category=category,
        attributes=attributes,
        highlights=highlights,
        raw_attributes=raw,
        missing_required=missing,
    )


def catalog_vocabulary() -> Vocabulary:
    """Colour, material, size and gender labels of the catalog's options, its brands, and the
    words that name its products."""
    terms = []
    options = AttributeOption.objects.filter(
        attribute__code__in=list(FACT_ATTRIBUTE_KINDS)
    ).select_related("attribute")
    for option in options:
        kind = FACT_ATTRIBUTE_KINDS[option.attribute.code]
        for label in (option.label, option.label_zh):
            if label:
                terms.append(Term(kind, label, option.attribute.code, option.value))
    brands: list[str] = []
    for name, name_zh in Brand.objects.values_list("name", "name_zh"):
        brands += [n for n in (name, name_zh) if n]
    terms += _feature_terms()
    return Vocabulary.with_builtins(terms, brands, names=_catalog_names())


# A feature option's label is a claim to check when the catalog's own copy uses it for
# products with that value at least this often (and at least FEATURE_MIN_USES times).
FEATURE_PRECISION = 0.8
FEATURE_MIN_USES = 3


def _feature_terms() -> list[Term]:
    """Labels of the other attributes' options ("Trail", "Waterproof", "越野") that the
    catalog's copy uses for products with that value: a draft stating one for a product
    whose value differs contradicts its data. Labels the copy uses loosely ("Light" for any
    shoe) are left out: their precision in the catalog's own copy is below
    FEATURE_PRECISION."""
    options = (
        AttributeOption.objects.exclude(attribute__code__in=list(FACT_ATTRIBUTE_KINDS))
        .select_related("attribute")
        .order_by("pk")
    )
    by_code: dict[str, list[Any]] = {}
    for option in options:
        by_code.setdefault(option.attribute.code, []).append(option)
    if not by_code:
        return []
    texts: dict[str, list[tuple[Any, str]]] = {"en": [], CHINESE: []}
    for product in Product.objects.active().only("attributes", "description", "language"):
        values = product.attributes or {}
        if any(code in values for code in by_code):
            texts.setdefault(product.language, []).append((values, product.description.casefold()))
    for translation in ProductTranslation.objects.filter(
        product__status=Product.Status.ACTIVE
    ).select_related("product"):
        values = translation.product.attributes or {}
        if any(code in values for code in by_code):
            texts.setdefault(translation.language_code, []).append(
                (values, translation.description.casefold())
            )
    terms = []
    for code, code_options in by_code.items():
        for option in code_options:
            for label, language in ((option.label, "en"), (option.label_zh, CHINESE)):
                if not label or len(label) < 2:
                    continue
                pattern = re.compile(
                    rf"(?<!\w){re.escape(label.casefold())}(?!\w)"
                    if label.isascii()
                    else re.escape(label.casefold())
                )
                uses = [
                    str(values.get(code)) == option.value
                    for values, text in texts.get(language, [])
                    if code in values and pattern.search(text)
                ]
                if len(uses) >= FEATURE_MIN_USES and sum(uses) / len(uses) >= FEATURE_PRECISION:
                    terms.append(Term(code, label, code, option.value, contradicts_only=True))
    return terms


def _catalog_names() -> set[str]:
    titles: list[str] = []
    texts: list[str] = []
    for rows in (
        Product.objects.values_list("title", "description", "highlights"),
        ProductTranslation.objects.values_list("title", "description", "highlights"),
    ):
        for title, description, highlights in rows.iterator(chunk_size=2000):
            titles.append(title)
            texts.append(description)
            texts += [str(h) for h in highlights or []]
    texts += [str(c) for c in Category.objects.values_list("name", flat=True)]
    return name_words(titles, texts)


# (language, catalog version) -> the index of the shop's copy; one per process, rebuilt when
# the catalog changes (approving a draft applies it to the product, a catalog write).
_voices: dict[str, VoiceIndex] = {}


def copy_voice(category_id: int | None, language: str) -> Voice:
    """What the shop's published copy in ``language`` (its descriptions and highlights, and
    the marketing copy its merchants approved) says for products of a category
    (:mod:`copywriting.support`)."""
    # Approving marketing copy changes no product, so the catalog's version misses it.
    approved = _approved_marketing(language).aggregate(n=Count("pk"), last=Max("pk"))
    key = versioned_key("copy-voice", language, approved["n"], approved["last"])
    index = _voices.get(key)
    if index is None:
        _voices.clear()
        index = _voices[key] = VoiceIndex(_published_copy(language))
    return index.voice(category_id)


def _published_copy(language: str) -> Iterable[tuple[int | None, str]]:
    products = Product.objects.active()
    for category_id, description, highlights in (
        products.filter(language=language)
        .values_list("category_id", "description", "highlights")
        .iterator(chunk_size=2000)
    ):
        yield category_id, " ".join([description, *map(str, highlights or [])])
    for category_id, description, highlights in (
        ProductTranslation.objects.filter(
            language_code=language, product__status=Product.Status.ACTIVE
        )
        .values_list("product__category_id", "description", "highlights")
        .iterator(chunk_size=2000)
    ):
        yield category_id, " ".join([description, *map(str, highlights or [])])
    for category_id, parts in (
        _approved_marketing(language)
        .values_list("product__category_id", "parts")
        .iterator(chunk_size=2000)
    ):
        yield category_id, " ".join(str(value) for value in (parts or {}).values())


def _approved_marketing(language: str) -> QuerySet[CopyDraft]:
    return CopyDraft.objects.filter(
        status=CopyDraft.Status.APPROVED, field=Field.MARKETING, language=language
    )


def _draft_example_parts(draft: CopyDraft) -> dict[str, Any]:
    return dict(draft.parts or {})


def fewshot_examples(
    product: Any, *, channel: str, language: str, limit: int, pool: int = 20
) -> list[CopyExample]:
    """Approved copy of other products in the same category and language, most similar first.

    Approved drafts of the channel come first; for the product page, the descriptions the
    shop already publishes count as approved copy too.
    """
    if limit <= 0:
        return []
    candidates: list[tuple[Any, dict[str, Any]]] = []
    approved = (
        CopyDraft.objects.filter(
            status=CopyDraft.Status.APPROVED,
            channel=channel,
            language=language,
            product__category_id=product.category_id,
        )
        .exclude(product_id=product.pk)
        .select_related("product__category", "product__brand")
        .order_by("-reviewed_at", "-pk")[:pool]
    )
    seen: set[int] = set()
    for draft in approved:
        if draft.product_id not in seen:
            seen.add(draft.product_id)
            candidates.append((draft.product, _draft_example_parts(draft)))
    if channel == "product_page" and len(candidates) < pool:
        others = (
            Product.objects.active()
            .filter(category_id=product.category_id)
            .exclude(pk__in=[product.pk, *seen])
            .select_related("category", "brand")
            .order_by("-popularity", "pk")
        )
        if language == product.language:
            others = others.filter(language=language).exclude(description="")
        else:
            others = others.filter(translations__language_code=language).exclude(
                translations__description=""
            )
        for other in others[: pool - len(candidates)]:
            _title, description, highlights = product_text(other, language)
            if description:
                candidates.append((other, {"description": description, "highlights": highlights}))
    schema = get_attribute_schema(product.category)
    facts = product_facts(product, language, schema=schema)
    scored = [(p, parts, product_facts(p, language, schema=schema)) for p, parts in candidates]
    # Stable: ties keep the order above (approved first, then popular).
    scored.sort(key=lambda item: example_score(facts, item[2]), reverse=True)
    return [CopyExample(other_facts, parts) for _p, parts, other_facts in scored[:limit]]


def other_copy(
    product_id: int | None, *, category_id: int | None, language: str, limit: int
) -> list[Source]:
    """(source, text) of other products' published and approved copy, same category first."""
    pool: list[Source] = []
    sources = Product.objects.exclude(pk=product_id).exclude(description="")
    if category_id is not None:
        ordered = [
            sources.filter(category_id=category_id),
            sources.exclude(category_id=category_id),
        ]
    else:
        ordered = [sources]
    for queryset in ordered:
        if len(pool) >= limit:
            break
        for pk, title, description in queryset.filter(language=language).values_list(
            "pk", "title", "description"
        )[: limit - len(pool)]:
            pool.append((_description_of(pk, title), description))
    if len(pool) < limit:
        translations = (
            ProductTranslation.objects.filter(language_code=language)
            .exclude(product_id=product_id)
            .exclude(description="")
        )
        for product_pk, title, description in translations.values_list(
            "product_id", "title", "description"
        )[: limit - len(pool)]:
            pool.append((_description_of(product_pk, title), description))
    approved = (
        CopyDraft.objects.filter(status=CopyDraft.Status.APPROVED, language=language)
        .exclude(product_id=product_id)
        .values_list("product_id", "text")[:limit]
    )
    pool += [
        (message(gettext_noop("approved copy of product {pk}"), pk=pk), text)
        for pk, text in approved
    ]
    return pool


def _description_of(pk: int, title: str) -> Message:
    return message(gettext_noop("the description of product {pk} “{title}”"), pk=pk, title=title)


def drafts_for_product(product_id: int) -> QuerySet[CopyDraft]:
    return CopyDraft.objects.filter(product_id=product_id).select_related("reviewer")


def pending_draft_count(product_id: int) -> int:
    return CopyDraft.objects.filter(product_id=product_id, status=CopyDraft.Status.DRAFT).count()


def existing_batch_keys(keys: Iterable[str]) -> dict[str, int | None]:
    """batch_key -> job id of the drafts that already exist for ``keys``."""
    return dict(
        CopyDraft.objects.filter(batch_key__in=list(keys)).values_list("batch_key", "job_id")
    )


def products_for_batch(
    *,
    category_slug: str | None = None,
    language: str | None = None,
    missing_only: bool = False,
    product_ids: Sequence[int] | None = None,
) -> list[int]:
    """Ids of active products to draft for: a category (and its subcategories), optionally only
    those without a description in ``language``."""
    queryset = Product.objects.active()
    if product_ids is not None:
        queryset = queryset.filter(pk__in=list(product_ids))
    if category_slug:
        category = Category.objects.get(slug=category_slug)
        ids, frontier = {category.pk}, [category.pk]
        while frontier:
            frontier = list(
                Category.objects.filter(parent_id__in=frontier)
                .exclude(pk__in=ids)
                .values_list("pk", flat=True)
            )
            ids.update(frontier)
        queryset = queryset.filter(category_id__in=ids)
    if missing_only and language:
        in_source = Q(language=language, description="")
        translated = Q(translations__language_code=language) & ~Q(translations__description="")
        no_translation = ~Q(language=language) & ~Q(pk__in=Product.objects.filter(translated))
        queryset = queryset.filter(in_source | no_translation)
    return list(queryset.order_by("pk").values_list("pk", flat=True).distinct())


def ai_assisted_parts(product_id: int, language: str, description: str) -> bool:
    """Whether the product's description in ``language`` is approved AI text as shown."""
    if not description:
        return False
    drafts = CopyDraft.objects.filter(
        product_id=product_id,
        channel="product_page",
        language=language,
        status=CopyDraft.Status.APPROVED,
        is_applied=True,
    ).values_list("parts", flat=True)
    return any(
        (parts or {}).get("description", "").strip() == description.strip() for parts in drafts
    )


def job_progress(job: CopyJob) -> dict[str, Any]:
    return {
        "status": job.status,
        "done": job.cursor,
        "total": job.total,
        "drafted": job.generated,
        "already_drafted": job.skipped,
        "refused": job.refused,
        "flagged": job.flagged,
        "percent": job.progress_percent,
    }


def job_drafts(job_id: int) -> QuerySet[CopyDraft]:
    """The drafts a job stored, candidates in order."""
    return CopyDraft.objects.filter(job_id=job_id).order_by("candidate", "pk")


def is_stalled(job: CopyJob) -> bool:
    """A running job whose last progress is older than COPYWRITING_STALLED_AFTER_SECONDS."""
    return job.is_stalled(conf.get("STALLED_AFTER_SECONDS"))
