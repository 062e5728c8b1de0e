"""The merchant's review of drafts: edit, approve (writes the product's translation), reject."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.catalog.cache import invalidate_catalog_cache
from shop.catalog.models import (
    Product,
    ProductTranslation,
)
from translation.models import TranslationDraft
from translation.services.base import (
    ApprovalBlocked,
    _user_or_none,
    source_hash,
)

logger = logging.getLogger("translation")


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
