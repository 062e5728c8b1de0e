"""Reads for machine translation: jobs' progress, drafts, what an import wrote, and whether a
product's shown text is an approved machine translation."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from shop.catalog.models import (
    Attribute,
    AttributeOption,
    CatalogImport,
    Product,
    ProductTranslation,
)
from translation.models import TranslatedText, TranslationDraft, TranslationJob

# A running job whose last progress is older than this is shown as stalled (resume it): a
# chunk of a few products takes seconds to a minute on a CPU.
STALLED_AFTER_SECONDS = 10 * 60


def job_progress(job: TranslationJob) -> dict[str, Any]:
    return {
        "status": job.status,
        "done": job.cursor,
        "total": job.total,
        "translated": job.translated,
        "already_translated": job.skipped,
        "flagged": job.flagged,
        "percent": job.progress_percent,
    }


def is_stalled(job: TranslationJob) -> bool:
    """A running job whose last progress is older than :data:`STALLED_AFTER_SECONDS`."""
    return job.is_stalled(STALLED_AFTER_SECONDS)


def drafted_hashes(
    keys: Iterable[tuple[int, str]], *, target_language: str
) -> set[tuple[int, str]]:
    """Which (product id, source hash) pairs have a draft in ``target_language`` already."""
    keys = list(keys)
    if not keys:
        return set()
    rows = TranslationDraft.objects.filter(
        target_language=target_language,
        product_id__in={pk for pk, _hash in keys},
        source_hash__in={h for _pk, h in keys},
    ).values_list("product_id", "source_hash")
    return set(rows) & set(keys)


def provenance_for(source_texts: Sequence[str], *, target_language: str) -> dict[str, Any]:
    """The prompt, model and version that translated these texts, from the engine's cache.

    Every text of a chunk is translated by one engine call per kind, so the newest cache row
    of any of them names the model of the chunk. Empty values when the cache has none.
    """
    row = (
        TranslatedText.objects.filter(
            target_language=target_language, source_text__in=[t for t in source_texts if t]
        )
        .order_by("-created_at", "-pk")
        .values("prompt_version", "model_alias", "model_revision", "model_version_id")
        .first()
    )
    if row is None:
        return {"prompt_version": "", "model_alias": "", "model_revision": ""}
    return row


def imported_product_ids(catalog_import: CatalogImport) -> list[int]:
    """The products a finished, written catalog import created or changed.

    The import writes every row in one transaction between ``started_at`` and
    ``finished_at`` and stamps each product it writes (``updated_at``); unchanged rows are not
    written. A product edited by someone else during that window is counted too.
    """
    result = catalog_import.result or {}
    if (
        catalog_import.status != CatalogImport.Status.DONE
        or catalog_import.dry_run
        or not result.get("written")
        or catalog_import.started_at is None
        or catalog_import.finished_at is None
    ):
        return []
    return list(
        Product.objects.filter(
            updated_at__gte=catalog_import.started_at, updated_at__lte=catalog_import.finished_at
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class MissingLabel:
    """An attribute name or option label the catalog has in English only."""

    kind: str  # "attribute" or "option"
    id: int
    source: str
    # The attribute an option belongs to (its English name), for the reviewer.
    context: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.id}"


def missing_attribute_labels(*, limit: int = 100) -> list[MissingLabel]:
    """Attribute names and option labels without a Chinese label, attributes first."""
    labels = [
        MissingLabel("attribute", pk, name)
        for pk, name in Attribute.objects.filter(name_zh="")
        .exclude(name="")
        .order_by("code")
        .values_list("pk", "name")[:limit]
    ]
    options = (
        AttributeOption.objects.filter(label_zh="")
        .exclude(label="")
        .order_by("attribute__code", "position", "value")
        .values_list("pk", "label", "attribute__name")[: max(0, limit - len(labels))]
    )
    return labels + [MissingLabel("option", pk, label, context) for pk, label, context in options]


def pending_draft_count(product_id: int | None = None) -> int:
    drafts = TranslationDraft.objects.filter(status=TranslationDraft.Status.DRAFT)
    if product_id is not None:
        drafts = drafts.filter(product_id=product_id)
    return drafts.count()


def is_machine_translated(*, product_id: int, language: str, title: str, description: str) -> bool:
    """Whether the product's text shown in ``language`` is an approved machine translation.

    True when the newest approved draft for that language has the title or the description
    shown (a translation the merchant rewrote by hand in the product admin since is no longer
    the machine's).
    """
    if not (title or description):
        return False
    fields = (
        TranslationDraft.objects.filter(
            product_id=product_id,
            target_language=language,
            status=TranslationDraft.Status.APPROVED,
        )
        .order_by("-reviewed_at", "-pk")
        .values_list("fields", flat=True)
        .first()
    )
    if not fields:
        return False
    return (bool(title) and fields.get("title", "").strip() == title.strip()) or (
        bool(description) and fields.get("description", "").strip() == description.strip()
    )


def products_missing_language(language: str) -> list[int]:
    """Ids of active products with no text in ``language``: written in another language and
    without a translation row for it (the ones a shopper of that language reads in another)."""
    translated = ProductTranslation.objects.filter(language_code=language).values("product_id")
    return list(
        Product.objects.active()
        .exclude(language=language)
        .exclude(pk__in=translated)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
