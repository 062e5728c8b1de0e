"""What the translation services share: languages, fields, errors, the engine call, a
product's source text and its hash."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from typing import Any

from common.text import CHINESE, ENGLISH
from shop.catalog.models import (
    Product,
)

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
