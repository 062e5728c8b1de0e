"""Writes for machine translation: batch jobs, drafts and their review, reviews on demand.

The admin (the product list's "Translate into …" actions, the catalog import's status page,
the draft review page), ``translation.tasks`` and the review endpoint call these functions.
The model itself is behind ``translation.engine.translate_texts``, which caches every text it
translates (``TranslatedText``); these modules decide what to translate and what happens to it:
``jobs`` (batch jobs), ``review`` (the merchant's review of drafts), ``labels`` (attribute
labels) and ``reviews`` (reviews on demand), on ``base`` (what they share).

Nothing reaches the storefront's catalog text before a merchant approves a draft:
:func:`approve_draft` writes the product's ``ProductTranslation`` and bumps the catalog's cache
version, which is also the search index's dirty flag, so the periodic index update picks the
approved text up (``search.services.apply_index_updates``).
"""

from translation.services.base import (
    FIELDS,
    RUN_JOB_TASK,
    SOURCE_LANGUAGES,
    TARGET_LANGUAGES,
    ApprovalBlocked,
    ReviewNotTranslatable,
    TranslationError,
    source_fields,
    source_hash,
)
from translation.services.jobs import (
    request_import_translation,
    request_translation,
    resume_job,
    run_job,
)
from translation.services.labels import propose_attribute_labels, write_attribute_labels
from translation.services.review import approve_draft, edit_draft, reject_draft
from translation.services.reviews import ReviewTranslation, translate_review

__all__ = [
    "FIELDS",
    "RUN_JOB_TASK",
    "SOURCE_LANGUAGES",
    "TARGET_LANGUAGES",
    "ApprovalBlocked",
    "ReviewNotTranslatable",
    "ReviewTranslation",
    "TranslationError",
    "approve_draft",
    "edit_draft",
    "propose_attribute_labels",
    "reject_draft",
    "request_import_translation",
    "request_translation",
    "resume_job",
    "run_job",
    "source_fields",
    "source_hash",
    "translate_review",
    "write_attribute_labels",
]
